"""Identity pages in Debian's chromium: axe-core finds no accessibility violation.

Data is made before the browser opens (Playwright's loop and Django's ORM do not mix).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from govdoor.identity.decorators import SESSION_IDP, SESSION_LOA
from govdoor.identity.services import staff_user_create, user_for_person
from govdoor.identity.staff_auth import demo_totp_code
from govdoor.identity.tests.factories import MandateFactory, OrganisationFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "correct horse battery staple"


def _browser(p):
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed")
    return p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])


def _no_axe_violations(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_the_mandates_page_and_the_grant_errors_are_accessible(live_server, client) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    person = PersonFactory()
    MandateFactory(represented_person=person)
    MandateFactory(representative=person)
    client.force_login(
        user_for_person(person=person), backend="django.contrib.auth.backends.ModelBackend"
    )
    session = client.session
    session[SESSION_LOA], session[SESSION_IDP] = 2, "demo"
    session.save()
    cookie = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": session.session_key,
        "url": live_server.url,
    }
    with sync_api.sync_playwright() as p:
        browser = _browser(p)
        context = browser.new_context()
        context.add_cookies([cookie])
        page = context.new_page()
        page.goto(f"{live_server.url}/mandates/")
        sync_api.expect(page.locator("h1")).to_have_text("Mandates")
        _no_axe_violations(page)
        page.get_by_label("National number of the person who may act for you").fill("123")
        page.get_by_role("button", name="Give mandate").click()
        sync_api.expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Enter a valid national number"
        )
        _no_axe_violations(page)
        browser.close()


def test_staff_sign_in_enrolment_and_lockout_pages_are_accessible(live_server) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    org = OrganisationFactory()
    staff_user_create(
        username="new.starter",
        email="n@x.example",
        password=PASSWORD,
        organisation=org,
        roles=["auditor"],
    )
    veteran = staff_user_create(
        username="old.hand",
        email="o@x.example",
        password=PASSWORD,
        organisation=org,
        roles=["auditor"],
        totp_key="3132333435363738393031323334353637383930",
    )
    code = demo_totp_code(veteran)
    with sync_api.sync_playwright() as p:
        browser = _browser(p)
        page = browser.new_page()
        page.goto(f"{live_server.url}/staff/sign-in/")
        _no_axe_violations(page)
        page.get_by_label("Username").fill("new.starter")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Continue").click()
        sync_api.expect(page.locator("h1")).to_have_text("Set up your authenticator app")
        sync_api.expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
        _no_axe_violations(page)

        other = browser.new_page()
        other.goto(f"{live_server.url}/staff/sign-in/")
        other.get_by_label("Username").fill("old.hand")
        other.get_by_label("Password").fill(PASSWORD)
        other.get_by_role("button", name="Continue").click()
        other.get_by_label("Security code").fill(code or "")
        other.get_by_role("button", name="Continue").click()
        assert "/backoffice/" in other.url

        for _ in range(settings.AXES_FAILURE_LIMIT):
            page.goto(f"{live_server.url}/staff/sign-in/")
            page.get_by_label("Username").fill("nobody.here")
            page.get_by_label("Password").fill("wrong password!!")
            page.get_by_role("button", name="Continue").click()
        sync_api.expect(page.locator("h1")).to_have_text("Too many failed sign-in attempts")
        _no_axe_violations(page)
        browser.close()
