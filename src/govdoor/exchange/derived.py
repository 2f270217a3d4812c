"""Derived values: "does this person qualify for X" answers instead of the raw data.

Why declared here, per register: a derived value names the register fields it is computed
from, so the policy can allow `age_over_18` without allowing `birth_date`; the inputs are
read inside this service (and ledgered as read for the purpose) but never leave it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from govdoor.core import clock
from govdoor.core.registry import Registry


@dataclass(frozen=True)
class Derived:
    register_code: str
    name: str
    inputs: tuple[str, ...]
    compute: Callable[[dict[str, Any]], Any]


derived_values: Registry[Derived] = Registry("derived values")


def derived_declare(register_code: str, name: str, *inputs: str) -> Callable[..., Any]:
    def decorator(fn: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any]:
        derived_values.register(f"{register_code}.{name}")(
            Derived(register_code, name, tuple(inputs), fn)
        )
        return fn

    return decorator


def _age_on(birth: str | None, on: dt.date) -> int | None:
    if not birth:
        return None
    born = dt.date.fromisoformat(birth)
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@derived_declare("population", "age_over_18", "birth_date")
def _age_over_18(data: dict[str, Any]) -> bool | None:
    age = _age_on(data.get("birth_date"), clock.today())
    return None if age is None else age >= 18


@derived_declare("population", "age_over_65", "birth_date")
def _age_over_65(data: dict[str, Any]) -> bool | None:
    age = _age_on(data.get("birth_date"), clock.today())
    return None if age is None else age >= 65


@derived_declare("population", "is_alive", "deceased_on")
def _is_alive(data: dict[str, Any]) -> bool:
    return not data.get("deceased_on")


def derived_get(register_code: str, name: str) -> Derived | None:
    key = f"{register_code}.{name}"
    return derived_values.get(key) if key in derived_values else None
