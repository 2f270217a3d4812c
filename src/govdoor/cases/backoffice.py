"""Back-office pages: the case worker's queue, a case, and the actions on it.

Everything works on the organisation chosen in the back-office switcher; another
organisation's case answers 404. Case work is need-to-know: a case worker (or an
administrator, for the triage desk) of that organisation. Every view of a case's personal
data is ledgered in the same transaction as the page (fail closed).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from govdoor.backoffice.context import current_organisation, render_backoffice
from govdoor.cases import explain, selectors, services
from govdoor.cases.forms import (
    DecideForm,
    InformationReceivedForm,
    InformationRequestForm,
    NoteForm,
    QueueFilterForm,
    RouteForm,
)
from govdoor.cases.models import Case, CaseStatus
from govdoor.cases.notices import LEGAL_BASIS
from govdoor.core.errors import DomainError, NotFound
from govdoor.identity.decorators import staff_required
from govdoor.organisations.models import Organisation, StaffRole

PAGE_SIZE = 25
CASE_ROLES = (StaffRole.Role.CASE_WORKER, StaffRole.Role.ADMIN)


def _organisation(request: HttpRequest) -> Organisation:
    organisation = current_organisation(request)
    if organisation is None:
        raise PermissionDenied
    user: Any = request.user
    if not StaffRole.objects.filter(
        user=user, organisation=organisation, role__in=CASE_ROLES
    ).exists():
        raise PermissionDenied(_("Case work needs the case worker role in this organisation."))
    return organisation


def _case(request: HttpRequest, organisation: Organisation, case_id: Any) -> Case:
    user: Any = request.user
    try:
        return selectors.case_for_staff(user=user, organisation=organisation, case_id=case_id)
    except NotFound:
        raise Http404 from None


@require_GET
@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    form = QueueFilterForm(request.GET or None, services=selectors.queue_services(organisation))
    filters = selectors.QueueFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            filters = selectors.QueueFilter(
                status=data["status"] or "open",
                service=data["service"] or None,
                assignee=data["assignee"] or "anyone",
                overdue=bool(data["overdue"]),
                q=data["q"] or "",
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.detail)
    cases = selectors.case_queue(organisation=organisation, user=request.user, filters=filters)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page"])
    return render_backoffice(
        request,
        "cases/backoffice/queue.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "org": organisation,
            "overdue_ids": {c.pk for c in page.object_list if explain.is_overdue(c)},
        },
    )


def _ledger_view(request: HttpRequest, case: Case) -> None:
    from govdoor.ledger.services import ledger_append

    ledger_append(
        subject_id=str(case.applicant_id or case.business_id),
        actor_org=case.organisation.code,
        actor_user=str(request.user.pk),
        action="read",
        purpose="case-handling",
        legal_basis=case.service.legal_basis or LEGAL_BASIS,
        fields=sorted({"name", *case.answers}),
    )


def _detail_context(request: HttpRequest, case: Case, organisation: Organisation) -> dict[str, Any]:
    from govdoor.documents.selectors import documents_shared_with
    from govdoor.letters.selectors import letters_of_case

    return {
        "case": case,
        "org": organisation,
        "answers": explain.answer_rows(case),
        "documents": list(documents_shared_with(organisation=organisation, case_id=case.pk)),
        "letters": list(letters_of_case(case_id=case.pk)),
        "history": list(selectors.case_history(case)),
        "decision": explain.rule_decision(case),
        "overdue": explain.is_overdue(case),
        "can": explain.staff_actions(case, request.user),
        "decide_form": DecideForm(),
        "info_form": InformationRequestForm(),
        "received_form": InformationReceivedForm(),
        "note_form": NoteForm(),
        "route_form": RouteForm(
            organisations=Organisation.objects.filter(is_active=True)
            .exclude(pk=organisation.pk)
            .order_by("name")
        )
        if case.status == CaseStatus.TRIAGE
        else None,
    }


@require_GET
@staff_required
def detail(request: HttpRequest, case_id: str) -> HttpResponse:
    organisation = _organisation(request)
    case = _case(request, organisation, case_id)
    with transaction.atomic():
        _ledger_view(request, case)
        context = _detail_context(request, case, organisation)
        return render_backoffice(request, "cases/backoffice/detail.html", context)


ACTIONS: dict[str, tuple[type[forms.Form] | None, str]] = {
    "assign-me": (None, "assign"),
    "unassign": (None, "unassign"),
    "start-review": (None, "start_review"),
    "request-information": (InformationRequestForm, "request_information"),
    "information-received": (InformationReceivedForm, "information_received"),
    "decide": (DecideForm, "decide"),
    "note": (NoteForm, "note"),
    "route": (RouteForm, "route"),
    "close": (None, "close"),
}


def _run(action: str, case: Case, user: Any, data: dict[str, Any]) -> str:
    if action == "assign":
        services.case_assign(case=case, assignee=user, by=user)
        return _("The case is now assigned to you.")
    if action == "unassign":
        services.case_assign(case=case, assignee=None, by=user)
        return _("The case is back in the team's queue.")
    if action == "start_review":
        services.case_start_review(case=case, by=user)
        return _("Review started.")
    if action == "request_information":
        services.case_request_information(
            case=case, by=user, request_text=data["request_text"], due_on=data["due_on"]
        )
        return _("The request was sent to the person's mailbox.")
    if action == "information_received":
        services.case_information_received(case=case, by=user, note=data.get("note", ""))
        return _("The information is recorded; the case is back in review.")
    if action == "decide":
        services.case_decide(
            case=case, outcome=data["outcome"], reason=data["reason"], decided_by=user
        )
        return _("The decision was made and the signed letter sent.")
    if action == "note":
        services.case_note_add(case=case, author=user, text=data["text"])
        return _("Note added.")
    if action == "route":
        target = Organisation.objects.filter(pk=data["organisation"], is_active=True).first()
        if target is None:
            raise DomainError(_("Choose an organisation."), field="organisation")
        services.case_route(case=case, organisation=target, routed_by=user, note=data["note"])
        return _("The case was sent to %(org)s.") % {"org": target.name}
    services.case_close(case=case, by=user)
    return _("The case is closed.")


@require_POST
@staff_required
def act(request: HttpRequest, case_id: str, action: str) -> HttpResponse:
    organisation = _organisation(request)
    case = _case(request, organisation, case_id)
    if action not in ACTIONS:
        raise Http404
    form_class, name = ACTIONS[action]
    form: forms.Form | None = None
    if form_class is RouteForm:
        form = RouteForm(request.POST, organisations=Organisation.objects.filter(is_active=True))
    elif form_class is not None:
        form = form_class(request.POST)
    if form is None or form.is_valid():
        try:
            done = _run(name, case, request.user, form.cleaned_data if form else {})
        except DomainError as error:
            if form is None:
                messages.error(request, error.detail)
                return HttpResponseRedirect(reverse("cases:bo-detail", args=[case.pk]))
            form.add_error(error.field if error.field in form.fields else None, error.detail)
        else:
            messages.success(request, done)
            if name == "route":  # no longer this organisation's case
                return HttpResponseRedirect(reverse("cases:bo-queue"))
            return HttpResponseRedirect(reverse("cases:bo-detail", args=[case.pk]))
    with transaction.atomic():
        _ledger_view(request, case)
        context = _detail_context(request, case, organisation)
        context[_form_key(action)] = form
        context["failed_action"] = action
        return render_backoffice(request, "cases/backoffice/detail.html", context, status=400)


def _form_key(action: str) -> str:
    return {
        "request-information": "info_form",
        "information-received": "received_form",
        "decide": "decide_form",
        "note": "note_form",
        "route": "route_form",
    }.get(action, "form")
