"""A person's contact points and notification preferences (managed on /my/messages/settings/)."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from govdoor.core.errors import DomainError, NotFound
from govdoor.identity.models import Person
from govdoor.messaging.models import ContactPoint, Preference
from govdoor.messaging.notify import preference_get

MAX_CONTACT_POINTS = 10


@transaction.atomic
def contact_point_add(*, person: Person, kind: str, value: str, label: str = "") -> ContactPoint:
    if kind not in ContactPoint.Kind.values:
        raise DomainError(_("Unknown kind of contact."), field="kind")
    active = ContactPoint.objects.filter(person=person, is_active=True)
    if active.count() >= MAX_CONTACT_POINTS:
        raise DomainError(_("You have too many contact details; remove one first."), field="value")
    for existing in active.filter(kind=kind):
        if existing.value == value:
            return existing
    return ContactPoint.objects.create(person=person, kind=kind, value=value, label=label[:100])


@transaction.atomic
def contact_point_remove(*, person: Person, contact_point_id: object) -> None:
    try:
        pk = uuid.UUID(str(contact_point_id))
    except ValueError:
        raise NotFound(_("No such contact detail.")) from None
    updated = ContactPoint.objects.filter(person=person, pk=pk, is_active=True).update(
        is_active=False
    )
    if not updated:
        raise NotFound(_("No such contact detail."))


@transaction.atomic
def preference_update(
    *,
    person: Person,
    channels: Sequence[str],
    reminders: bool,
    quiet_start: dt.time | None,
    quiet_end: dt.time | None,
    timezone: str,
) -> Preference:
    pref = preference_get(person)
    # An empty list means "everything" (the default); choosing nothing is stored as such.
    pref.channels = sorted(set(channels)) or ["none"]
    pref.reminders = reminders
    pref.quiet_start, pref.quiet_end = quiet_start, quiet_end
    pref.timezone = timezone
    pref.save()
    return pref


@transaction.atomic
def calendar_token_reset(*, person: Person) -> Preference:
    pref = preference_get(person)
    pref.calendar_token = secrets.token_urlsafe(24)
    pref.save(update_fields=["calendar_token"])
    return pref
