"""A small typed plugin registry (notification channels, IdPs, register adapters, rules).

Why not entry points: plugins are code in this repository, registered at import time, and a
registry must be inspectable (`ids()`) so the back office can list what is available.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class UnknownPlugin(LookupError):
    """Raised when no plugin is registered under an id."""


class Registry(Generic[T]):
    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[str, T] = {}

    def register(self, plugin_id: str) -> Callable[[T], T]:
        """Decorator: `@channels.register("email")` above a class or function."""

        def decorator(plugin: T) -> T:
            if plugin_id in self._items and self._items[plugin_id] is not plugin:
                raise ValueError(f"{self.name}: plugin id {plugin_id!r} is already registered")
            self._items[plugin_id] = plugin
            return plugin

        return decorator

    def unregister(self, plugin_id: str) -> None:
        """Remove a plugin (tests that register throwaway consumers clean up with this)."""
        self._items.pop(plugin_id, None)

    def get(self, plugin_id: str) -> T:
        try:
            return self._items[plugin_id]
        except KeyError:
            raise UnknownPlugin(f"{self.name}: no plugin {plugin_id!r}") from None

    def __contains__(self, plugin_id: object) -> bool:
        return plugin_id in self._items

    def ids(self) -> list[str]:
        return sorted(self._items)

    def items(self) -> Iterator[tuple[str, T]]:
        yield from sorted(self._items.items())
