"""Message templates: `((placeholder))` substitution, checked when a template is saved.

Why `((…))` and not Django templates: agencies write these texts, and a template language
with loops and filters is a programming language they should not need (GOV.UK Notify's
choice). Placeholders are declared on the message type, so a typo is caught at save time,
and missing personalisation is refused before anything is queued.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.utils.translation import gettext as _

from govdoor.core.errors import DomainError

PLACEHOLDER = re.compile(r"\(\(\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\)")
# Links in outbound texts may only point to our own pages, without query strings, so a
# message can never carry a sign-in link with credentials (a phishing pattern to avoid).
LINK = re.compile(r"https?://[^\s<>\"')]+")


def placeholders_in(*texts: str) -> set[str]:
    found: set[str] = set()
    for text in texts:
        found.update(PLACEHOLDER.findall(text or ""))
    return found


def template_check(*, declared: Iterable[str], subject: str, body: str, short_text: str) -> None:
    """Refuse a template that uses a placeholder its message type does not declare."""
    unknown = placeholders_in(subject, body, short_text) - set(declared)
    if unknown:
        raise DomainError(
            _("The template uses undeclared placeholders: %(names)s")
            % {"names": ", ".join(sorted(unknown))},
            field="placeholders",
        )
    for text in (subject, body, short_text):
        links_check(text)


def links_check(text: str) -> None:
    base = settings.GOVDOOR_BASE_URL.rstrip("/")
    for link in LINK.findall(text or ""):
        if not link.startswith(base + "/") and link != base:
            raise DomainError(
                _("Texts may only link to govdoor itself: %(link)s") % {"link": link}, field="body"
            )
        if "?" in link or "#" in link:
            raise DomainError(
                _("Links in messages may not carry parameters: %(link)s") % {"link": link},
                field="body",
            )


def personalisation_check(
    *, required: Iterable[str], personalisation: Mapping[str, object]
) -> None:
    missing = sorted(set(required) - set(personalisation))
    if missing:
        raise DomainError(
            _("Personalisation is missing: %(names)s") % {"names": ", ".join(missing)},
            field="personalisation." + missing[0],
        )


def render(text: str, personalisation: Mapping[str, object]) -> str:
    """Substitute placeholders; values are plain text (escaped by whoever renders HTML)."""

    def value(match: re.Match[str]) -> str:
        return str(personalisation.get(match.group(1), ""))

    return PLACEHOLDER.sub(value, text)
