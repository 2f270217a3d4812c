"""A person's own lists on a 320-pixel phone: consents, objections, register records, cases
and data uses. Each must fit without sideways scrolling (WCAG 2.2, 1.4.10 Reflow), name
every value it shows (a table row becomes a block whose cells carry their column's name),
and pass axe-core. Every page is photographed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[Page], None]
Shoot = Callable[[Page, str], Path]

LONG_ORG = "Interregional Directorate-General for Motor-Vehicle Registration and Licensing"


def _setup() -> str:
    """A Riverton resident with a case, a vehicle record, a consent, an objection and a
    recorded use of their data; the person's session id."""
    from govdoor.cases.tests.factories import open_case, person_living_in
    from govdoor.catalogue.tests.factories import ServiceFactory
    from govdoor.exchange import services as exchange
    from govdoor.exchange.tests.factories import PurposeFactory
    from govdoor.identity.testing import sign_in_person
    from govdoor.ledger.services import ledger_append
    from govdoor.organisations.tests.factories import OrganisationFactory, demo_country
    from govdoor.registries import services as registries
    from govdoor.registries.tests.factories import keeper_caller, vehicle, vehicles_register

    places = demo_country()
    service = ServiceFactory(
        code="tax-relief", owner=places["tax"], name_en="Income tax relief", sla_days=10
    )
    person = person_living_in(places["riverton"], given_name="Maelle", family_name="Phone")
    open_case(service, person)
    transport = OrganisationFactory(code="transport", name=LONG_ORG, level="central")
    register = vehicles_register(transport)
    registries.record_create(
        register=register,
        data=vehicle(1, owner_id=str(person.pk)),
        actor=keeper_caller(transport),
    )
    purpose = PurposeFactory(
        code="parking-permit",
        name="Residents' parking permits",
        description="To fill in your name, address and vehicle when you apply for a permit.",
        allowed_fields=["vehicles.plate"],
        consent_required=True,
        requesters=[places["riverton_org"], transport],
    )
    exchange.consent_give(
        person=person,
        purpose=purpose,
        organisation=places["riverton_org"],
        fields=["vehicles.plate"],
    )
    exchange.objection_create(person=person, register_code="vehicles", recipient=places["tax"])
    with transaction.atomic():
        ledger_append(
            subject_id=str(person.pk),
            actor_org="transport",
            actor_user=None,
            action="disclose",
            purpose="parking-permit",
            legal_basis="Road Traffic Act s. 7",
            fields=["vehicles.plate"],
        )
    return str(sign_in_person(Client(), person).cookies["sessionid"].value)


def _name_shown_with(page: Page, value: str) -> str:
    """The name shown with the innermost table cell or summary-list value that holds
    `value`: a stacked cell's generated label (its ::before content), or the key beside it."""
    return str(
        page.evaluate(
            """value => {
              const holders = [...document.querySelectorAll("main td, main dd")]
                .filter(el => el.textContent.includes(value));
              const el = holders[holders.length - 1];
              if (!el) { return "no element holds " + value; }
              if (el.tagName === "DD") {
                const key = el.parentElement.querySelector("dt");
                return key && key.offsetParent !== null ? key.textContent.trim() : "";
              }
              const label = getComputedStyle(el, "::before").content;
              return label === "none" ? "" : JSON.parse(label);
            }""",
            value,
        )
    )


# Each page, and a column name with the value it must show beside it on a phone.
PAGES = [
    ("/my/consents/", "Purpose", "Residents' parking permits"),
    ("/my/objections/", "From register", "Vehicles"),
    ("/my/registers/", "Kept by", LONG_ORG),
    ("/my/cases/", "Handled by", "Tax Agency"),
    ("/my/data-uses/", "Purpose", "To fill in your name, address and vehicle"),
]


def test_a_persons_own_lists_fit_a_phone_and_name_each_value(
    live_server: Any,
    chromium: Any,
    assert_accessible: Check,
    assert_no_horizontal_scroll: Check,
    screenshot: Shoot,
) -> None:
    session_id = _setup()
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True)
        context.add_cookies([{"name": "sessionid", "value": session_id, "url": live_server.url}])
        page = context.new_page()
        for path, column, value in PAGES:
            page.goto(f"{live_server.url}{path}")
            main = page.locator("main")
            expect(main).to_contain_text(value)
            assert _name_shown_with(page, value) == column, path
            assert_no_horizontal_scroll(page)
            assert_accessible(page)
            screenshot(page, "phone-" + path.strip("/").replace("/", "-"))
