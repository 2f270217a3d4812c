"""Rules pages in a real browser: the anonymous entitlement calculator and a case worker's
review of a rule's result beside the applicant's answers.

Every page is checked with axe-core (no violation allowed) and photographed into
artifacts/screenshots/ (kept by CI).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

# The mailbox message types come from data migrations: conftest's reference_data puts
# them back after a transactional test's flush.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

Check = Callable[[Page], None]
Shoot = Callable[[Page, str], Path]


def test_anyone_checks_child_benefit_and_reads_why(
    live_server: Any, chromium: Any, assert_accessible: Check, screenshot: Shoot
) -> None:
    from govdoor.rules.services import release_register

    release_register(
        package="demoland", version="2026.1", effective_from=dt.date(2020, 1, 1), status="active"
    )
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1024, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
        page.goto(f"{live_server.url}/check-entitlement/")
        expect(page.locator("h1")).to_have_text("Check what you may be entitled to")
        assert_accessible(page)
        screenshot(page, "rules-01-calculator")

        page.get_by_role("button", name="Check").click()  # nothing filled in
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        assert_accessible(page)
        errors.clear()  # the browser logs the form's 400 answer as a console error

        page.get_by_label("Child benefit").check()
        page.get_by_label("Your age").fill("34")
        page.get_by_label("Income of your household per month, before tax").fill("1850")
        page.get_by_label("Ages of the children living with you").fill("6, 9")
        page.get_by_role("button", name="Check").click()
        expect(page.locator("#result")).to_contain_text("240.00")
        expect(page.locator("main")).to_contain_text(
            "is below the limit 2,400.00 set by Article 4 of the Child Benefit Act"
        )
        assert_accessible(page)
        screenshot(page, "rules-02-calculator-result")
        assert not errors, errors


def _review_setup() -> tuple[str, str]:
    """A refused child-benefit case waiting for review, and a signed-in case worker."""
    from govdoor.cases.services import case_open
    from govdoor.catalogue.tests.factories import ServiceFactory
    from govdoor.identity.models import Address
    from govdoor.identity.testing import sign_in_staff
    from govdoor.identity.tests.factories import PersonFactory
    from govdoor.organisations.tests.factories import (
        JurisdictionFactory,
        OrganisationFactory,
        StaffRoleFactory,
        UserFactory,
        demo_country,
    )
    from govdoor.rules import services

    places = demo_country()
    social = OrganisationFactory(code="social-insurance", name="Social Insurance")
    JurisdictionFactory(organisation=social, area=places["country"])
    services.release_register(
        package="demoland", version="2026.1", effective_from=dt.date(2020, 1, 1), status="active"
    )
    service = ServiceFactory(code="child-benefit", owner=social, name_en="Child benefit")
    services.binding_save(
        service=service,
        package="demoland",
        variable="child_benefit",
        input_mapping={
            "household": {"household_income": "household_income"},
            "children": "children_birth_dates",
        },
        auto_approve_max=Decimal("500"),
    )
    person = PersonFactory(birth_date=dt.date(1987, 2, 3))
    Address.objects.create(
        person=person,
        street="Mill Lane",
        house_number="3",
        postcode="1000",
        town="Riverton",
        municipality=places["riverton"],
        valid_from=dt.date(2015, 1, 1),
    )
    case = case_open(
        service=service,
        applicant=person,
        opened_by=None,
        source="application",
        source_ref="browser-1",
        answers={
            "household_income": {"value": 3100, "source": {"declared": True}},
            "children_birth_dates": {"value": ["2018-03-01"], "source": {"declared": True}},
        },
    )
    decision = services.decision_for_case_opened(case_id=case.pk)
    user = UserFactory(username="cw-browser")
    StaffRoleFactory(user=user, organisation=social, role="case_worker")
    client = sign_in_staff(Client(), user)
    return str(decision.pk), client.cookies["sessionid"].value


def test_a_case_worker_reviews_a_refusal_with_the_explanation_beside_the_answers(
    live_server: Any, chromium: Any, assert_accessible: Check, screenshot: Shoot
) -> None:
    decision_id, session = _review_setup()
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        page.goto(f"{live_server.url}/backoffice/rules/reviews/")
        expect(page.locator("h1")).to_have_text("Decisions to review")
        assert_accessible(page)
        screenshot(page, "rules-03-review-queue")
        page.get_by_role("link", name=re.compile(r"^GD-")).first.click()
        expect(page).to_have_url(re.compile(decision_id))
        expect(page.locator("main")).to_contain_text("is above the limit 2,400.00")
        expect(page.locator("main")).to_contain_text("What the applicant answered")
        assert_accessible(page)
        screenshot(page, "rules-04-review")
        page.get_by_label("Reason (recorded, and shown to the applicant)").fill(
            "Income confirmed by the tax office."
        )
        page.get_by_role("button", name="Decide").click()
        expect(page.locator("h1")).to_have_text("Decisions to review")
        expect(page.locator("main")).to_contain_text("Nothing to review.")
