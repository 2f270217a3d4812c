"""Applying online in a real browser: a local service (parking permit, prefilled from the
population and vehicle registers, with an upload) and a central one (child benefit).

Every page is checked with axe-core (no violation allowed) and photographed into
artifacts/screenshots/; the question and review pages are also checked at 360 px.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from govdoor.applications import services
from govdoor.applications.tests.conftest import PARKING_FORM, resident_of
from govdoor.cases.tests.factories import local_service
from govdoor.catalogue.tests.factories import ServiceFactory
from govdoor.exchange.tests.factories import PolicyFactory, PurposeFactory, population_register
from govdoor.organisations.tests.factories import (
    JurisdictionFactory,
    OrganisationFactory,
    demo_country,
)
from govdoor.registries.services import record_create
from govdoor.registries.tests.factories import keeper_caller, vehicles_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[Page], None]
Shoot = Callable[[Page, str], Path]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
GIVEN, FAMILY = "Octavie", "Brightwater"
BENEFIT_FORM: dict[str, Any] = {
    "title": {"en": "Claim child benefit"},
    "pages": [
        {
            "name": "about_you",
            "title": {"en": "About you"},
            "fields": [
                {"name": "family_name", "type": "text", "label": {"en": "Last name"},
                 "required": True, "prefill": {"register": "population", "field": "family_name",
                                               "purpose": "child-benefit"}},
                {"name": "street", "type": "text", "label": {"en": "Street"}, "required": True,
                 "prefill": {"register": "population", "field": "street",
                             "purpose": "child-benefit"}},
            ],
        },
        {
            "name": "child",
            "title": {"en": "The child"},
            "fields": [
                {"name": "child_name", "type": "text", "label": {"en": "Child's full name"},
                 "required": True},
                {"name": "child_birth_date", "type": "date",
                 "label": {"en": "Child's date of birth"}, "required": True},
            ],
        },
    ],
}  # fmt: skip


def _world() -> None:
    places: dict[str, Any] = dict(demo_country())
    government = OrganisationFactory(code="government", name="Government", level="central")
    JurisdictionFactory(organisation=government, area=places["country"])
    registry = OrganisationFactory(code="civil-registry", name="Civil Registry")
    places["registry"] = registry
    transport = OrganisationFactory(code="transport", name="Transport Agency")
    social = OrganisationFactory(code="social-insurance", name="Social Insurance Agency")
    JurisdictionFactory(organisation=social, area=places["country"])
    registers = {
        "population": population_register(registry),
        "vehicles": vehicles_register(transport),
    }
    riverton = places["riverton_org"]
    parking = PurposeFactory(code="parking-permit", requesters=[riverton], allowed_fields=[
        "population.given_name", "population.family_name", "population.street",
        "vehicles.plate", "vehicles.make"])  # fmt: skip
    PolicyFactory(purpose=parking, requester=riverton, keeper=registry,
                  fields=["given_name", "family_name", "street"])  # fmt: skip
    PolicyFactory(purpose=parking, requester=riverton, keeper=transport,
                  register_code="vehicles", fields=["plate", "make"])  # fmt: skip
    benefit = PurposeFactory(
        code="child-benefit",
        requesters=[social],
        allowed_fields=["population.family_name", "population.street"],
    )
    PolicyFactory(purpose=benefit, requester=social, keeper=registry,
                  fields=["family_name", "street"])  # fmt: skip
    service = local_service(riverton, code="riverton-parking")
    services.form_draft_save(service=service, definition=copy.deepcopy(PARKING_FORM), check=False)
    services.form_publish(service=service, check=False)
    central = ServiceFactory(code="child-benefit", owner=social, name_en="Child benefit", loa=2)
    services.form_draft_save(service=central, definition=BENEFIT_FORM, check=False)
    services.form_publish(service=central, check=False)
    person = resident_of(places, registers, given_name=GIVEN, family_name=FAMILY)
    record_create(
        register=registers["vehicles"],
        data={"plate": "RV-123", "make": "Volvo", "year": 2015, "owner_id": str(person.pk)},
        actor=keeper_caller(transport),
    )


def _sign_in(page: Page) -> None:
    """The apply page sends an anonymous visitor to sign in at Substantial, then back."""
    expect(page.locator("h1")).to_have_text("Sign in")
    page.get_by_role("button", name="Demo sign-in").click()
    page.locator('input[name="q"]:not([type="hidden"])').fill(FAMILY)
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("radio", name=re.compile(rf"^{GIVEN} {FAMILY}\b")).check()
    page.get_by_role("radio", name="Substantial", exact=True).check()
    page.get_by_role("button", name="Sign in", exact=True).click()


def _look(page: Page, name: str, check: Check, shoot: Shoot, narrow: Check | None = None) -> None:
    check(page)
    shoot(page, f"apply-{name}")
    if narrow is not None:
        page.set_viewport_size({"width": 360, "height": 740})
        narrow(page)
        check(page)
        shoot(page, f"apply-{name}-360")
        page.set_viewport_size({"width": 1024, "height": 800})


def test_a_person_applies_for_a_local_then_a_central_service_with_prefilled_answers(
    live_server, chromium, settings, tmp_path, assert_accessible: Check,
    assert_no_horizontal_scroll: Check, screenshot: Shoot,
) -> None:  # fmt: skip
    settings.GOVDOOR_DOCUMENTS_DIR = str(tmp_path / "documents")
    _world()
    upload = tmp_path / "badge.pdf"
    upload.write_bytes(PDF)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1024, "height": 800})
        base = live_server.url
        page.goto(f"{base}/services/riverton-parking/apply/")
        _sign_in(page)
        expect(page.locator("h1")).to_have_text("Apply for a parking permit")
        _look(page, "01-start", assert_accessible, screenshot)

        page.get_by_role("button", name="Start now").click()
        main = page.locator("main")
        expect(page.locator("h1")).to_have_text("About you")
        expect(main).to_contain_text("Quay Street 4")
        expect(main).to_contain_text(re.compile(r"From the Population, last changed \d+ \w+ 20"))
        _look(page, "02-prefilled", assert_accessible, screenshot, assert_no_horizontal_scroll)
        page.get_by_role("button", name="Continue").click()

        expect(main).to_contain_text("RV-123")
        expect(main).to_contain_text("From the Vehicles")
        page.get_by_role("button", name="Continue").click()  # nothing chosen: errors
        expect(page.locator(".govuk-error-summary")).to_contain_text("Select zone")
        _look(page, "03-errors", assert_accessible, screenshot, assert_no_horizontal_scroll)
        page.get_by_role("radio", name="Zone B").check()
        page.get_by_role("radio", name="Yes").check()
        page.get_by_role("button", name="Continue").click()

        expect(page.locator("h1")).to_have_text("Your badge")
        page.get_by_label("Badge number").fill("123456")
        page.get_by_label("A scan of the badge").set_input_files(str(upload))
        _look(page, "04-upload", assert_accessible, screenshot)
        page.get_by_role("button", name="Continue").click()

        expect(page.locator("h1")).to_have_text("How we contact you")
        page.get_by_label("Email", exact=True).fill("octavie@example.org")
        page.get_by_label("Day", exact=True).fill("1")
        page.get_by_label("Month", exact=True).fill("12")
        page.get_by_label("Year", exact=True).fill("2026")
        page.get_by_role("button", name="Continue").click()

        expect(page.locator("h1")).to_have_text(
            "Check your answers before sending your application"
        )
        expect(main).to_contain_text("1 file(s) uploaded")
        _look(page, "05-review", assert_accessible, screenshot, assert_no_horizontal_scroll)
        page.get_by_role("button", name="Accept and send").click()

        expect(page.locator("h1")).to_have_text("Application sent")
        reference = page.locator(".govdoor-case-reference").inner_text()
        assert re.fullmatch(r"GD-\d{4}-\d{6}", reference)
        _look(page, "06-confirmation", assert_accessible, screenshot)

        page.goto(f"{base}/services/child-benefit/apply/")  # a central service, signed in
        page.get_by_role("button", name="Start now").click()
        expect(main).to_contain_text(FAMILY)
        expect(main).to_contain_text("From the Population")
        _look(page, "07-central-prefilled", assert_accessible, screenshot)
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Child's full name").fill("Lou Brightwater")
        page.get_by_label("Day", exact=True).fill("3")
        page.get_by_label("Month", exact=True).fill("4")
        page.get_by_label("Year", exact=True).fill("2020")
        page.get_by_role("button", name="Continue").click()
        _look(page, "08-central-review", assert_accessible, screenshot)
        page.get_by_role("button", name="Accept and send").click()
        expect(page.locator("h1")).to_have_text("Application sent")
        other = page.locator(".govdoor-case-reference").inner_text()
        assert re.fullmatch(r"GD-\d{4}-\d{6}", other) and other != reference
        _look(page, "09-central-confirmation", assert_accessible, screenshot)
