"""Concurrent appends and sequencers on PostgreSQL never share an index."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from govdoor.ledger import merkle, selectors, services
from govdoor.ledger.models import Entry

THREADS = 4
PER_THREAD = 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_and_sequencing_get_unique_contiguous_indexes():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises every write anyway")
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def worker(n: int) -> None:
        try:
            start.wait()
            for i in range(PER_THREAD):
                with transaction.atomic():
                    services.ledger_append(
                        subject_id=f"s{n}",
                        actor_org="o",
                        actor_user=None,
                        action="read",
                        purpose="p",
                        legal_basis="l",
                        fields=[f"f{i}"],
                    )
                services.ledger_sequence()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    services.ledger_sequence_all()
    total = THREADS * PER_THREAD
    index_of = selectors.entry_indexes(Entry.objects.values_list("id", flat=True))
    assert sorted(index_of.values()) == list(range(total))
    leaves = [h for _i, h in selectors.leaves_in_order()]
    by_index = [
        bytes(h)
        for _, h in sorted(
            (index_of[i], h) for i, h in Entry.objects.values_list("id", "leaf_hash")
        )
    ]
    assert leaves == by_index and len(leaves) == total
    assert selectors.tree_root(size=total) == merkle.root(leaves)
