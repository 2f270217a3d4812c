"""Adapters for registers kept elsewhere (plugin registry): file imports and remote systems.

Each adapter id names a way of getting rows into a register: "csv" and "xlsx" read files,
"remote" reads a legacy system over HTTP. `adapters.ids()` lists them for the back office.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from govdoor.core.registry import Registry

Row = tuple[int, dict[str, Any]]


class RowSource(Protocol):
    """Yields (row number as the keeper sees it, row) pairs."""

    def rows(self) -> Iterator[Row]: ...


adapters: Registry[type[Any]] = Registry("register adapters")


def load_all() -> None:
    """Import the modules that register the built-in adapters."""
    from govdoor.registries.adapters import files, remote  # noqa: F401
