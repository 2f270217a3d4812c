"""Two first letters of an organisation at the same moment, in two real transactions."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from govdoor.letters import services
from govdoor.letters.models import SigningIdentity
from govdoor.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_first_letters_share_one_signing_identity(monkeypatch) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    organisation = OrganisationFactory()
    both_looked = threading.Barrier(2, timeout=30)
    make = services._new_identity

    def after_both_found_none(org, now):  # both requests saw no identity before either wrote
        identity = make(org, now)
        both_looked.wait()
        return identity

    monkeypatch.setattr(services, "_new_identity", after_both_found_none)

    def first_letter() -> str:
        try:
            with transaction.atomic():
                return str(services.signing_identity_for(organisation).pk)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        ids = [f.result() for f in [pool.submit(first_letter), pool.submit(first_letter)]]
    assert ids[0] == ids[1]
    assert SigningIdentity.objects.filter(organisation=organisation).count() == 1
