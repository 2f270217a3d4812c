import pytest
from rest_framework.test import APIClient

from govdoor.exchange.tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PolicyFactory,
    PurposeFactory,
    agency_token,
    population_register,
    resident,
)


@pytest.fixture
def keeper_org(db):
    return OrganisationFactory(code="civil-registry", name="Civil Registry")


@pytest.fixture
def tax(db):
    return OrganisationFactory(code="tax", name="Tax Agency")


@pytest.fixture
def population(keeper_org):
    return population_register(keeper_org)


@pytest.fixture
def person(population):
    person = PersonFactory()
    resident(population, person)
    return person


@pytest.fixture
def purpose(tax):
    return PurposeFactory(code="housing-benefit", requesters=[tax])


@pytest.fixture
def policy(purpose, tax, keeper_org):
    return PolicyFactory(
        purpose=purpose,
        requester=tax,
        keeper=keeper_org,
        fields=["street", "birth_date"],
        derived=["age_over_18"],
    )


@pytest.fixture
def tax_api(tax):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {agency_token(tax, scope='exchange')}")
    return client
