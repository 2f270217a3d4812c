import pytest

from govdoor.registries.tests.factories import OrganisationFactory, keeper_caller, vehicles_register


@pytest.fixture
def org(db):
    return OrganisationFactory(code="transport", name="Transport Agency")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(code="tax", name="Tax Agency")


@pytest.fixture
def keeper(org):
    return keeper_caller(org)


@pytest.fixture
def register(org):
    return vehicles_register(org)
