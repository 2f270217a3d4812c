"""Fixtures every test shares.

Reference data that data migrations create (the mailbox message types of messaging, cases
and rules) is removed by the flush that ends a transactional test (live server, concurrency
tests), so every transactional test puts it back first, through the same idempotent functions
the migrations run. Ordinary tests run inside a transaction and keep the migrated data.
"""

from __future__ import annotations

import importlib

import pytest

DATA_MIGRATIONS = (
    "govdoor.messaging.migrations.0002_reminder_type",
    "govdoor.cases.migrations.0002_message_types",
    "govdoor.rules.migrations.0002_offer_message_type",
)


def _transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def reference_data(request: pytest.FixtureRequest) -> None:
    if not _transactional(request):
        return
    from django.apps import apps

    request.getfixturevalue("transactional_db")
    for name in DATA_MIGRATIONS:
        importlib.import_module(name).forwards(apps, None)
