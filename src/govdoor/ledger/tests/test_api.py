"""The HTTP API of specs/ledger.md: shapes, bad inputs, permissions, query bounds, end to end."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
import rfc8785
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govdoor.core import clock
from govdoor.ledger import selectors, services
from govdoor.ledger.tests import verifier
from govdoor.ledger.tests.factories import (
    MandateFactory,
    OrganisationFactory,
    PersonFactory,
    StaffRoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def log(append):
    """Seven integrated entries about one subject."""
    for i in range(7):
        append(subject_id="subject-a", fields=[f"f{i}"])
    services.ledger_sequence_all()


def b64list(values):
    return [base64.b64decode(v) for v in values]


# --- public: checkpoint, key, proofs --------------------------------------------------------


def test_the_checkpoint_and_key_are_public_plain_text_and_verify(client, log):
    checkpoint = client.get("/api/v1/ledger/checkpoint")
    key = client.get("/api/v1/ledger/key")
    assert checkpoint.status_code == key.status_code == 200
    assert checkpoint["Content-Type"] == "text/plain; charset=utf-8"
    assert key["Content-Type"].startswith("text/plain")
    origin, size, root = verifier.open_checkpoint(checkpoint.content.decode(), key.content.decode())
    assert size == 7 and len(root) == 32


def test_the_public_endpoints_need_no_csrf_token_or_session(client, log):
    response = client.post("/api/v1/ledger/checkpoint")
    assert response.status_code == 405


def test_an_inclusion_proof_over_http_verifies(client, log):
    response = client.get("/api/v1/ledger/proofs/inclusion", {"index": 3, "tree_size": 7})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"index", "tree_size", "hashes"}
    assert (body["index"], body["tree_size"]) == (3, 7)
    _, _, root = verifier.open_checkpoint(
        client.get("/api/v1/ledger/checkpoint").content.decode(),
        client.get("/api/v1/ledger/key").content.decode(),
    )
    entry_leaf = selectors.entry_get(index=3).leaf_hash
    assert verifier.root_from_inclusion(3, 7, bytes(entry_leaf), b64list(body["hashes"])) == root


def test_a_consistency_proof_over_http_verifies_between_two_checkpoints(client, append):
    for _ in range(3):
        append()
    services.ledger_sequence_all()
    vkey = client.get("/api/v1/ledger/key").content.decode()
    _, m, old = verifier.open_checkpoint(
        client.get("/api/v1/ledger/checkpoint").content.decode(), vkey
    )
    for _ in range(6):
        append()
    services.ledger_sequence_all()
    _, n, new = verifier.open_checkpoint(
        client.get("/api/v1/ledger/checkpoint").content.decode(), vkey
    )
    response = client.get("/api/v1/ledger/proofs/consistency", {"first": m, "second": n})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"first", "second", "hashes"} and (body["first"], body["second"]) == (3, 9)
    assert verifier.consistent(m, n, old, new, b64list(body["hashes"]))
    assert not verifier.consistent(m, n, new, old, b64list(body["hashes"]))


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "tree_size"),
        ({"index": 0}, "tree_size"),
        ({"tree_size": 7}, "index"),
        ({"index": "x", "tree_size": 7}, "index"),
        ({"index": "1.5", "tree_size": 7}, "index"),
        ({"index": -1, "tree_size": 7}, "index"),
        ({"index": 7, "tree_size": 7}, "index"),
        ({"index": 0, "tree_size": 8}, "tree_size"),
        ({"index": 0, "tree_size": 0}, "tree_size"),
        ({"index": 0, "tree_size": "9" * 40}, "tree_size"),
    ],
)
def test_a_bad_inclusion_request_answers_400_naming_the_argument(client, log, params, field):
    response = client.get("/api/v1/ledger/proofs/inclusion", params)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"][0]["field"] == field


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "second"),
        ({"second": 7}, "first"),
        ({"first": 0, "second": 7}, "first"),
        ({"first": 5, "second": 4}, "first"),
        ({"first": 1, "second": 8}, "second"),
        ({"first": "a", "second": 7}, "first"),
    ],
)
def test_a_bad_consistency_request_answers_400_naming_the_argument(client, log, params, field):
    response = client.get("/api/v1/ledger/proofs/consistency", params)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field


def test_proofs_of_an_empty_log_answer_400_not_500(client):
    assert (
        client.get("/api/v1/ledger/proofs/inclusion", {"index": 0, "tree_size": 1}).status_code
        == 400
    )
    assert (
        client.get("/api/v1/ledger/proofs/consistency", {"first": 1, "second": 1}).status_code
        == 400
    )
    assert client.get("/api/v1/ledger/checkpoint").status_code == 200


# --- entries: auditors and the subject ------------------------------------------------------


def test_an_auditor_reads_any_entry_and_its_record(client, log):
    auditor = StaffRoleFactory().user
    client.force_login(auditor)
    response = client.get("/api/v1/ledger/entries/2")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"index", "leaf_hash", "record"}
    leaf = verifier.leaf_hash(rfc8785.dumps(body["record"]))
    assert base64.b64decode(body["leaf_hash"]) == leaf
    assert body["record"]["fields"] == ["f2"]


def test_the_person_an_entry_is_about_reads_it(client, append):
    person = PersonFactory()
    append(subject_id=str(person.pk))
    services.ledger_sequence_all()
    client.force_login(UserFactory(person=person))
    assert client.get("/api/v1/ledger/entries/0").json()["record"]["subject"] == str(person.pk)


def test_another_person_or_a_non_auditor_gets_404_for_an_entry(client, log):
    client.force_login(UserFactory(person=PersonFactory()))
    assert client.get("/api/v1/ledger/entries/0").status_code == 404
    client.force_login(StaffRoleFactory(role="case_worker").user)
    assert client.get("/api/v1/ledger/entries/0").status_code == 404


def test_anonymous_callers_cannot_read_entries(client, log):
    assert client.get("/api/v1/ledger/entries/0").status_code in (401, 403)


@pytest.mark.parametrize(("index", "status"), [("abc", 400), ("-1", 400), ("7", 404), ("99", 404)])
def test_a_bad_or_unknown_entry_index_answers_400_or_404(client, log, index, status):
    client.force_login(StaffRoleFactory().user)
    response = client.get(f"/api/v1/ledger/entries/{index}")
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM


def test_an_erased_entry_shows_its_leaf_hash_and_a_null_record(client, log):
    services.ledger_erase_subject(subject_id="subject-a")
    client.force_login(StaffRoleFactory().user)
    body = client.get("/api/v1/ledger/entries/1").json()
    assert body["record"] is None and len(base64.b64decode(body["leaf_hash"])) == 32


# --- /me/data-uses --------------------------------------------------------------------------


def test_my_data_uses_lists_my_entries_newest_first_with_queued_ones_unindexed(
    person_client, append
):
    org = OrganisationFactory(code="tax-agency", name="Tax Agency")
    me = str(person_client.person.pk)
    with clock.frozen_at(dt.datetime(2026, 11, 1, tzinfo=dt.UTC)):
        append(subject_id=me, purpose="old", fields=["b", "a"])
    append(subject_id="someone-else")
    services.ledger_sequence_all()
    append(subject_id=me, purpose="new", action="disclose")  # queued, not integrated
    body = person_client.get("/api/v1/me/data-uses").json()
    assert list(body) == ["count", "next", "results"]
    assert body["count"] == 2 and body["next"] is None
    newest, oldest = body["results"]
    assert newest["index"] is None and newest["purpose"] == "new"
    assert set(oldest) == {
        "index",
        "at",
        "org",
        "org_name",
        "action",
        "purpose",
        "legal_basis",
        "fields",
    }
    assert oldest == {
        "index": 0,
        "at": "2026-11-01T00:00:00.000000Z",
        "org": "tax-agency",
        "org_name": org.name,
        "action": "read",
        "purpose": "old",
        "legal_basis": "Income Tax Act s. 12",
        "fields": ["a", "b"],
    }


def test_my_data_uses_of_a_person_i_hold_a_valid_mandate_for_are_chosen_by_subject(
    person_client, append
):
    child = PersonFactory(given_name="Tom")
    MandateFactory(representative=person_client.person, represented_person=child)
    append(subject_id=str(child.pk), purpose="school")
    append(subject_id=str(person_client.person.pk), purpose="mine")
    url = "/api/v1/me/data-uses"
    mine = person_client.get(url).json()["results"]
    assert [r["purpose"] for r in mine] == ["mine"]
    childs = person_client.get(url, {"subject": str(child.pk).upper()}).json()
    assert [r["purpose"] for r in childs["results"]] == ["school"]
    assert set(childs["results"][0]) == {
        "index", "at", "org", "org_name", "action", "purpose", "legal_basis", "fields"
    }  # fmt: skip
    own = person_client.get(url, {"subject": str(person_client.person.pk)}).json()
    assert [r["purpose"] for r in own["results"]] == ["mine"]


@pytest.mark.parametrize("how", ["revoked", "expired", "stranger", "not-an-id"])
def test_my_data_uses_of_someone_i_do_not_represent_answer_404(person_client, append, how):
    if how == "revoked":
        other = MandateFactory(
            representative=person_client.person, revoked_at=clock.now()
        ).represented_person
    elif how == "expired":
        other = MandateFactory(
            representative=person_client.person, valid_until=clock.today() - dt.timedelta(days=1)
        ).represented_person
    else:
        other = PersonFactory()
    subject = "not-an-id" if how == "not-an-id" else str(other.pk)
    append(subject_id=str(other.pk), purpose="theirs")
    response = person_client.get("/api/v1/me/data-uses", {"subject": subject})
    assert response.status_code == 404
    assert "theirs" not in response.content.decode()


def test_my_data_uses_paginate(person_client, append):
    for _ in range(3):
        append(subject_id=str(person_client.person.pk))
    body = person_client.get("/api/v1/me/data-uses", {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and "page=2" in body["next"]


def test_my_data_uses_take_a_bounded_number_of_queries(person_client, append):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert person_client.get("/api/v1/me/data-uses").status_code == 200
        return len(ctx.captured_queries)

    me = str(person_client.person.pk)
    child = MandateFactory(representative=person_client.person).represented_person
    for code in ("a-1", "a-2"):
        OrganisationFactory(code=code)
    append(subject_id=me, actor_org="a-1")
    few = queries()
    for i in range(20):
        append(subject_id=me if i % 2 else str(child.pk), actor_org=f"a-{i % 2 + 1}")
    assert queries() == few <= 8
    with CaptureQueriesContext(connection) as ctx:
        response = person_client.get("/api/v1/me/data-uses", {"subject": str(child.pk)})
    assert response.status_code == 200 and response.json()["count"] == 10
    assert len(ctx.captured_queries) == few


def test_data_uses_need_a_signed_in_person(client):
    assert client.get("/api/v1/me/data-uses").status_code in (401, 403)
    client.force_login(UserFactory())  # staff, no person
    assert client.get("/api/v1/me/data-uses").status_code == 404


# --- end to end -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_end_to_end_an_access_is_shown_to_the_person_and_proved_over_http(client):
    from django.db import transaction

    from govdoor.identity.decorators import SESSION_LOA

    person = PersonFactory()
    OrganisationFactory(code="benefits", name="Benefits Office")
    with transaction.atomic():  # the access and its entry commit together; the sequencer runs
        services.ledger_append(
            subject_id=str(person.pk),
            actor_org="benefits",
            actor_user=None,
            action="disclose",
            purpose="housing-benefit",
            legal_basis="Housing Act s. 3",
            fields=["income"],
        )
    client.force_login(UserFactory(person=person))
    session = client.session
    session[SESSION_LOA] = 1
    session.save()

    use = client.get("/api/v1/me/data-uses").json()["results"][0]
    assert use["org_name"] == "Benefits Office" and use["index"] == 0

    entry = client.get(f"/api/v1/ledger/entries/{use['index']}").json()
    leaf = verifier.leaf_hash(rfc8785.dumps(entry["record"]))
    assert leaf == base64.b64decode(entry["leaf_hash"])
    vkey = client.get("/api/v1/ledger/key").content.decode()
    _, size, root = verifier.open_checkpoint(
        client.get("/api/v1/ledger/checkpoint").content.decode(), vkey
    )
    proof = client.get(
        "/api/v1/ledger/proofs/inclusion", {"index": use["index"], "tree_size": size}
    ).json()
    assert verifier.root_from_inclusion(use["index"], size, leaf, b64list(proof["hashes"])) == root
