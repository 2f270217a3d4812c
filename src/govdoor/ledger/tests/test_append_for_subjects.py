"""One access of many people (a population scan): the same entries as ledger_append_many."""

from __future__ import annotations

import json
from typing import Any

import pytest
import rfc8785
from django.db import transaction

from govdoor.ledger import bulk, merkle, services
from govdoor.ledger.models import Entry

pytestmark = pytest.mark.django_db

ACCESS: dict[str, Any] = {
    "actor_org": "benefits-agency",
    "actor_user": None,
    "action": "read",
    "purpose": "proactive-eligibility",
    "legal_basis": "Consent of the person",
    "fields": ("population.parents", "household_finances"),
}


def _bodies_without_salt_and_time() -> list[dict[str, Any]]:
    out = []
    for record in Entry.objects.exclude(body=None).order_by("id"):
        body = json.loads(record.body)
        body.pop("salt"), body.pop("at")
        out.append(body)
    return out


@pytest.mark.parametrize("count", [3, bulk.COPY_FROM + 5])  # one statement, and COPY
def test_the_entries_are_those_ledger_append_many_writes_for_the_same_people(count):
    subjects = [f"0190b8c4-0000-7000-8000-{n:012d}" for n in range(count)]
    with transaction.atomic():
        assert services.ledger_append_for_subjects(subject_ids=subjects, **ACCESS) == count
    by_subjects = _bodies_without_salt_and_time()
    Entry.objects.update(subject_ref=None, body=None)  # erased: only the new ones are read
    with transaction.atomic():
        services.ledger_append_many(
            entries=[services.LedgerEntryIn(subject_id=s, **ACCESS) for s in subjects]
        )
    assert by_subjects == _bodies_without_salt_and_time()
    for stored in Entry.objects.exclude(body=None):
        assert stored.body.encode() == rfc8785.dumps(json.loads(stored.body))
        assert bytes(stored.leaf_hash) == merkle.leaf_hash(stored.body.encode())
    assert services.ledger_sequence_all() == 2 * count


def test_a_bad_subject_refuses_the_whole_call_and_writes_nothing():
    with pytest.raises(ValueError), transaction.atomic():
        services.ledger_append_for_subjects(subject_ids=["person-1", "   "], **ACCESS)
    assert Entry.objects.count() == 0


def test_a_bad_shared_part_is_refused_before_any_subject_is_read():
    with pytest.raises(ValueError), transaction.atomic():
        services.ledger_append_for_subjects(subject_ids=["p1"], **(ACCESS | {"action": "peek"}))
    assert Entry.objects.count() == 0


def test_a_later_bad_chunk_leaves_nothing_committed(monkeypatch):
    monkeypatch.setattr(services, "MANY_CHUNK", 2)  # the first two are written first
    with pytest.raises(ValueError), transaction.atomic():
        services.ledger_append_for_subjects(subject_ids=["p1", "p2", "x" * 500], **ACCESS)
    assert Entry.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_call_is_refused():
    with pytest.raises(RuntimeError):
        services.ledger_append_for_subjects(subject_ids=["p1"], **ACCESS)
