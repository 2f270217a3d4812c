"""The citizen's first journey in a real browser: demo sign-in, My govdoor, French.

Every page visited is checked with axe-core (no violation allowed) and photographed into
artifacts/screenshots/ (kept by CI).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from govdoor.portal.tests.factories import MandateFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[Page], None]
Shoot = Callable[[Page, str], Path]

GIVEN, FAMILY, BORN = "Octavie", "Brightwater", dt.date(1979, 11, 4)


def _sign_in_with_the_demo_idp(
    page: Page, base_url: str, prefix: str, assert_accessible: Check, screenshot: Shoot
) -> None:
    """From the home page through the demo IdP to My govdoor, at Substantial."""
    page.goto(f"{base_url}/")
    expect(page.locator("h1")).to_have_text("One door to government")
    assert_accessible(page)
    screenshot(page, f"{prefix}-01-home")

    page.get_by_role("button", name="Sign in").click()  # the start button
    expect(page.locator("h1")).to_have_text("Sign in")
    assert_accessible(page)
    screenshot(page, f"{prefix}-02-sign-in")

    page.get_by_role("button", name="Demo sign-in").click()
    expect(page).to_have_url(re.compile(r"/sign-in/demo/"))
    page.locator('input[name="q"]:not([type="hidden"])').fill(FAMILY)
    page.get_by_role("button", name="Search", exact=True).click()
    person = page.get_by_role("radio", name=re.compile(rf"^{GIVEN} {FAMILY}\b.*1979"))
    person.check()
    page.get_by_role("radio", name="Substantial", exact=True).check()
    assert_accessible(page)
    screenshot(page, f"{prefix}-03-demo-idp")

    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{base_url}/my/")


def test_a_person_signs_in_at_substantial_sees_my_govdoor_and_switches_to_french(
    live_server, chromium, assert_accessible: Check, screenshot: Shoot
) -> None:
    PersonFactory(given_name=GIVEN, family_name=FAMILY, birth_date=BORN)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1024, "height": 800})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        # CSP violations and failed loads of our own assets show up as console errors.
        page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
        _sign_in_with_the_demo_idp(page, live_server.url, "desktop", assert_accessible, screenshot)

        expect(page.locator("h1")).to_have_text("My govdoor")
        expect(page.locator("main")).to_contain_text(f"{GIVEN} {FAMILY}")
        expect(page.locator("main")).to_contain_text("Substantial")
        # GOV.UK Frontend's JavaScript ran from the static file (CSP allows no inline script).
        expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
        assert_accessible(page)
        screenshot(page, "desktop-04-my-govdoor")

        page.get_by_role("button", name="Français").click()
        expect(page).to_have_url(f"{live_server.url}/my/")
        expect(page.locator("h1")).to_have_text("Mon govdoor")
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.locator("main")).to_contain_text("Substantiel")
        assert_accessible(page)
        screenshot(page, "desktop-05-mon-govdoor")

        page.get_by_role("button", name="Se déconnecter").click()
        expect(page.locator("h1")).to_have_text("Une seule porte vers l’administration")
        assert_accessible(page)
        assert errors == [], errors


def test_the_journey_fits_a_360_pixel_wide_phone_without_sideways_scrolling(
    live_server,
    chromium,
    assert_accessible: Check,
    assert_no_horizontal_scroll: Check,
    screenshot: Shoot,
) -> None:
    me = PersonFactory(given_name=GIVEN, family_name=FAMILY, birth_date=BORN)
    # A mandate with a long name: the table of mandates must wrap, not widen the page.
    MandateFactory(
        representative=me,
        represented_person=PersonFactory(
            given_name="Maximiliana-Konstantina", family_name="Vandenbroucke-Oosterhuizen"
        ),
        valid_until=dt.date(2099, 12, 31),
    )
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 360, "height": 740}, is_mobile=True)
        page.goto(f"{live_server.url}/")
        assert_no_horizontal_scroll(page)
        # On a phone the service navigation folds behind its "Menu" button.
        menu = page.get_by_role("button", name="Menu")
        expect(menu).to_be_visible()
        menu.click()
        expect(page.get_by_role("link", name="My govdoor")).to_be_visible()
        screenshot(page, "mobile-00-menu-open")
        menu.click()

        _sign_in_with_the_demo_idp(page, live_server.url, "mobile", assert_accessible, screenshot)
        expect(page.locator("h1")).to_have_text("My govdoor")
        expect(page.locator("main")).to_contain_text("Vandenbroucke-Oosterhuizen")
        assert_no_horizontal_scroll(page)
        assert_accessible(page)
        screenshot(page, "mobile-04-my-govdoor")

        # Acting for someone: the banner says so on every page, and My govdoor says whose data.
        page.get_by_role("link", name="Change whom you act for").click()
        page.get_by_role("radio", name=re.compile("Maximiliana-Konstantina")).check()
        page.get_by_role("button", name="Continue").click()
        expect(page).to_have_url(f"{live_server.url}/my/")
        banner = page.get_by_role("region", name="Acting for")
        expect(banner).to_contain_text("You are acting for Maximiliana-Konstantina")
        expect(page.locator("main .govuk-inset-text")).to_contain_text("This page is about you")
        assert_no_horizontal_scroll(page)
        assert_accessible(page)
        screenshot(page, "mobile-05-acting-for")
        for path in ("/", "/sign-in/?next=/my/", "/no-such-page/"):
            page.goto(f"{live_server.url}{path}")
            assert_no_horizontal_scroll(page)
