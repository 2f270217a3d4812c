"""The letter checker in Debian's chromium: upload a genuine and a broken file; axe-core finds
no accessibility violation on the page, its verdict or its error.

Data is made before the browser opens (Playwright's loop and Django's ORM do not mix).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from govdoor.letters.services import letter_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHROMIUM = Path("/usr/bin/chromium")


def _no_axe_violations(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_person_checks_a_letter_in_the_browser(live_server, issue, tmp_path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed")
    genuine = tmp_path / "letter.pdf"
    genuine.write_bytes(letter_pdf(letter=issue()))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"this is not a pdf")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(f"{live_server.url}/letters/check/")
        sync_api.expect(page.locator("h1")).to_have_text("Is this letter really from government?")
        _no_axe_violations(page)
        page.set_input_files("#pdf", str(genuine))
        page.get_by_role("button", name="Check the letter").click()
        sync_api.expect(page.locator(".govuk-panel__title")).to_have_text("This letter is genuine")
        sync_api.expect(page.locator(".govuk-panel__body")).to_contain_text(
            "Signed by Family Benefits Agency on"
        )
        _no_axe_violations(page)
        page.set_input_files("#pdf", str(broken))
        page.get_by_role("button", name="Check the letter").click()
        sync_api.expect(page.locator(".govuk-error-summary")).to_contain_text(
            "This file is not a PDF, or it is too damaged to read."
        )
        _no_axe_violations(page)
        browser.close()
