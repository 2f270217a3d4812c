"""Portal pages of the rules domain: the anonymous entitlement calculator, and a person's
own decision with its full trace (linked from the case page, and from an appeal's)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from govdoor.core.errors import DomainError, NotFound
from govdoor.identity.decorators import person_required
from govdoor.rules import selectors
from govdoor.rules.calculator import CheckForm, check


@never_cache
def check_entitlement(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: the result and why, on the same page; nothing is kept."""
    result = None
    errors: list[str] = []
    form = CheckForm(request.POST or None, initial={"other_adults": 0})
    if request.method == "POST" and form.is_valid():
        try:
            result = check(form.cleaned_data, (get_language() or "en")[:2])
        except DomainError as exc:
            errors.append(exc.detail)
    status = 400 if request.method == "POST" and (form.errors or errors) else 200
    return render(
        request,
        "rules/check.html",
        {"form": form, "result": result, "extra_errors": errors},
        status=status,
    )


@person_required()
def my_decision(request: HttpRequest, decision_id: str) -> HttpResponse:
    """The person's own decision: the explanation and the full calculation trace."""
    from govdoor.cases.selectors import case_for_person

    decision = selectors.decision_get_or_none(decision_id)
    person = getattr(request.user, "person", None)
    if decision is None or person is None:
        raise Http404
    try:
        case = case_for_person(person=person, case_id=decision.case_id)
    except NotFound:
        raise Http404 from None
    language = (get_language() or "en")[:2]
    return render(
        request,
        "rules/my_decision.html",
        {
            "decision": decision,
            "case": case,
            "explanation": selectors.decision_explanation(decision=decision, language=language),
            "trace": decision.trace.get("nodes", []),
        },
    )
