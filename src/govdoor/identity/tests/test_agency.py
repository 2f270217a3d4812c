import pytest
from django.test import RequestFactory
from oauth2_provider.models import AccessToken

from govdoor.identity.agency import request_organisation
from govdoor.identity.testing import agency_access_token
from govdoor.identity.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_token_speaks_for_its_agency_and_is_looked_up_once_per_request(
    django_assert_num_queries,
) -> None:
    organisation = OrganisationFactory()
    token = AccessToken.objects.get(
        token=agency_access_token(organisation=organisation, scope="exchange")
    )
    request = RequestFactory().get("/api/v1/")
    request.auth = token
    with django_assert_num_queries(2):  # the token's application, then its agency client
        assert request_organisation(request) == organisation
    with django_assert_num_queries(0):
        assert request_organisation(request) == organisation


def test_a_token_of_an_application_that_is_no_agency_speaks_for_nobody() -> None:
    organisation = OrganisationFactory()
    token = AccessToken.objects.get(
        token=agency_access_token(organisation=organisation, scope="exchange")
    )
    token.application.agency_client.delete()
    token.refresh_from_db()
    request = RequestFactory().get("/api/v1/")
    request.auth = token
    assert request_organisation(request) is None
