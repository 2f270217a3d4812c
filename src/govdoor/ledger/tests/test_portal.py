"""The portal page "Who used my data" (works without JavaScript; Verify is an enhancement)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from govdoor.ledger import services
from govdoor.ledger.tests.factories import MandateFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/my/data-uses/"


def test_the_page_has_its_url_name():
    assert reverse("ledger:my-data-uses") == URL


def test_the_page_lists_each_use_with_organisation_purpose_basis_and_fields(person_client, append):
    OrganisationFactory(code="tax-agency", name="Tax Agency of Demoland")
    append(subject_id=str(person_client.person.pk), fields=["income", "address"])
    services.ledger_sequence_all()
    append(subject_id=str(person_client.person.pk), purpose="queued-purpose")
    append(subject_id="someone-else", purpose="not-mine")
    response = person_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tax Agency of Demoland" in html
    assert "income-tax-assessment" in html and "Income Tax Act s. 12" in html
    assert "address, income" in html
    assert "queued-purpose" in html and "Being recorded" in html
    assert "not-mine" not in html
    assert 'data-index="0"' in html and html.count('ledger-verify"') == 1


def test_the_page_says_whose_data_for_people_i_represent(person_client, append):
    child = MandateFactory(representative=person_client.person).represented_person
    append(subject_id=str(child.pk))
    html = person_client.get(URL).content.decode()
    assert "Whose data" in html and child.full_name in html


def test_the_page_loads_its_script_from_a_file_not_inline(person_client, append):
    append(subject_id=str(person_client.person.pk))
    html = person_client.get(URL).content.decode()
    assert '<script src="/static/ledger/verify.js" defer></script>' in html
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all("src=" in tag for tag in scripts)  # CSP: no inline script
    script = Path(__file__).parents[1] / "static" / "ledger" / "verify.js"
    text = script.read_text()
    assert "crypto.subtle" in text and "Ed25519" in text


def test_an_empty_page_says_so(person_client):
    assert "No organisation has used your data yet." in person_client.get(URL).content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "next=" in response["Location"]


def test_staff_without_a_person_are_sent_to_sign_in(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 302
