"""Portal calculator, the person's decision page and the back-office rules pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from govdoor.identity.decorators import SESSION_IDP, SESSION_LOA
from govdoor.identity.services import user_for_person
from govdoor.identity.testing import sign_in_staff
from govdoor.ledger.models import Entry as LedgerEntry
from govdoor.organisations.tests.factories import StaffRoleFactory, UserFactory
from govdoor.rules import services
from govdoor.rules.models import Decision
from govdoor.rules.tests.conftest import answers
from govdoor.rules.tests.test_decisions import open_case

CHECK = "/check-entitlement/"


def test_the_calculator_shows_the_amount_and_why_and_keeps_nothing(db: None) -> None:
    before = (Decision.objects.count(), LedgerEntry.objects.count())
    response = Client().post(
        CHECK,
        {
            "benefit": "child_benefit",
            "age": "34",
            "household_income": "1850",
            "children_ages": "6",
            "other_adults": "0",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "You may be entitled to" in html and "120.00" in html
    assert "is below the limit" in html
    assert (Decision.objects.count(), LedgerEntry.objects.count()) == before


def test_the_calculator_names_what_is_missing(db: None) -> None:
    response = Client().post(
        CHECK,
        {
            "benefit": "housing_allowance",
            "age": "34",
            "household_income": "900",
            "children_ages": "",
            "other_adults": "0",
        },
    )
    assert response.status_code == 400
    assert 'href="#id_rent"' in response.content.decode()
    bad = Client().post(
        CHECK,
        {
            "benefit": "child_benefit",
            "age": "34",
            "household_income": "900",
            "children_ages": "six",
            "other_adults": "0",
        },
    )
    assert bad.status_code == 400 and "whole numbers" in bad.content.decode()


def test_the_calculator_form_is_there_without_signing_in(db: None) -> None:
    response = Client().get(CHECK)
    assert response.status_code == 200
    assert "Check what you may be entitled to" in response.content.decode()


def person_client(person: Any) -> Client:
    client = Client()
    client.force_login(
        user_for_person(person=person), backend="django.contrib.auth.backends.ModelBackend"
    )
    session = client.session
    session[SESSION_LOA] = 2
    session[SESSION_IDP] = "demo"
    session.save()
    return client


def test_the_person_sees_their_decision_with_the_full_trace(binding: Any, applicant: Any) -> None:
    case = open_case(binding.service, applicant, "pg-1", answers(1850, ["2019-05-01"]))
    decision = services.decision_for_case_opened(case_id=case.pk)
    response = person_client(applicant).get(f"/my/decisions/{decision.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "1,850.00 is below the limit 2,400.00" in html
    assert "child_benefit.income_limit" in html and "Article 4 of the Child Benefit Act" in html


def test_another_persons_decision_answers_404(binding: Any, applicant: Any, country: Any) -> None:
    from govdoor.rules.tests.conftest import resident

    case = open_case(binding.service, applicant, "pg-2", answers(1850, ["2019-05-01"]))
    decision = services.decision_for_case_opened(case_id=case.pk)
    other = resident(country)
    assert person_client(other).get(f"/my/decisions/{decision.pk}/").status_code == 404


@pytest.fixture
def staff(case_worker: Any, country: Any) -> Client:
    StaffRoleFactory(user=case_worker, organisation=country["social"], role="service_owner")
    return sign_in_staff(Client(), case_worker)


def test_the_back_office_home_lists_releases_bindings_and_the_queue(
    staff: Client, binding: Any, applicant: Any
) -> None:
    case = open_case(binding.service, applicant, "pg-3", answers(3000, ["2019-05-01"]))
    services.decision_for_case_opened(case_id=case.pk)
    response = staff.get("/backoffice/rules/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026.1" in html and "demoland.child_benefit" in html
    assert "1 decision waits for a case worker" in html


def test_the_review_queue_is_paginated_and_bounded_in_queries(
    staff: Client,
    binding: Any,
    applicant: Any,
    django_assert_max_num_queries: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("govdoor.rules.backoffice.PAGE_SIZE", 2)
    for i in range(3):
        case = open_case(binding.service, applicant, f"pg-q{i}", answers(3000, ["2019-05-01"]))
        services.decision_for_case_opened(case_id=case.pk)
    link = re.compile(r'href="/backoffice/rules/reviews/[0-9a-f-]{36}/"')
    with django_assert_max_num_queries(15):
        first = staff.get("/backoffice/rules/reviews/")
    assert first.status_code == 200 and len(link.findall(first.content.decode())) == 2
    second = staff.get("/backoffice/rules/reviews/?page=2")
    assert len(link.findall(second.content.decode())) == 1


def test_the_reviewer_sees_the_explanation_beside_the_answers_and_decides(
    staff: Client, binding: Any, applicant: Any
) -> None:
    case = open_case(binding.service, applicant, "pg-4", answers(3000, ["2019-05-01"]))
    decision = services.decision_for_case_opened(case_id=case.pk)
    url = f"/backoffice/rules/reviews/{decision.pk}/"
    page = staff.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "is above the limit 2,400.00" in html and "household_income" in html
    assert LedgerEntry.objects.filter(
        subject_ref=str(applicant.pk), body__contains='"read"'
    ).exists()
    missing = staff.post(url, {"decision": "confirm", "reason": ""})
    assert missing.status_code == 400
    done = staff.post(url, {"decision": "confirm", "reason": "Checked the payslips."})
    assert done.status_code == 302
    decision.refresh_from_db()
    assert decision.status == "confirmed" and decision.review_reason == "Checked the payslips."


def test_another_organisations_review_answers_404(
    binding: Any, applicant: Any, country: Any
) -> None:
    case = open_case(binding.service, applicant, "pg-5", answers(3000, ["2019-05-01"]))
    decision = services.decision_for_case_opened(case_id=case.pk)
    outsider = UserFactory(username="cw-tax")
    StaffRoleFactory(user=outsider, organisation=country["tax"], role="case_worker")
    client = sign_in_staff(Client(), outsider)
    assert client.get(f"/backoffice/rules/reviews/{decision.pk}/").status_code == 404


def test_a_service_owner_runs_the_sandbox_and_a_bias_report_from_the_back_office(
    staff: Client, binding: Any, release: Any
) -> None:
    import datetime as dt

    draft = services.release_register(
        package="demoland", version="2027.1", effective_from=dt.date(2027, 1, 1)
    )
    run = staff.post(
        "/backoffice/rules/sandbox/",
        {"release": str(draft.pk), "service": "child-benefit", "limit": "50"},
    )
    assert run.status_code == 302 and "/backoffice/rules/sandbox/" in run["Location"]
    assert staff.get(run["Location"]).status_code == 200
    report = staff.post(
        f"/backoffice/rules/releases/{release.pk}/bias", {"service": "child-benefit"}
    )
    assert report.status_code == 302
    assert "Bias report" in staff.get(report["Location"]).content.decode()
    switched = staff.post(
        f"/backoffice/rules/releases/{draft.pk}/activate", {"effective_from": "2027-01-01"}
    )
    assert switched.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "active" and draft.effective_from == dt.date(2027, 1, 1)


def test_a_case_worker_without_the_owner_role_cannot_switch_a_version_on(
    case_worker: Any, release: Any
) -> None:
    client = sign_in_staff(Client(), case_worker)
    response = client.post(
        f"/backoffice/rules/releases/{release.pk}/activate", {"effective_from": "2027-01-01"}
    )
    assert response.status_code == 403
