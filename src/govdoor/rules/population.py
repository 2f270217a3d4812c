"""Who a scan or a bias report computes for, as flat arrays: each person with the children
they are registered as parent of (identity's family links), their age, and household
finances from a finances source.

Why a pluggable finances source: Demoland has no income register yet. The "demo" source
derives a household's monthly income, rent and property tax deterministically from the
person's id (the same numbers on every run), so scans and bias reports can be demonstrated;
a deployment registers a source reading the tax authority's income register instead.

The synthetic disability flag: identity.Person has a `disability` field (the demo country
sets it for about 5 % of people), so bias reports use it as is; nothing is derived.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings

from govdoor.core.registry import Registry
from govdoor.identity.models import Address, FamilyLink, Person
from govdoor.rules.batch import HouseholdBatch

Finances = dict[str, np.ndarray]
finance_sources: Registry[Callable[[Sequence[str]], Finances]] = Registry("finances sources")
FINANCE_FIELDS = ("household_income", "rent", "property_tax")
CHUNK = 5000


def _units(person_ids: Sequence[str], salt: str, scale: int) -> np.ndarray:
    """`round(scale * u, -1)` per person, u the first 4 bytes of sha256("salt:id") / 2**32.

    Why integers: u is k / 2**32 exactly, so scale * u / 10 is an exact fraction and rounding
    it half to even with integer arithmetic gives the same numbers as Python's `round` on
    the float (the scalar formula this replaced), for a million ids at once. The salt is
    hashed once and copied per id; the digests are joined into one buffer numpy reads.
    """
    salted = hashlib.sha256(f"{salt}:".encode())
    copy, digests = salted.copy, []
    for person_id in person_ids:
        h = copy()
        h.update(str(person_id).encode())
        digests.append(h.digest())
    first4 = np.frombuffer(b"".join(digests), dtype=np.uint8).reshape(-1, 32)[:, :4]
    k = np.ascontiguousarray(first4).view(">u4").ravel().astype(np.int64)
    q, r = np.divmod(k * (scale // 10), 2**32)
    half = 2**31
    q += (r > half) | ((r == half) & (q % 2 == 1))
    return (10 * q).astype(float)


@finance_sources.register("demo")
def demo_finances(person_ids: Sequence[str]) -> Finances:
    """Synthetic, deterministic: monthly income 600-5,400, rent 350-1,150, tax 400-1,600."""
    return {
        "household_income": 600 + _units(person_ids, "income", 4800),
        "rent": 350 + _units(person_ids, "rent", 800),
        "property_tax": 400 + _units(person_ids, "tax", 1200),
    }


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@dataclass
class People:
    """The heads (one household each) with what bias reports group them by."""

    ids: list[str]
    batch: HouseholdBatch
    sex: list[str]
    age: list[int]
    region: list[str]
    disability: list[bool]


def people_households(
    person_ids: Sequence[Any], *, on: dt.date, source: str | None = None
) -> People:
    """One household per person: the person and the children they are parent of.
    Finances come from the source named by GOVDOOR_RULES_FINANCES_SOURCE (default "demo")."""
    source = source or str(getattr(settings, "GOVDOOR_RULES_FINANCES_SOURCE", "demo"))
    rows: list[tuple[Any, ...]] = []
    children: dict[str, list[int]] = {}
    regions: dict[str, Any] = {}
    wanted = list(person_ids)
    for start in range(0, len(wanted), CHUNK):  # bounded IN lists (SQLite's variable limit)
        chunk = wanted[start : start + CHUNK]
        rows += Person.objects.filter(pk__in=chunk).values_list(
            "pk", "birth_date", "sex", "disability"
        )
        for parent_id, birth in FamilyLink.objects.filter(
            person_id__in=chunk, kind=FamilyLink.Kind.PARENT
        ).values_list("person_id", "relative__birth_date"):
            children.setdefault(str(parent_id), []).append(age_on(birth, on))
        for pid, region in Address.objects.filter(
            person_id__in=chunk, valid_to__isnull=True
        ).values_list("person_id", "municipality__parent__name"):
            regions[str(pid)] = region
    rows.sort(key=lambda r: str(r[0]))
    ids = [str(r[0]) for r in rows]
    household, ages, is_child = [], [], []
    for i, row in enumerate(rows):
        household.append(i)
        ages.append(age_on(row[1], on))
        is_child.append(False)
        for child_age in children.get(ids[i], []):
            household.append(i)
            ages.append(child_age)
            is_child.append(True)
    finances = finance_sources.get(source)(ids)
    batch = HouseholdBatch(
        person_household=np.array(household, dtype=np.int64),
        person_age=np.array(ages, dtype=np.int64),
        person_is_child=np.array(is_child, dtype=bool),
        household_inputs={k: finances[k] for k in FINANCE_FIELDS},
    )
    return People(
        ids=ids,
        batch=batch,
        sex=[r[2] for r in rows],
        age=[age_on(r[1], on) for r in rows],
        region=[str(regions.get(pid) or "unknown") for pid in ids],
        disability=[bool(r[3]) for r in rows],
    )
