"""The person's pages: their cases (or those of whom they act for), a case, an appeal.

Whose cases: the signed-in person's own, or, when acting under a mandate, the represented
person's or business's cases for the services the mandate covers. Anyone else's case is 404.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from govdoor.cases import explain, selectors, services
from govdoor.cases.forms import AppealForm
from govdoor.cases.models import Case
from govdoor.core.errors import DomainError, NotFound
from govdoor.core.ids import uuid_or_none
from govdoor.identity.decorators import person_required

PAGE_SIZE = 20


def _scoped(request: HttpRequest, cases: QuerySet[Case]) -> QuerySet[Case]:
    acting = getattr(request, "acting_for", None)
    if acting is None:
        return cases
    scope = acting.mandate.scope or []
    return cases if "*" in scope or "cases" in scope else cases.filter(service__code__in=scope)


def subject_cases(request: HttpRequest) -> QuerySet[Case]:
    """The cases this page may show: own, or those of whom the person acts for."""
    acting = getattr(request, "acting_for", None)
    if acting is None:
        return selectors.cases_of_person_id(person_id=request.user.person_id)  # type: ignore[union-attr]
    if acting.kind == "business":
        return _scoped(request, selectors.cases_of_business(business_id=acting.id))
    return _scoped(request, selectors.cases_of_person_id(person_id=acting.id))


def _subject_case(request: HttpRequest, case_id: Any) -> Case:
    pk = uuid_or_none(case_id)
    case = subject_cases(request).select_related("parent").filter(pk=pk).first() if pk else None
    if case is None:
        raise Http404
    return case


@person_required()
@require_GET
def my_cases(request: HttpRequest) -> HttpResponse:
    page = Paginator(subject_cases(request), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(case, explain.person_view(case)) for case in page.object_list]
    return render(
        request,
        "cases/my_cases.html",
        {"page": page, "rows": rows, "acting_for": getattr(request, "acting_for", None)},
    )


def _letters(case: Case) -> list[Any]:
    from govdoor.letters.selectors import letters_of_case

    return list(letters_of_case(case_id=case.pk))


@person_required()
@require_GET
def my_case(request: HttpRequest, case_id: str) -> HttpResponse:
    case = _subject_case(request, case_id)
    appeals = list(Case.objects.filter(parent=case).only("id", "reference", "status"))
    return render(
        request,
        "cases/my_case.html",
        {
            "case": case,
            "view": explain.person_view(case),
            "answers": explain.answer_rows(case),
            "letters": _letters(case),
            "can_appeal": explain.can_appeal(case),
            "appeals": appeals,
            "decision": explain.rule_decision(case) if case.decided_at else None,
            "acting_for": getattr(request, "acting_for", None),
        },
    )


@person_required()
@require_http_methods(["GET", "POST"])
def my_case_appeal(request: HttpRequest, case_id: str) -> HttpResponse:
    case = _subject_case(request, case_id)
    if not explain.can_appeal(case):
        existing = case.appeals.first()
        if existing is not None:
            return HttpResponseRedirect(reverse("cases:mine-detail", args=[existing.pk]))
        raise Http404
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal = services.case_appeal(
                case=case,
                reason=form.cleaned_data["reason"],
                appealed_by=request.user,  # type: ignore[arg-type]
            )
        except (DomainError, NotFound) as error:
            form.add_error(
                "reason" if error.field in (None, "reason", "status") else None, error.detail
            )
        else:
            return HttpResponseRedirect(
                reverse("cases:mine-detail", args=[appeal.pk]) + "?appealed=1"
            )
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "cases/my_case_appeal.html",
        {"case": case, "form": form, "title": _("Appeal against the decision")},
        status=status,
    )
