"""The French catalogue is complete, and the built front end carries govdoor's own branding."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

FRENCH = Path(settings.LOCALE_PATHS[0]) / "fr" / "LC_MESSAGES" / "django.po"


def _entries(po: str) -> list[str]:
    return [block for block in po.strip().split("\n\n") if "msgid" in block]


def _untranslated(block: str) -> bool:
    """True when every msgstr of the entry is empty (a one-line "" with no continuation)."""
    strings = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block + "\n", flags=re.M)
    return any(re.fullmatch(r'""\n?', s) for s in strings)


def test_the_french_catalogue_has_no_untranslated_or_fuzzy_message() -> None:
    entries = _entries(FRENCH.read_text(encoding="utf-8"))[1:]  # the first is the header
    assert len(entries) > 100
    fuzzy = [e for e in entries if re.search(r"^#,.*\bfuzzy\b", e, flags=re.M)]
    empty = [e for e in entries if _untranslated(e)]
    assert fuzzy == [], fuzzy[:3]
    assert empty == [], empty[:3]


def test_the_untranslated_check_finds_an_empty_message() -> None:
    assert _untranslated('msgid "Home"\nmsgstr ""')
    assert not _untranslated('msgid "Home"\nmsgstr "Accueil"')
    assert not _untranslated('msgid ""\n"Long"\nmsgstr ""\n"Longue"')


def test_the_stylesheet_is_built_without_the_gov_uk_font_or_crown() -> None:
    css_path = finders.find("govuk/govuk-frontend.min.css")
    assert css_path, "front-end assets are missing: run `make assets`"
    css = Path(str(css_path)).read_text(encoding="utf-8")
    assert "GDS Transport" not in css
    assert "--govuk-frontend-version" in css
    own = Path(str(finders.find("govdoor/govdoor.css"))).read_text(encoding="utf-8")
    assert "--govuk-brand-colour" in own


def test_the_script_that_starts_gov_uk_frontend_is_a_static_module() -> None:
    script = Path(str(finders.find("govdoor/govdoor.js"))).read_text(encoding="utf-8")
    assert "govuk-frontend-supported" in script
    assert "initAll()" in script
