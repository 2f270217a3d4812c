"""My documents in a real browser: upload (a refusal, then a good file) and download.

Each page state is checked with axe-core (no violation allowed) and photographed into
artifacts/screenshots/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from govdoor.identity.decorators import SESSION_IDP, SESSION_LOA
from govdoor.identity.models import LevelOfAssurance
from govdoor.identity.services import user_for_person
from govdoor.portal.tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[Page], None]
Shoot = Callable[[Page, str], Path]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


def _session_cookie(live_server_url: str) -> dict[str, Any]:
    """A signed-in person at Substantial, as the demo IdP would leave them."""
    person = PersonFactory(given_name="Maelle", family_name="Quarry")
    client = Client()
    client.force_login(
        user_for_person(person=person), backend="django.contrib.auth.backends.ModelBackend"
    )
    session = client.session
    session[SESSION_LOA] = int(LevelOfAssurance.SUBSTANTIAL)
    session[SESSION_IDP] = "demo"
    session.save()
    return {"name": "sessionid", "value": session.session_key, "url": live_server_url}


def test_a_person_uploads_a_document_is_told_about_a_wrong_file_and_downloads_it(
    live_server, chromium, settings, tmp_path, assert_accessible: Check, screenshot: Shoot
) -> None:
    settings.GOVDOOR_DOCUMENTS_DIR = str(tmp_path / "documents")
    settings.GOVDOOR_DOCUMENTS_SCANNER = "demo"
    cookie = _session_cookie(live_server.url)
    with chromium() as browser:
        context = browser.new_context(
            accept_downloads=True, viewport={"width": 1024, "height": 800}
        )
        context.add_cookies([cookie])
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{live_server.url}/my/documents/")
        expect(page.locator("h1")).to_have_text("Your documents")
        expect(page.locator("main")).to_contain_text("You have not uploaded any documents yet.")
        assert_accessible(page)
        screenshot(page, "documents-01-empty")

        # A PNG named .pdf: refused, shown in the error summary and at the field.
        page.get_by_label("Upload a file").set_input_files(
            files=[{"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": PNG_HEADER}]
        )
        page.get_by_role("button", name="Upload", exact=True).click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("The file is a PNG but its name ends in .pdf")
        expect(page.locator("#id_file-error")).to_contain_text("PNG")
        expect(page).to_have_title(re.compile(r"^Error:"))
        assert_accessible(page)
        screenshot(page, "documents-02-wrong-type")

        page.get_by_label("Upload a file").set_input_files(
            files=[{"name": "payslip.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        page.get_by_role("button", name="Upload", exact=True).click()
        expect(page.locator("main")).to_contain_text("payslip.pdf has been uploaded")
        link = page.get_by_role("link", name=re.compile(r"^payslip\.pdf"))
        expect(link).to_be_visible()
        assert_accessible(page)
        screenshot(page, "documents-03-uploaded")

        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == "payslip.pdf"
        assert Path(download.value.path()).read_bytes() == PDF
        assert errors == []
        context.close()
