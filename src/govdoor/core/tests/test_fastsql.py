"""insert_one writes what Model.objects.create writes, in one prepared statement."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govdoor.core.fastsql import insert_one
from govdoor.exchange.models import DataRequest
from govdoor.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _organisation() -> Organisation:
    return Organisation.objects.create(code="tax", name="Tax", level="central")


def test_an_inserted_row_reads_back_as_the_orm_would_have_written_it():
    from govdoor.core import clock

    org = _organisation()
    kwargs = dict(
        requester=org,
        subject_ref="s-1",
        purpose_code="tax-assessment",
        fields=["population.street", "income.taxable_income"],
        status=DataRequest.Status.ANSWERED,
        reason="é \\ \t",
        created_at=clock.now(),
    )
    with CaptureQueriesContext(connection) as ctx:
        fast = insert_one(DataRequest(**kwargs))
    assert len(ctx.captured_queries) == 1
    orm = DataRequest.objects.create(**kwargs)
    stored = {r.pk: r for r in DataRequest.objects.all()}
    for row in (fast, orm):
        got = stored[row.pk]
        assert (got.requester_id, got.subject_ref, got.fields, got.status, got.reason) == (
            org.pk,
            "s-1",
            kwargs["fields"],
            "answered",
            "é \\ \t",
        )
        assert got.created_at == kwargs["created_at"]
    assert fast._state.adding is False


def test_an_instance_without_its_key_is_refused():
    org = _organisation()
    row = DataRequest(requester=org, purpose_code="x", status="answered")
    row.pk = None
    with pytest.raises(ValueError):
        insert_one(row)
