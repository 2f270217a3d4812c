"""SQLite support for the append-only triggers of migration 0002.

Why: on SQLite the triggers call `govdoor_ledger_unlocked()`, registered here on each Django
connection. It answers 0, so UPDATE and DELETE on the tree tables abort, except for one
thing: on a test database, the whole-table `DELETE FROM "ledger_…";` that Django's flush
issues between transactional tests (PostgreSQL uses TRUNCATE, which row triggers do not see). Any
other client (the sqlite3 shell) lacks the function, so its trigger fails and refuses too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings

PROTECTED = ("ledger_node", "ledger_checkpoint", "ledger_entry", "ledger_span")
_FLUSH_SQL = frozenset(f'DELETE FROM "{table}";' for table in PROTECTED)
_state = threading.local()


def _unlocked() -> int:
    return 1 if getattr(_state, "flushing", False) else 0


def _is_test_database(connection: Any) -> bool:
    """The test runner renames the database to its TEST name; only there may flush run."""
    settings_dict = connection.settings_dict
    test_name = (settings_dict.get("TEST") or {}).get("NAME")
    return settings.GOVDOOR_MODE == "test" or (
        test_name is not None and str(settings_dict.get("NAME")) == str(test_name)
    )


def _flush_wrapper(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
) -> Any:
    if sql.strip() not in _FLUSH_SQL or not _is_test_database(context["connection"]):
        return execute(sql, params, many, context)
    _state.flushing = True
    try:
        return execute(sql, params, many, context)
    finally:
        _state.flushing = False


def install(connection: Any) -> None:
    """Register the function on a new SQLite connection (and the flush hook in test mode)."""
    if connection.vendor != "sqlite" or connection.connection is None:
        return
    connection.connection.create_function("govdoor_ledger_unlocked", 0, _unlocked)
    if _flush_wrapper not in connection.execute_wrappers:
        connection.execute_wrappers.append(_flush_wrapper)


def on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    install(connection)
