"""End to end: an agency asks, the person sees the use on their page, and the proof verifies."""

from __future__ import annotations

import base64

import pytest

from govdoor.exchange.tests.factories import UserFactory
from govdoor.identity.decorators import SESSION_LOA
from govdoor.ledger import selectors
from govdoor.ledger import services as ledger
from govdoor.ledger.tests import verifier

pytestmark = pytest.mark.django_db


def test_an_agency_request_shows_on_the_persons_data_uses_with_a_proof_that_verifies(
    client, tax_api, person, policy
):
    answer = tax_api.post(
        "/api/v1/exchange/requests",
        {
            "subject": str(person.pk),
            "purpose": "housing-benefit",
            "fields": ["population.street", "population.age_over_18"],
        },
        format="json",
    )
    assert answer.status_code == 200
    ledger.ledger_sequence_all()

    client.force_login(UserFactory(person=person))
    session = client.session
    session[SESSION_LOA] = 1
    session.save()
    uses = client.get("/api/v1/me/data-uses").json()["results"]
    assert len(uses) == 1
    use = uses[0]
    assert (use["org"], use["action"], use["purpose"]) == ("tax", "disclose", "housing-benefit")
    assert use["legal_basis"] == "Housing Benefit Act s. 3"
    assert use["fields"] == ["birth_date", "street"]  # read to derive age_over_18, not sent

    checkpoint = client.get("/api/v1/ledger/checkpoint").content.decode()
    key = client.get("/api/v1/ledger/key").content.decode()
    _origin, size, root = verifier.open_checkpoint(checkpoint, key)
    proof = client.get(
        "/api/v1/ledger/proofs/inclusion", {"index": use["index"], "tree_size": size}
    ).json()
    leaf = selectors.entry_get(index=use["index"]).leaf_hash
    hashes = [base64.b64decode(h) for h in proof["hashes"]]
    assert verifier.root_from_inclusion(use["index"], size, leaf, hashes) == root
    assert verifier.root_from_inclusion(use["index"], size, leaf[::-1], hashes) != root
