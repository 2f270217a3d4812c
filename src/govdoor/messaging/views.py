"""Portal pages of the mailbox ("/my/messages/...") and the calendar feed. Views translate."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from govdoor.core.errors import DomainError, NotFound
from govdoor.identity.decorators import person_required
from govdoor.messaging import ical, selectors
from govdoor.messaging.channels.push import vapid_public_key
from govdoor.messaging.forms import ContactPointForm, PreferenceForm, ReplyForm
from govdoor.messaging.models import Attachment, ContactPoint, Preference
from govdoor.messaging.notify import preference_get
from govdoor.messaging.reminders import obligations_for
from govdoor.messaging.services import message_open, message_reply
from govdoor.messaging.services_contacts import (
    calendar_token_reset,
    contact_point_add,
    contact_point_remove,
    preference_update,
)
from govdoor.messaging.unsubscribe import muted_labels, notifications_unmute


def _person(request: HttpRequest) -> Any:
    return request.user.person  # type: ignore[union-attr]


def _entry(request: HttpRequest, message_id: object) -> Any:
    try:
        return selectors.mailbox_entry(_person(request), message_id)
    except NotFound:
        raise Http404 from None


@person_required()
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.mailbox_for(_person(request)), 25).get_page(request.GET.get("page"))
    return render(request, "messaging/inbox.html", {"page": page})


@person_required()
@require_http_methods(["GET"])
def message_detail(request: HttpRequest, message_id: str) -> HttpResponse:
    entry = _entry(request, message_id)
    message = message_open(message=entry.message, reader=_person(request))
    thread = selectors.thread_of(message).exclude(pk=message.pk).order_by("sent_at")
    return render(
        request,
        "messaging/message.html",
        {
            "entry": entry,
            "message": message,
            "attachments": message.attachments.all(),
            "thread": thread,
            "form": ReplyForm(),
        },
    )


@person_required()
@require_POST
def reply(request: HttpRequest, message_id: str) -> HttpResponse:
    entry = _entry(request, message_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            message_reply(
                message=entry.message, reader=_person(request), body=form.cleaned_data["body"]
            )
        except DomainError as exc:
            form.add_error("body", exc.detail)
        else:
            flash.success(request, _("Your reply has been sent."))
            return redirect("messaging:message", message_id=entry.message_id)
    return render(
        request,
        "messaging/message.html",
        {
            "entry": entry,
            "message": entry.message,
            "attachments": entry.message.attachments.all(),
            "thread": [],
            "form": form,
        },
        status=400,
    )


@person_required()
def attachment(request: HttpRequest, message_id: str, attachment_id: str) -> HttpResponse:
    entry = _entry(request, message_id)
    item = Attachment.objects.filter(message=entry.message, pk=attachment_id).first()
    if item is None:
        raise Http404
    response = HttpResponse(bytes(item.content), content_type=item.content_type)
    safe = "".join(ch for ch in item.filename if ch.isalnum() or ch in "._- ") or "attachment"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@person_required()
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    pref = preference_get(person)
    contact_form = ContactPointForm(prefix="contact")
    pref_form = PreferenceForm(prefix="pref", initial=_pref_initial(pref))
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add":
            contact_form = ContactPointForm(request.POST, prefix="contact")
            if contact_form.is_valid():
                contact_point_add(
                    person=person,
                    kind=contact_form.cleaned_data["kind"],
                    value=contact_form.cleaned_data["value"],
                )
                flash.success(request, _("Contact detail added."))
                return redirect("messaging:settings")
        elif action == "remove":
            try:
                contact_point_remove(
                    person=person, contact_point_id=request.POST.get("contact_point")
                )
            except NotFound:
                raise Http404 from None
            return redirect("messaging:settings")
        elif action == "unmute":
            try:
                notifications_unmute(person=person, entry=request.POST.get("entry", ""))
            except NotFound:
                raise Http404 from None
            flash.success(request, _("Your choices have been saved."))
            return redirect("messaging:settings")
        elif action == "calendar":
            calendar_token_reset(person=person)
            return redirect("messaging:settings")
        else:
            pref_form = PreferenceForm(request.POST, prefix="pref")
            if pref_form.is_valid():
                preference_update(person=person, **pref_form.cleaned_data)
                flash.success(request, _("Your choices have been saved."))
                return redirect("messaging:settings")
        status = 400
    contacts = ContactPoint.objects.filter(person=person, is_active=True).order_by("created_at")
    return render(
        request,
        "messaging/settings.html",
        {
            "contacts": contacts,
            "contact_form": contact_form,
            "pref_form": pref_form,
            "pref": pref,
            "muted": muted_labels(pref),
            "vapid_public_key": vapid_public_key(),
        },
        status=status,
    )


def _pref_initial(pref: Preference) -> dict[str, Any]:
    chosen = [c for c in pref.channels if c != "none"] if pref.channels else None
    return {
        "channels": ["portal", "email", "sms", "push"] if chosen is None else chosen,
        "reminders": pref.reminders,
        "quiet_start": pref.quiet_start,
        "quiet_end": pref.quiet_end,
        "timezone": pref.timezone,
    }


@person_required()
def calendar(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    return render(
        request,
        "messaging/calendar.html",
        {
            "obligations": obligations_for(person, include_done=True)[:200],
            "pref": preference_get(person),
        },
    )


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed; the token is a capability for this feed only, not a sign-in."""
    pref = Preference.objects.select_related("person").filter(calendar_token=token).first()
    if pref is None:
        raise Http404
    body = ical.calendar_render(obligations_for(pref.person), name=_("Government deadlines"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
