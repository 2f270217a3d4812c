from __future__ import annotations

import pytest

from govdoor.letters.demo import letters_demo_load
from govdoor.letters.models import SigningIdentity
from govdoor.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_demo_gives_every_active_organisation_an_identity_once() -> None:
    OrganisationFactory.create_batch(3)
    OrganisationFactory(is_active=False)
    assert letters_demo_load() == {"signing_identities": 3}
    assert letters_demo_load() == {"signing_identities": 0}
    assert SigningIdentity.objects.filter(is_current=True).count() == 3
