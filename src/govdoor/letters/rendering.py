"""A letter as HTML, then as an accessible PDF (WeasyPrint), with no network access at all.

Why a fetcher that refuses everything but data: URLs: a letter must look the same in ten
years and must not make the server fetch anything while rendering (an SVG logo could name a
remote image). The organisation's logo is read from the static files and inlined.
Why PDF/UA: the PDF is tagged, so screen readers read the letter in order.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

# WeasyPrint reports each rendering step at INFO; one letter is not worth seven log lines.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

MAX_LOGO_BYTES = 256 * 1024
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg"}


class OfflineFetcher(URLFetcher):  # type: ignore[misc]
    """Fetches data: URLs only; any other URL stops the rendering."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise FatalURLFetchingError(f"letters never fetch resources ({url.split(':', 1)[0]}:)")


@lru_cache(maxsize=256)
def logo_data_uri(logo: str) -> str:
    """The organisation's logo inlined as a data: URL; "" for a remote or unusable logo."""
    if not logo or "://" in logo or logo.startswith("//") or ".." in logo:
        return ""
    suffix = Path(logo).suffix.lower()
    try:
        found = finders.find(logo.removeprefix(settings.STATIC_URL).lstrip("/"))
    except SuspiciousFileOperation:
        return ""
    path = Path(found) if isinstance(found, str) else None
    if suffix not in LOGO_TYPES or path is None or not path.is_file():
        return ""
    data = path.read_bytes()
    if len(data) > MAX_LOGO_BYTES:
        return ""
    return f"data:{LOGO_TYPES[suffix]};base64,{base64.b64encode(data).decode()}"


@dataclass(frozen=True)
class LetterContent:
    organisation_name: str
    organisation_logo: str
    organisation_lines: Sequence[str]
    kind_label: str
    language: str
    title: str
    reference: str
    date: dt.date
    recipient_name: str
    recipient_address_lines: Sequence[str]
    paragraphs: Sequence[str]
    facts: Sequence[tuple[str, str]]


def letter_html(content: LetterContent) -> str:
    base_url = str(getattr(settings, "GOVDOOR_BASE_URL", "")).rstrip("/")
    with translation.override(content.language):
        return render_to_string(
            "letters/letter.html",
            {
                "letter": content,
                "logo": logo_data_uri(content.organisation_logo),
                "check_url": f"{base_url}/letters/check/",
                "ca_url": f"{base_url}/letters/ca.pem",
            },
        )


_local = threading.local()


def _font_config() -> FontConfiguration:
    """One font configuration per thread: set up once, it saves a fifth of each rendering."""
    config: FontConfiguration | None = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


def letter_render(content: LetterContent) -> bytes:
    """The unsigned PDF (PDF/UA-1, tagged), rendered without touching the network."""
    html = HTML(string=letter_html(content), base_url=None, url_fetcher=OfflineFetcher())
    return bytes(html.write_pdf(pdf_variant="pdf/ua-1", font_config=_font_config()))
