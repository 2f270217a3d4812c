"""An iCalendar (RFC 5545) feed of a person's open obligations, one all-day event each.

Why hand-written: the format is small, and a dependency for twenty lines is not worth it.
The feed URL carries an opaque token (not a sign-in credential) that the person can reset.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings

from govdoor.core import clock
from govdoor.messaging.models import Obligation


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (continuation lines start with a space)."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts: list[str] = []
    chunk = b""
    for ch in line:
        b = ch.encode()
        if len(chunk) + len(b) > (75 if not parts else 74):
            parts.append(chunk.decode())
            chunk = b""
        chunk += b
    parts.append(chunk.decode())
    return "\r\n ".join(parts)


def calendar_render(obligations: Iterable[Obligation], *, name: str) -> str:
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    host = settings.GOVDOOR_BASE_URL.split("//")[-1].split("/")[0]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//govdoor//deadlines//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for ob in obligations:
        end = ob.due_on + dt.timedelta(days=1)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{ob.pk}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{ob.due_on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{end:%Y%m%d}",
            f"SUMMARY:{_escape(ob.title)}",
            f"DESCRIPTION:{_escape(ob.organisation.name)}",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{_escape(ob.title)}",
            "TRIGGER:-P3D",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
