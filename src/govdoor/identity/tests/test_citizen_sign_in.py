from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import reverse

from govdoor.identity.decorators import SESSION_IDP, SESSION_LOA, person_required
from govdoor.identity.models import LevelOfAssurance, Mandate, User
from govdoor.identity.providers import enabled_idps
from govdoor.identity.tests.factories import FamilyLinkFactory, PersonFactory

pytestmark = pytest.mark.django_db
DEMO = "/sign-in/demo/"


def _demo_sign_in(client: Client, **data: object):
    return client.post(DEMO, {"loa": LevelOfAssurance.SUBSTANTIAL, **data})


def test_the_sign_in_page_lists_the_enabled_providers_keeping_next_and_loa(client) -> None:
    response = client.get("/sign-in/?next=/my/tax/&loa=2")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Demo sign-in" in html
    assert "/sign-in/demo/?next=%2Fmy%2Ftax%2F&amp;loa=2" in html


def test_the_sign_in_page_drops_an_unsafe_next(client) -> None:
    html = client.get("/sign-in/?next=https://evil.example/&loa=9").content.decode()
    assert 'href="/sign-in/demo/?next=%2Fmy%2F&amp;loa=1"' in html
    assert "sign-in/demo/?next=https" not in html


def test_the_demo_idp_is_not_available_in_production_mode(client) -> None:
    with override_settings(GOVDOOR_MODE="production"):
        assert [p.id for p in enabled_idps()] == []
        assert client.get(DEMO).status_code == 404
        assert client.post(DEMO, {"loa": 1}).status_code == 404


def test_the_demo_idp_is_not_available_when_not_configured(client) -> None:
    with override_settings(GOVDOOR_IDENTITY_PROVIDERS=["national"]):
        assert client.get(DEMO).status_code == 404


def test_the_demo_search_shows_names_and_birth_dates_but_never_national_numbers(client) -> None:
    people = [PersonFactory(given_name=f"Zoé{i}", family_name="Quintal") for i in range(23)]
    response = client.get(DEMO, {"q": "quintal"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "23 people found" in html
    assert "17 May 1980" in html
    assert html.count('name="person"') == 20
    assert "Page 1 of 2" in html
    for person in people:
        assert person.national_id not in html
    second = client.get(DEMO, {"q": "quintal", "page": 2}).content.decode()
    assert second.count('name="person"') == 3
    for label in ("Low", "Substantial", "High", "Sign in"):
        assert label in html


def test_signing_in_with_the_demo_idp_creates_the_user_and_records_loa_and_idp(client) -> None:
    person = PersonFactory()
    response = _demo_sign_in(client, person=str(person.pk), next="/my/letters/")
    assert response.status_code == 302 and response["Location"] == "/my/letters/"
    user = User.objects.get(person=person)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session[SESSION_LOA] == LevelOfAssurance.SUBSTANTIAL
    assert client.session[SESSION_IDP] == "demo"


def test_signing_in_by_national_number_goes_to_my_page_by_default(client) -> None:
    person = PersonFactory()
    response = _demo_sign_in(client, national_id=person.national_id, next="https://evil.example/")
    assert response["Location"] == "/my/"
    assert User.objects.filter(person=person).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"national_id": "12345"}, "Enter a valid national number"),
        ({"national_id": "100000009"}, "No one in the demo country has this national number"),
        ({}, "Choose a person or enter a national number"),
        ({"person": "1a2b"}, "Choose a person or enter a national number"),
    ],
)
def test_the_demo_idp_refuses_bad_input_with_an_error_summary(
    client, data: dict, message: str
) -> None:
    PersonFactory()
    response = _demo_sign_in(client, **data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and message in html
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()


def test_the_demo_idp_needs_a_level_of_assurance(client) -> None:
    person = PersonFactory()
    response = client.post(DEMO, {"person": str(person.pk)})
    assert "Choose a level of assurance" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_rotates_the_session_key(client) -> None:
    client.get(DEMO)
    session = client.session
    session["something"] = "x"
    session.save()
    before = client.session.session_key
    _demo_sign_in(client, person=str(PersonFactory().pk))
    assert client.session.session_key != before


def test_sign_in_uses_the_persons_language_unless_one_was_chosen(client) -> None:
    french = PersonFactory(language="fr")
    response = _demo_sign_in(client, person=str(french.pk))
    assert client.session["django_language"] == "fr"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"

    chooser = Client()
    chooser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _demo_sign_in(chooser, person=str(PersonFactory(language="fr").pk))
    assert "django_language" not in chooser.session


def test_sign_in_gives_parents_their_register_mandates(client) -> None:
    parent = PersonFactory()
    FamilyLinkFactory(person=parent, relative=PersonFactory(birth_date=dt.date(2020, 1, 1)))
    _demo_sign_in(client, person=str(parent.pk))
    assert Mandate.objects.filter(representative=parent, source="register").count() == 1


@person_required(loa=LevelOfAssurance.SUBSTANTIAL)
def _substantial_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("secret page")


def test_a_page_needing_substantial_sends_a_low_sign_in_to_step_up_and_back(rf, client) -> None:
    person = PersonFactory()
    client.post(DEMO, {"person": str(person.pk), "loa": LevelOfAssurance.LOW})
    request = rf.get("/my/benefits/?x=1")
    request.user = User.objects.get(person=person)
    request.session = client.session
    response = _substantial_page(request)
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=%2Fmy%2Fbenefits%2F%3Fx%3D1&loa=2"

    page = client.get(response["Location"]).content.decode()
    assert "You signed in at “Low”" in page
    low = client.post(
        DEMO, {"person": str(person.pk), "loa": 1, "required_loa": 2, "next": "/my/benefits/?x=1"}
    )
    assert "needs a higher level of assurance" in low.content.decode()
    form = client.get(f"{DEMO}?next=/my/benefits/%3Fx%3D1&loa=2").content.decode()
    assert 'name="required_loa" value="2"' in form
    back = client.post(
        DEMO, {"person": str(person.pk), "loa": 2, "required_loa": 2, "next": "/my/benefits/?x=1"}
    )
    assert back["Location"] == "/my/benefits/?x=1"
    request.session = client.session
    assert _substantial_page(request).content == b"secret page"


def test_sign_out_needs_post_and_ends_the_session(client, person, sign_in) -> None:
    sign_in(client, person)
    assert client.get(reverse("identity:sign-out")).status_code == 405
    response = client.post(reverse("identity:sign-out"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session and SESSION_LOA not in client.session
