from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from govdoor.core import clock
from govdoor.identity.decorators import SESSION_ACTING_FOR
from govdoor.identity.models import Mandate
from govdoor.identity.services import mandate_revoke
from govdoor.identity.tests.factories import BusinessFactory, MandateFactory, PersonFactory

pytestmark = pytest.mark.django_db
URL = "/acting-for/"


def _acting_for(response):
    return response.wsgi_request.acting_for


def test_the_acting_for_page_needs_a_signed_in_person(client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=%2Facting-for%2F")
    assert reverse("identity:acting-for") == URL


def test_a_person_chooses_to_act_for_someone_and_every_request_knows_it(client, sign_in) -> None:
    mandate = MandateFactory()
    sign_in(client, mandate.representative)
    page = client.get(URL).content.decode()
    assert mandate.represented_person.full_name in page and "Myself" in page
    response = client.post(URL, {"acting_for": str(mandate.pk), "next": "/my/"})
    assert response.status_code == 302 and response["Location"] == "/my/"
    assert client.session[SESSION_ACTING_FOR] == str(mandate.pk)
    acting = _acting_for(client.get("/sign-in/"))
    assert acting.display_name == mandate.represented_person.full_name
    assert acting.kind == "person" and acting.id == mandate.represented_person.pk
    assert acting.mandate == mandate
    client.post(URL, {"acting_for": "myself"})
    assert _acting_for(client.get("/sign-in/")) is None


def test_acting_for_a_business(client, sign_in) -> None:
    business = BusinessFactory(name="Boulangerie Roux")
    mandate = MandateFactory(
        represented_person=None, represented_business=business, kind=Mandate.Kind.BUSINESS
    )
    sign_in(client, mandate.representative)
    client.post(URL, {"acting_for": str(mandate.pk)})
    acting = _acting_for(client.get("/sign-in/"))
    assert acting.kind == "business" and acting.display_name == "Boulangerie Roux"


def test_a_person_cannot_act_under_someone_elses_or_an_unknown_mandate(client, sign_in) -> None:
    mandate = MandateFactory()
    sign_in(client, PersonFactory())
    response = client.post(URL, {"acting_for": str(mandate.pk)})
    assert response.status_code == 403
    assert "not given to you" in response.content.decode()
    assert client.post(URL, {"acting_for": "nonsense"}).status_code == 404
    assert client.post(URL, {}).status_code == 400
    assert SESSION_ACTING_FOR not in client.session


def test_a_mandate_revoked_mid_session_drops_back_to_myself_with_a_message(client, sign_in) -> None:
    mandate = MandateFactory()
    sign_in(client, mandate.representative)
    client.post(URL, {"acting_for": str(mandate.pk)})
    mandate_revoke(mandate=mandate, by=mandate.represented_person)
    response = client.get("/sign-in/")
    assert _acting_for(response) is None
    assert SESSION_ACTING_FOR not in client.session
    assert "You now act for yourself again: This mandate has been revoked." in (
        response.content.decode()
    )


def test_a_mandate_that_expires_mid_session_drops_back_to_myself(client, sign_in) -> None:
    mandate = MandateFactory(valid_until=dt.date(2030, 1, 1))
    sign_in(client, mandate.representative)
    with clock.frozen_at(dt.datetime(2029, 12, 31, 12, tzinfo=dt.UTC)):
        client.post(URL, {"acting_for": str(mandate.pk)})
        assert _acting_for(client.get("/sign-in/")) is not None
    with clock.frozen_at(dt.datetime(2030, 1, 2, 12, tzinfo=dt.UTC)):
        assert _acting_for(client.get("/sign-in/")) is None


def test_nobody_acts_for_anyone_when_signed_out(client) -> None:
    assert _acting_for(client.get("/sign-in/")) is None
