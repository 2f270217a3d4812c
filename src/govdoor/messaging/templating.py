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


class Renderer:
    """A template's three texts compiled once, for rendering many personalisations fast.

    Why: deadline reminders render the same template tens of thousands of times on one
    morning, mostly with the same values (one title, one date, one organisation). The texts
    are split at their placeholders once; each distinct personalisation is substituted and
    link-checked once and then reused.
    """

    MEMO_LIMIT = 20_000

    def __init__(self, *, subject: str, body: str, short_text: str) -> None:
        self._parts = [PLACEHOLDER.split(text or "") for text in (subject, body, short_text)]
        self.names = tuple(sorted(placeholders_in(subject, body, short_text)))
        self._memo: dict[tuple[str, ...], tuple[str, str, str]] = {}

    def render(self, personalisation: Mapping[str, object]) -> tuple[str, str, str]:
        """(subject, body, short text), as `render` would give, with links checked."""
        key = tuple(str(personalisation.get(name, "")) for name in self.names)
        done = self._memo.get(key)
        if done is not None:
            return done
        values = dict(zip(self.names, key, strict=True))
        out = tuple(_join(parts, values) for parts in self._parts)
        for text in out:
            links_check(text)
        result = (out[0], out[1], out[2])
        if len(self._memo) < self.MEMO_LIMIT:
            self._memo[key] = result
        return result


def _join(parts: list[str], values: Mapping[str, str]) -> str:
    # re.split with one group alternates literal text and placeholder names.
    return "".join(part if i % 2 == 0 else values[part] for i, part in enumerate(parts))
