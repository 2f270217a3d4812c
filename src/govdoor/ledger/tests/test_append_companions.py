"""An access's own rows written with its ledger entries (the exchange's request record):
in the entries' statement on PostgreSQL, all or nothing everywhere."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from govdoor.core import clock
from govdoor.core.errors import Unavailable
from govdoor.exchange.models import DataRequest
from govdoor.ledger import bulk, merkle, services
from govdoor.ledger.models import Entry
from govdoor.ledger.services import LedgerEntryIn
from govdoor.ledger.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def entry(n: int = 0) -> LedgerEntryIn:
    return LedgerEntryIn(
        subject_id=f"person-{n}",
        actor_org="tax",
        actor_user=None,
        action="disclose",
        purpose="tax-assessment",
        legal_basis="Income Tax Act s. 12",
        fields=["street"],
    )


def request_row(**overrides: Any) -> DataRequest:
    values: dict[str, Any] = dict(
        requester=OrganisationFactory(),
        subject_ref="person-0",
        purpose_code="tax-assessment",
        fields=["population.street"],
        status=DataRequest.Status.ANSWERED,
        reason="é \\ \t ' \"",
        created_at=clock.now(),
    )
    return DataRequest(**(values | overrides))


@pytest.mark.parametrize("count", [1, 3, bulk.COPY_FROM + 1])
def test_companion_rows_are_written_with_the_entries_and_read_back_as_given(count):
    rows = [request_row(), request_row(status=DataRequest.Status.FAILED, fields=[])]
    with transaction.atomic():
        written = services.ledger_append_many(
            entries=[entry(n) for n in range(count)], companions=rows
        )
    assert written == count
    assert Entry.objects.count() == count
    for row in rows:
        assert row._state.adding is False
        stored = DataRequest.objects.get(pk=row.pk)
        assert (stored.requester_id, stored.status, stored.fields, stored.reason) == (
            row.requester_id,
            row.status,
            row.fields,
            row.reason,
        )
        assert stored.created_at == row.created_at
    for record in Entry.objects.all():
        assert bytes(record.leaf_hash) == merkle.leaf_hash(record.body.encode())
        assert json.loads(record.body)["action"] == "disclose"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one statement on PostgreSQL")
def test_on_postgresql_a_few_entries_and_their_companion_take_one_statement():
    row = request_row()
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        services.ledger_append_many(entries=[entry(0), entry(1), entry(2)], companions=[row])
    statements = [q["sql"] for q in ctx.captured_queries]
    assert len(statements) == 1, statements
    assert "ledger_entry" in statements[0] and "exchange_datarequest" in statements[0]
    assert DataRequest.objects.filter(pk=row.pk).exists()


def test_companions_are_written_even_when_there_is_no_entry():
    row = request_row()
    with transaction.atomic():
        assert services.ledger_append_many(entries=[], companions=[row]) == 0
    assert DataRequest.objects.filter(pk=row.pk).exists()
    assert not Entry.objects.exists()


@pytest.mark.parametrize("count", [0, 2, bulk.COPY_FROM])
def test_a_companion_that_cannot_be_written_takes_the_entries_with_it(count):
    taken = request_row()
    taken.save()
    clash = request_row(id=taken.pk, purpose_code="another")  # the same key: refused
    with pytest.raises(Unavailable) as raised, transaction.atomic():
        services.ledger_append_many(entries=[entry(n) for n in range(count)], companions=[clash])
    assert raised.value.status_code == 503
    assert not Entry.objects.exists()
    assert DataRequest.objects.get().purpose_code == "tax-assessment"


@pytest.mark.parametrize("count", [1, bulk.COPY_FROM])
def test_a_companion_without_its_key_is_refused_before_anything_is_written(count):
    row = request_row()
    row.pk = None
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        with pytest.raises(ValueError):
            services.ledger_append_many(entries=[entry(n) for n in range(count)], companions=[row])
        assert not [q for q in ctx.captured_queries if "ledger_" in q["sql"]]
    assert not Entry.objects.exists()
