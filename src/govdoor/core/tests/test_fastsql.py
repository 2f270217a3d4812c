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


def test_rows_of_some_columns_load_as_the_orm_would_with_the_rest_deferred():
    from govdoor.core import clock
    from govdoor.core.fastsql import models_from_rows, select_columns

    org = _organisation()
    made = DataRequest.objects.create(
        requester=org,
        subject_ref="s-1",
        purpose_code="p",
        fields=["population.street"],
        status=DataRequest.Status.ANSWERED,
        created_at=clock.now(),
    )
    only = ("id", "fields", "created_at")
    columns = select_columns(DataRequest, only=only)
    assert columns.count(",") == 2
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {DataRequest._meta.db_table}")
        (row,) = models_from_rows(DataRequest, cursor.fetchall(), only=only)
    assert (row.pk, row.fields, row.created_at) == (made.pk, made.fields, made.created_at)
    assert row.get_deferred_fields() == {
        "requester_id",
        "subject_ref",
        "purpose_code",
        "status",
        "reason",
    }
    assert row.status == DataRequest.Status.ANSWERED  # loaded on access, as with .only()
    with pytest.raises(ValueError, match="no column"):
        select_columns(DataRequest, only=("id", "nope"))
