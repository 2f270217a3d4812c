"""Back-office pages: dead letters (with a retry button) and the status of sent messages."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govdoor.core.errors import DomainError
from govdoor.identity.agency import request_organisation
from govdoor.identity.decorators import staff_required
from govdoor.messaging import selectors
from govdoor.messaging.notify import notification_retry


def _org(request: HttpRequest):  # type: ignore[no-untyped-def]
    org = request_organisation(request)
    if org is None:
        raise Http404
    return org


@staff_required
def dead_letters(request: HttpRequest) -> HttpResponse:
    org = _org(request)
    page = Paginator(selectors.dead_letters(org), 50).get_page(request.GET.get("page"))
    return render(request, "messaging/backoffice/dead_letters.html", {"page": page, "org": org})


@staff_required
@require_POST
def retry(request: HttpRequest, notification_id: str) -> HttpResponse:
    try:
        notification_retry(notification_id=notification_id, organisation=_org(request))
    except DomainError as exc:
        if exc.status_code == 404:
            raise Http404 from None
        flash.error(request, exc.detail)
    else:
        flash.success(request, _("The notification is queued again."))
    return redirect("messaging:dead-letters")


@staff_required
def sent(request: HttpRequest) -> HttpResponse:
    org = _org(request)
    page = Paginator(selectors.messages_sent_by(org), 50).get_page(request.GET.get("page"))
    return render(request, "messaging/backoffice/sent.html", {"page": page, "org": org})
