"""The portal page "Who used my data" (works without JavaScript; Verify is an enhancement)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats

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


def test_each_use_says_when_in_words_with_the_exact_time_for_machines(person_client, append):
    queued = append(subject_id=str(person_client.person.pk))
    at = queued.record["at"]
    when = dt.datetime.fromisoformat(at)
    html = person_client.get(URL).content.decode()
    assert f'<time datetime="{at}">{when.day} {when:%B %Y, %H:%M}</time>' in html
    person_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = person_client.get(URL).content.decode()
    month = formats.date_format(when, "F")
    assert month != f"{when:%B}" and f"{when.day} {month} {when:%Y}" in html


def test_a_purpose_some_domain_words_is_shown_in_words_beside_its_code(person_client, append):
    append(subject_id=str(person_client.person.pk), purpose="case-handling")
    append(subject_id=str(person_client.person.pk), purpose="no-words-for-this")
    html = person_client.get(URL).content.decode()
    assert "To handle your case or application." in html
    assert "Purpose code: case-handling" in html
    assert "no-words-for-this" in html and "Purpose code: no-words-for-this" not in html


def test_the_page_makes_as_many_queries_for_twenty_uses_as_for_one(person_client, append):
    def uses_page_queries(n: int) -> int:
        for _ in range(n):
            append(subject_id=str(person_client.person.pk), purpose=f"purpose-{n}")
        with CaptureQueriesContext(connection) as ctx:
            assert person_client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    one = uses_page_queries(1)
    assert one > 0 and uses_page_queries(20) == one
