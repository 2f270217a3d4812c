from __future__ import annotations

import datetime as dt

import pytest

from govdoor.core import clock
from govdoor.identity.models import LevelOfAssurance, Mandate
from govdoor.identity.tests.factories import MandateFactory, PersonFactory

pytestmark = pytest.mark.django_db
URL = "/mandates/"


def test_the_mandates_page_needs_a_substantial_sign_in(client, person, sign_in) -> None:
    assert client.get(URL)["Location"].startswith("/sign-in/")
    sign_in(client, person, loa=LevelOfAssurance.LOW)
    assert client.get(URL)["Location"] == "/sign-in/?next=%2Fmandates%2F&loa=2"


def test_the_page_lists_mandates_i_hold_and_gave(client, person, sign_in) -> None:
    held = MandateFactory(representative=person)
    given = MandateFactory(represented_person=person)
    sign_in(client, person)
    html = client.get(URL).content.decode()
    assert held.represented_person.full_name in html
    assert given.representative.full_name in html
    assert person.national_id not in html
    assert "govuk-table" in html


def test_a_person_gives_a_mandate_through_the_form(client, person, sign_in) -> None:
    rep = PersonFactory()
    sign_in(client, person)
    response = client.post(
        URL,
        {
            "action": "grant",
            "representative_national_id": rep.national_id,
            "scope": "tax parking",
            "valid_from": clock.today().isoformat(),
            "valid_until": "",
        },
    )
    assert response.status_code == 302
    mandate = Mandate.objects.get(represented_person=person)
    assert mandate.representative == rep and mandate.scope == ["parking", "tax"]
    assert "The mandate has been given." in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"representative_national_id": "123"}, "Enter a valid national number"),
        ({"representative_national_id": "100000009"}, "No one is registered"),
        ({"valid_from": "2001-01-01"}, "cannot be in the past"),
        ({"valid_from": "not a date"}, "Enter a valid date"),
        ({"scope": ""}, "This field is required"),
    ],
)
def test_the_grant_form_shows_errors_next_to_the_fields(
    client, person, sign_in, changes: dict, message: str
) -> None:
    rep = PersonFactory()
    sign_in(client, person)
    data = {
        "action": "grant",
        "representative_national_id": rep.national_id,
        "scope": "*",
        "valid_from": clock.today().isoformat(),
        **changes,
    }
    response = client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html and "govuk-error-message" in html and message in html
    assert not Mandate.objects.exists()


def test_giving_a_mandate_to_myself_is_refused(client, person, sign_in) -> None:
    sign_in(client, person)
    response = client.post(
        URL,
        {
            "action": "grant",
            "representative_national_id": person.national_id,
            "scope": "*",
            "valid_from": clock.today().isoformat(),
        },
    )
    assert response.status_code == 400
    assert "cannot give a mandate to yourself" in response.content.decode()


def test_a_person_revokes_a_mandate_they_gave(client, person, sign_in) -> None:
    mandate = MandateFactory(represented_person=person)
    sign_in(client, person)
    response = client.post(URL, {"action": "revoke", "mandate": str(mandate.pk)})
    assert response.status_code == 302
    mandate.refresh_from_db()
    assert mandate.revoked_at is not None


def test_revoking_someone_elses_mandate_answers_404(client, person, sign_in) -> None:
    mandate = MandateFactory(valid_until=dt.date(2100, 1, 1))
    sign_in(client, person)
    response = client.post(URL, {"action": "revoke", "mandate": str(mandate.pk)})
    assert response.status_code == 404
    mandate.refresh_from_db()
    assert mandate.revoked_at is None
