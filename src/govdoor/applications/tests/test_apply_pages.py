"""Applying online through the portal: sign-in level, pages, errors, review, one submission."""

from __future__ import annotations

import re

from django.urls import reverse

from govdoor.applications.models import Draft, Submission
from govdoor.cases.selectors import case_get
from govdoor.cases.tests.factories import person_living_in

START = "/services/riverton-parking/apply/"


def _begin(client):
    response = client.post(START)
    assert response.status_code == 302
    return response["Location"]


def _draft_url(location):
    return location.rsplit("/", 2)[0] + "/"


def _through_to_review(client):
    page = _begin(client)
    base = _draft_url(page)
    assert client.post(page)["Location"] == base + "vehicle/"
    answer = {"zone": "B", "disabled": "no"}
    assert client.post(base + "vehicle/", answer)["Location"] == base + "contact/"
    contact = {
        "email": "lena@example.org",
        "start_on-day": "1",
        "start_on-month": "12",
        "start_on-year": "2026",
    }
    assert client.post(base + "contact/", contact)["Location"] == base + "review/"
    return base


def test_the_start_page_asks_for_a_sign_in_at_the_services_level(parking, resident, person_client):
    client = person_client(resident, loa=1)
    response = client.get(START)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:sign-in"))
    assert "loa=2" in response["Location"]


def test_a_service_without_a_published_form_has_no_apply_page(country, person_client, resident):
    from govdoor.cases.tests.factories import local_service

    local_service(country["riverton_org"], code="riverton-bins")
    assert person_client(resident).get("/services/riverton-bins/apply/").status_code == 404


def test_prefilled_values_show_the_register_they_came_from(parking, resident, person_client):
    client = person_client(resident)
    page = client.get(_begin(client))
    html = page.content.decode()
    assert resident.given_name in html and "Quay Street 4" in html
    assert re.search(r"From the Population, last changed \d{1,2} \w+ 20\d\d", html)
    assert "This is wrong" in html
    assert 'name="given_name"' not in html  # the person does not type what the register knows


def test_errors_are_summarised_and_shown_by_each_field_with_the_values_kept(
    parking, resident, person_client
):
    client = person_client(resident)
    base = _draft_url(_begin(client))
    bad = {"email": "lena-at-example", "start_on-day": "31", "start_on-month": "2",
           "start_on-year": "2026", "monthly_rent": "12.345"}  # fmt: skip
    response = client.post(base + "contact/", bad)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "<title>Error:" in html
    assert 'href="#field-email-input">Enter an email address in the correct format' in html
    assert 'href="#field-start_on-input">Start date must be a real date.' in html
    assert "Monthly rent must be an amount of money" in html
    assert 'value="lena-at-example"' in html and 'value="31"' in html and 'value="12.345"' in html
    assert html.count("govuk-form-group--error") == 3


def test_a_page_shown_only_on_an_answer_is_skipped_otherwise_and_asked_when_it_applies(
    parking, resident, person_client
):
    client = person_client(resident)
    base = _draft_url(_begin(client))
    yes = client.post(base + "vehicle/", {"zone": "A", "disabled": "yes"})
    assert yes["Location"] == base + "badge/"
    wrong = client.post(base + "badge/", {"badge_number": "12ab"})
    assert "Badge number is not in the right format." in wrong.content.decode()
    client.post(base + "vehicle/", {"zone": "A", "disabled": "no"})
    assert client.get(base + "badge/").status_code == 404


def test_a_draft_is_saved_and_resumed_from_the_start_page(parking, resident, person_client):
    client = person_client(resident)
    base = _draft_url(_begin(client))
    saved = client.post(base + "vehicle/", {"zone": "B", "disabled": "no", "action": "save"})
    assert saved["Location"] == START
    again = person_client(resident)  # another sign-in, later
    start = again.get(START).content.decode()
    assert "Continue your application" in start
    assert _draft_url(_begin(again)) == base
    assert 'value="B" checked' in again.get(base + "vehicle/").content.decode()
    assert Draft.objects.get().state_get()["answers"] == {"zone": "B", "disabled": False}


def test_another_persons_draft_and_application_answer_404(
    country, parking, resident, person_client
):
    owner = person_client(resident)
    base = _through_to_review(owner)
    other = person_client(person_living_in(country["riverton"]))
    for url in (base + "you/", base + "review/", base + "correct/street/", base + "changes/"):
        assert other.get(url).status_code == 404
    token = re.search(r'name="idempotency_key" value="([^"]+)"', owner.get(base + "review/")
                      .content.decode()).group(1)  # fmt: skip
    assert other.post(base + "send/", {"idempotency_key": "guess"}).status_code == 404
    done = owner.post(base + "send/", {"idempotency_key": token})["Location"]
    assert other.get(done).status_code == 404
    assert other.post(base + "send/", {"idempotency_key": token}).status_code == 404


def test_review_then_send_opens_one_case_with_the_answers_and_their_sources(
    parking, resident, person_client
):
    client = person_client(resident)
    base = _through_to_review(client)
    review = client.get(base + "review/").content.decode()
    assert "Check your answers before sending your application" in review
    assert "From the Vehicles, last changed" in review and "Zone B" in review
    token = re.search(r'name="idempotency_key" value="([^"]+)"', review).group(1)
    first = client.post(base + "send/", {"idempotency_key": token})
    second = client.post(base + "send/", {"idempotency_key": token})  # a double click
    assert first["Location"] == second["Location"]
    submission = Submission.objects.get()
    case = case_get(submission.case_id)
    assert case.source == "application" and case.source_ref == str(submission.pk)
    assert case.organisation.code == "riverton"
    assert case.answers["plate"]["source"]["register"] == "vehicles"
    assert case.answers["zone"] == {"value": "B", "source": {"declared": True}}
    assert "badge_number" not in case.answers  # a page not shown is not sent
    page = client.get(first["Location"]).content.decode()
    assert "Application sent" in page and case.reference in page


def test_a_stale_review_page_cannot_send(parking, resident, person_client):
    client = person_client(resident)
    base = _through_to_review(client)
    response = client.post(base + "send/", {"idempotency_key": "made-up"})
    assert response["Location"] == base + "review/"
    assert not Submission.objects.exists()


def test_an_unanswered_required_question_blocks_sending(parking, resident, person_client):
    client = person_client(resident)
    base = _draft_url(_begin(client))
    review = client.get(base + "review/").content.decode()
    assert "Some questions still need an answer" in review
    assert "idempotency_key" not in review


def test_the_apply_online_tag_links_only_services_with_a_published_form(country, parking):
    from django.template import engines

    from govdoor.cases.tests.factories import local_service

    template = engines["django"].from_string("{% load applications_tags %}{% apply_online s %}")
    assert f'href="{START}"' in template.render({"s": parking})
    assert "Apply online" in template.render({"s": parking})
    bins = local_service(country["riverton_org"], code="riverton-bins")
    assert template.render({"s": bins}).strip() == ""
