"""A case worker signs in, opens the queue and decides a case; the person sees the decision
and downloads the signed letter. Every page is checked with axe-core and photographed."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[Page], None]
Shoot = Callable[[Page, str], Path]
PASSWORD = "a long demo password 2026"
TOTP_KEY = "3132333435363738393031323334353637383930"


def _setup() -> dict[str, Any]:
    """A tax relief case from a Riverton resident, a tax case worker, a person's session."""
    from govdoor.cases.tests.factories import answers, open_case, person_living_in
    from govdoor.catalogue.tests.factories import ServiceFactory
    from govdoor.identity.services import staff_user_create
    from govdoor.identity.staff_auth import demo_totp_code
    from govdoor.identity.testing import sign_in_person
    from govdoor.organisations.tests.factories import demo_country

    places = demo_country()
    service = ServiceFactory(
        code="tax-relief", owner=places["tax"], name_en="Income tax relief", sla_days=10
    )
    person = person_living_in(places["riverton"], given_name="Maelle", family_name="Journey")
    case = open_case(service, person, answers=answers(income=1800, household="2 adults"))
    worker = staff_user_create(
        username="tax.worker",
        email="tax.worker@example.org",
        password=PASSWORD,
        organisation=places["tax"],
        roles=["case_worker"],
        totp_key=TOTP_KEY,
    )
    client = sign_in_person(Client(), person)
    return {
        "case_id": str(case.pk),
        "reference": case.reference,
        "code": demo_totp_code(worker),
        "person_session": client.cookies["sessionid"].value,
    }


def _staff_sign_in(page: Page, base: str, code: str) -> None:
    page.goto(f"{base}/staff/sign-in/")
    page.get_by_label("Username").fill("tax.worker")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Security code").fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/backoffice/"))


def test_a_case_worker_decides_and_the_person_downloads_the_signed_letter(
    live_server: Any, chromium: Any, assert_accessible: Check, screenshot: Shoot
) -> None:
    data = _setup()
    base = live_server.url
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        _staff_sign_in(page, base, data["code"])

        page.goto(f"{base}/backoffice/cases/")
        expect(page.locator("h1")).to_contain_text("Cases at Tax Agency")
        assert_accessible(page)
        screenshot(page, "cases-01-queue")

        page.get_by_role("link", name=data["reference"]).click()
        expect(page.locator("main")).to_contain_text("Declared by the applicant")
        assert_accessible(page)
        screenshot(page, "cases-02-case")

        page.get_by_role("button", name="Start review").click()
        expect(page.locator("main")).to_contain_text("Review started.")
        page.get_by_role("radio", name="Granted", exact=True).check()
        page.get_by_label("Reasons").fill("Your income is below the limit for relief.")
        page.get_by_role("button", name="Decide and send the letter").click()
        expect(page.locator("main")).to_contain_text("The decision was made")
        assert_accessible(page)
        screenshot(page, "cases-03-decided")

        person = browser.new_context(viewport={"width": 1024, "height": 800})
        person.add_cookies([{"name": "sessionid", "value": data["person_session"], "url": base}])
        mine = person.new_page()
        mine.goto(f"{base}/my/")
        expect(mine.locator("main")).to_contain_text(data["reference"])
        assert_accessible(mine)
        mine.goto(f"{base}/my/cases/")
        expect(mine.locator("main")).to_contain_text("Decided")
        assert_accessible(mine)
        mine.get_by_role("link", name="Income tax relief").click()
        expect(mine.locator("main")).to_contain_text("Your income is below the limit")
        expect(mine.get_by_role("link", name="Appeal against this decision")).to_be_visible()
        assert_accessible(mine)
        screenshot(mine, "cases-04-person-decision")
        with mine.expect_download() as download_info:
            mine.get_by_role("link", name=re.compile("Decision on your request")).click()
        pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    from govdoor.letters.selectors import letter_verify

    verification = letter_verify(pdf=pdf)
    assert verification.valid and verification.intact
    assert verification.signer_organisation == "Tax Agency"
