"""Due deadline reminders to notifications, set-based: the morning run of `reminders_due`.

Why set-based: tens of thousands of reminders fall due on the same morning. Per batch this
claims the reminders (reminder table only, so the plan does not depend on join estimates),
reads their obligations with what the wording needs in one query (no model instances), the
people's preferences and contact points in one query each (contact values stay sealed: the
sending task opens them), renders the reminder template once per language and distinct
personalisation, and inserts the notifications in one COPY (`bulkdb`).

The guarantees are those of the one-at-a-time path: a batch of reminders is claimed
(`FOR UPDATE SKIP LOCKED`, so two schedulers never take the same reminder), marked sent and
its notifications (each with its unique idempotency key `rem:<reminder>:<channel>`) are
written in one transaction, the outbox of their sending; they are dispatched after commit,
in batch tasks, and the sweeper re-dispatches any whose dispatch was lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.formats import date_format

from govdoor.core import clock
from govdoor.core.ids import uuid7
from govdoor.messaging import authenticity
from govdoor.messaging.bulkdb import notifications_insert
from govdoor.messaging.models import (
    ContactPoint,
    MessageType,
    Obligation,
    Preference,
    Reminder,
    muted_kinds,
)
from govdoor.messaging.notify import Dispatch, Target, dispatch_on_commit, quiet_until_for
from govdoor.messaging.notify import targets_for as _targets_for
from govdoor.messaging.templating import Renderer

REMINDER_TYPE = "deadline-reminder"
_COLUMNS = (
    "pk",
    "person_id",
    "person__language",
    "organisation_id",
    "organisation__name",
    "title",
    "due_on",
)


@dataclass(frozen=True)
class Audience:
    """What one person wants: reminders at all, which notifications, not before when."""

    reminders: bool
    targets: list[Target]
    not_before: dt.datetime | None


def audiences(
    person_ids: Iterable[Any], now: dt.datetime, message_type: MessageType
) -> dict[Any, Audience]:
    """Preferences and active contact points of many people, in two queries.

    A person without a preference row has the defaults (every channel, reminders on, no
    quiet hours) without one being created here.
    """
    ids = list(person_ids)
    prefs = {
        row[0]: row[1:]
        for row in Preference.objects.filter(person_id__in=ids).values_list(
            "person_id", "channels", "reminders", "quiet_start", "quiet_end", "timezone", "muted"
        )
    }
    contacts: dict[Any, list[tuple[object, str]]] = {}
    for pk, person_id, kind in (
        ContactPoint.objects.filter(person_id__in=ids, is_active=True)
        .order_by("created_at", "id")
        .values_list("pk", "person_id", "kind")
    ):
        contacts.setdefault(person_id, []).append((pk, kind))
    out: dict[Any, Audience] = {}
    for person_id in ids:
        channels, reminders, start, end, zone, muted = prefs.get(
            person_id, ([], True, None, None, "", [])
        )
        off = muted_kinds(muted, message_type.code, optional=message_type.optional)
        targets, _reason = _targets_for(channels, contacts.get(person_id, []), off)
        out[person_id] = Audience(reminders, targets, quiet_until_for(start, end, zone, now))
    return out


class ReminderTexts:
    """The deadline-reminder template per language, compiled once per run."""

    def __init__(self, message_type: MessageType) -> None:
        self.message_type = message_type
        self._renderers = {
            t.language: Renderer(subject=t.subject, body=t.body, short_text=t.short_text)
            for t in message_type.templates.all()
        }
        self._dates: dict[tuple[str, dt.date], str] = {}

    def language_for(self, language: str) -> str:
        if language in self._renderers:
            return language
        if settings.LANGUAGE_CODE in self._renderers:
            return str(settings.LANGUAGE_CODE)
        from govdoor.messaging.services import template_for

        return template_for(self.message_type, language).language  # raises: no template

    def render(
        self, language: str, title: str, due_on: dt.date, organisation: str
    ) -> tuple[str, str, str]:
        language = self.language_for(language)
        due = self._dates.get((language, due_on))
        if due is None:
            with translation.override(language):
                due = self._dates[(language, due_on)] = date_format(due_on, "DATE_FORMAT")
        return self._renderers[language].render(
            {"title": title, "due_on": due, "organisation": organisation}
        )


@transaction.atomic
def reminders_batch(*, limit: int, dispatch: Dispatch | None) -> int:
    """Claim up to `limit` due reminders, write their notifications; returns how many."""
    today, now = clock.today(), clock.now()
    reminder_type = MessageType.objects.prefetch_related("templates").get(code=REMINDER_TYPE)
    claimed = dict(
        Reminder.objects.select_for_update(skip_locked=True)
        .filter(status=Reminder.Status.SCHEDULED, remind_on__lte=today)
        .order_by("remind_on", "id")
        .values_list("pk", "obligation_id")[:limit]
    )
    if not claimed:
        return 0
    obligations = {
        row[0]: row[1:]
        for row in Obligation.objects.filter(
            pk__in=set(claimed.values()), status=Obligation.Status.OPEN, due_on__gte=today
        ).values_list(*_COLUMNS)
    }
    # A reminder whose obligation was met, cancelled or whose date has passed is never sent.
    batch = [(pk, *obligations[ob]) for pk, ob in claimed.items() if ob in obligations]
    stale = [pk for pk, ob in claimed.items() if ob not in obligations]
    Reminder.objects.filter(pk__in=stale).update(status=Reminder.Status.CANCELLED)
    people = audiences({row[1] for row in batch}, now, reminder_type)
    texts = ReminderTexts(reminder_type)
    rows: list[dict[str, Any]] = []
    for pk, person_id, language, org_id, org_name, title, due_on in batch:
        audience = people[person_id]
        if not audience.reminders:
            continue
        subject, body, short = texts.render(language, title, due_on, org_name)
        for target in audience.targets:
            rows.append(
                {
                    "id": uuid7(),
                    "idempotency_key": f"rem:{pk}:{target.suffix}"[:120],
                    "organisation_id": org_id,
                    "person_id": person_id,
                    "message_type_id": reminder_type.pk,
                    "channel": target.channel,
                    "contact_point_id": target.contact_id,
                    "subject": subject,
                    "body": body if target.channel in ("email", "portal") else short,
                    "verification_code": authenticity.code_new(),
                    "not_before": audience.not_before if target.contact_id else None,
                    "created_at": now,
                }
            )
    notifications_insert(rows)
    Reminder.objects.filter(pk__in=[row[0] for row in batch]).update(status=Reminder.Status.SENT)
    dispatch_on_commit([row["id"] for row in rows], dispatch)
    return len(claimed)
