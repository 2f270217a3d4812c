"""The "Verify" button in Debian's chromium: JCS, SHA-256, the RFC 9162 path and Ed25519 in
WebCrypto, against the live API (the same checks an outside verifier makes)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction

from govdoor.identity.testing import sign_in_person
from govdoor.ledger import selectors, services
from govdoor.ledger.models import Entry
from govdoor.ledger.tests.factories import OrganisationFactory, PersonFactory
from govdoor.ledger.tests.tampering import triggers_off

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path("/usr/bin/chromium")
VERIFIED = "Verified: this entry is in the signed ledger."


def _assert_accessible(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def _click_all(page) -> list[str]:
    buttons = page.locator("button.ledger-verify")
    results = []
    for i in range(buttons.count()):
        buttons.nth(i).click()
        result = page.locator(".ledger-verify-result").nth(i)
        page.wait_for_function(
            "el => !el.textContent.includes('Checking') && !/^Entry/.test(el.textContent)",
            arg=result.element_handle(),
        )
        results.append(result.inner_text())
    return results


def _forge_record(index: int) -> None:
    try:
        record = Entry.objects.get(pk=selectors.entry_id_at(index))
        forged = record.body.replace('"read"', '"erase"')
        with triggers_off("ledger_entry"):
            Entry.objects.filter(pk=record.pk).update(body=forged)
    finally:
        connection.close()


def _append(person, i: int) -> None:
    with transaction.atomic():  # on commit the sequencer runs and signs a checkpoint
        services.ledger_append(
            subject_id=str(person.pk),
            actor_org="tax-agency",
            actor_user=None,
            action="read",
            purpose="income-tax-assessment",
            legal_basis="Income Tax Act s. 12 \u00a7 \u00e9",
            fields=[f"f{i}", "address"],
        )


@contextlib.contextmanager
def _data_uses_page(live_server, client, *, uses: int, viewport=None) -> Iterator[Any]:
    """A person with `uses` recorded uses of their data, on their page in chromium."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed")
    OrganisationFactory(code="tax-agency", name="Tax Agency of the Republic of Demoland")
    person = PersonFactory()
    for i in range(uses):
        _append(person, i)
    session = sign_in_person(client, person, loa=1).cookies[settings.SESSION_COOKIE_NAME]
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session.value}
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            context = browser.new_context(**({"viewport": viewport} if viewport else {}))
            context.add_cookies([{**cookie, "url": live_server.url}])
            page = context.new_page()
            page.goto(f"{live_server.url}/my/data-uses/")
            yield page
        finally:
            browser.close()


def test_verify_in_the_browser_confirms_entries_and_notices_a_changed_record(live_server, client):
    with _data_uses_page(live_server, client, uses=3) as page:
        _assert_accessible(page)
        # Debian chromium has Ed25519 in WebCrypto: the signature is checked, not skipped
        assert _click_all(page) == [VERIFIED] * 3

        with ThreadPoolExecutor(1) as pool:  # no ORM in Playwright's event-loop thread
            pool.submit(_forge_record, 1).result()
        page.reload()
        results = _click_all(page)  # newest first: index 2, 1, 0
        assert results[0] == results[2] == VERIFIED
        assert results[1].startswith("Verification failed"), results


def test_the_page_fits_a_phone_screen_and_verifies_there(live_server, client):
    with _data_uses_page(
        live_server, client, uses=2, viewport={"width": 320, "height": 640}
    ) as page:
        assert page.locator("button.ledger-verify").count() == 2
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], widths
        _assert_accessible(page)
        assert _click_all(page) == [VERIFIED] * 2
