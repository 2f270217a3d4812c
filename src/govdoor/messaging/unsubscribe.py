"""One-click unsubscribe (RFC 8058) from optional emails, without signing in.

Which emails carry `List-Unsubscribe` and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`:
those of an *optional* message type (deadline reminders, other courtesy notices). Emails
about a legal notice (a decision, an information request: anything served to the mailbox
with legal effect) carry neither: the notification is part of serving the document, so a
one-click way to stop it would mislead (and bulk-sender rules exempt such transactional
mail). People still choose their channels on the settings page.

Why POST only: mail scanners and link previewers fetch every URL in a message; a GET shows
a page with a button and changes nothing. The POST (from the mail client, as RFC 8058
describes, or from that button) needs no sign-in and no CSRF token: the token in the URL
is the capability, for this one person, channel and message type, and doing it twice
changes nothing more.

The token is an AES-GCM envelope (core.crypto) of the person's id, the channel kind and the
message type, sealed with its own context: it cannot be forged or altered, and whoever sees
the link learns nothing from it, not even the person's opaque id.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from govdoor.core import crypto
from govdoor.core.errors import NotFound
from govdoor.identity.models import Person
from govdoor.messaging.models import ContactPoint, MessageType, Preference

CONTEXT = "messaging.unsubscribe.v1"


def unsubscribe_token(*, person_id: Any, kind: str, type_code: str) -> str:
    document = json.dumps({"p": str(person_id), "k": kind, "t": type_code}, separators=(",", ":"))
    return crypto.encrypt(document, context=CONTEXT)


def unsubscribe_url(*, person_id: Any, kind: str, type_code: str) -> str:
    """The absolute one-click URL for an email's `List-Unsubscribe` header."""
    token = unsubscribe_token(person_id=person_id, kind=kind, type_code=type_code)
    path = reverse("messaging:unsubscribe", kwargs={"token": token})
    return settings.GOVDOOR_BASE_URL.rstrip("/") + path


@dataclass(frozen=True)
class Subscription:
    person: Person
    kind: str
    message_type: MessageType


def unsubscribe_read(token: str) -> Subscription:
    """What a token unsubscribes from; NotFound for anything else (forged, altered, stale)."""
    try:
        document = json.loads(crypto.decrypt(token, context=CONTEXT))
        person_id, kind, code = uuid.UUID(document["p"]), document["k"], document["t"]
    except (crypto.DecryptionError, ValueError, KeyError, TypeError):
        raise NotFound(_("This unsubscribe link is not valid.")) from None
    person = Person.objects.filter(pk=person_id).first()
    message_type = MessageType.objects.filter(code=code, optional=True).first()
    if person is None or message_type is None or kind not in ContactPoint.Kind.values:
        raise NotFound(_("This unsubscribe link is not valid."))
    return Subscription(person=person, kind=kind, message_type=message_type)


@transaction.atomic
def notifications_mute(*, person: Person, kind: str, message_type: MessageType) -> bool:
    """Stop `kind` notifications of an optional message type; False if already stopped."""
    import secrets

    if not message_type.optional:
        raise NotFound(_("This unsubscribe link is not valid."))
    Preference.objects.get_or_create(
        person=person, defaults={"calendar_token": secrets.token_urlsafe(24)}
    )
    pref = Preference.objects.select_for_update().get(person=person)
    entry = f"{kind}:{message_type.code}"
    if entry in (pref.muted or []):
        return False
    pref.muted = sorted({*(pref.muted or []), entry})
    pref.save(update_fields=["muted"])
    return True


@transaction.atomic
def notifications_unmute(*, person: Person, entry: str) -> None:
    """Turn one stopped kind of notification back on (from the settings page)."""
    pref = Preference.objects.select_for_update().filter(person=person).first()
    if pref is None or entry not in (pref.muted or []):
        raise NotFound(_("No such choice."))
    pref.muted = [m for m in pref.muted if m != entry]
    pref.save(update_fields=["muted"])


def muted_labels(pref: Preference) -> list[tuple[str, str, str]]:
    """(entry, channel label, message type name) for each stopped kind of notification."""
    kinds = dict(ContactPoint.Kind.choices)
    codes = [m.split(":", 1)[1] for m in pref.muted or [] if ":" in m]
    names = dict(MessageType.objects.filter(code__in=codes).values_list("code", "name"))
    out = []
    for entry in pref.muted or []:
        kind, _sep, code = entry.partition(":")
        out.append((entry, str(kinds.get(kind, kind)), names.get(code, code)))
    return out


@csrf_exempt  # RFC 8058: the mail client POSTs without a session; the token is the capability
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscription = unsubscribe_read(token)
    except NotFound:
        raise Http404 from None
    done = False
    if request.method == "POST":
        notifications_mute(
            person=subscription.person,
            kind=subscription.kind,
            message_type=subscription.message_type,
        )
        done = True
    context = {
        "done": done,
        "kind": ContactPoint.Kind(subscription.kind).label,
        "type_name": subscription.message_type.name,
    }
    response = render(request, "messaging/unsubscribe.html", context)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
