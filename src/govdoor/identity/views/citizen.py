"""Citizen sign-in pages: choose a provider, the demo IdP, sign out, whom I act for."""

from __future__ import annotations

from django.contrib.auth import logout
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govdoor.core.errors import DomainError
from govdoor.identity.decorators import SESSION_ACTING_FOR, person_required, session_loa
from govdoor.identity.forms import ActingForForm, DemoSignInForm
from govdoor.identity.models import LevelOfAssurance
from govdoor.identity.providers import enabled_idps, idp_enabled
from govdoor.identity.selectors import mandate_for, mandates_held, persons_search
from govdoor.identity.services import user_for_person
from govdoor.identity.signin import citizen_sign_in, requested_loa, safe_next

DEMO_PAGE_SIZE = 20


@require_GET
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, request.GET.get("next"))
    loa = requested_loa(request.GET.get("loa"))
    current = session_loa(request)
    providers = [
        {"provider": p, "url": p.start_url(next_url=next_url, loa=loa)}
        for p in enabled_idps()
        if p.max_loa >= loa
    ]
    return render(
        request,
        "identity/sign_in.html",
        {
            "providers": providers,
            "loa": LevelOfAssurance(loa),
            "step_up": bool(current) and current < loa,
            "current_loa": LevelOfAssurance(current) if current else None,
        },
    )


@require_http_methods(["GET", "POST"])
def sign_in_demo(request: HttpRequest) -> HttpResponse:
    if not idp_enabled("demo"):
        raise Http404
    params = request.POST if request.method == "POST" else request.GET
    query = (params.get("q") or "").strip()[:100]
    next_url = safe_next(request, params.get("next"))
    # On GET `loa` is what the page needs; on POST that travels as `required_loa`.
    loa = requested_loa(params.get("required_loa" if request.method == "POST" else "loa"))
    if request.method == "POST":
        form = DemoSignInForm(request.POST)
        if form.is_valid():
            chosen = form.cleaned_data["loa"]
            if chosen < loa:
                form.add_error("loa", _("This page needs a higher level of assurance."))
            else:
                user = user_for_person(person=form.cleaned_data["signing_in"])
                citizen_sign_in(request, user=user, loa=chosen, idp="demo")
                return HttpResponseRedirect(next_url)
    else:
        form = DemoSignInForm(initial={"next": next_url, "loa": max(loa, 2)})
    page = None
    if query:
        page = Paginator(persons_search(query), DEMO_PAGE_SIZE).get_page(params.get("page"))
    return render(
        request,
        "identity/sign_in_demo.html",
        {
            "form": form,
            "q": query,
            "page": page,
            "next_url": next_url,
            "loa": loa,
            "chosen_person": str(params.get("person") or ""),
        },
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect("/")


@require_http_methods(["GET", "POST"])
@person_required()
def acting_for(request: HttpRequest) -> HttpResponse:
    person = request.user.person  # type: ignore[union-attr]
    assert person is not None
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    error, status = None, 200
    if request.method == "POST":
        form = ActingForForm(request.POST)
        if form.is_valid():
            choice = form.cleaned_data["acting_for"]
            if choice == "myself":
                request.session.pop(SESSION_ACTING_FOR, None)
                return HttpResponseRedirect(next_url)
            try:
                mandate = mandate_for(representative=person, mandate_id=choice)
            except DomainError as exc:
                error, status = exc.detail, exc.status_code
            else:
                request.session[SESSION_ACTING_FOR] = str(mandate.pk)
                return HttpResponseRedirect(next_url)
        else:
            error, status = _("Choose whom you act for."), 400
    current = request.session.get(SESSION_ACTING_FOR)
    return render(
        request,
        "identity/acting_for.html",
        {
            "mandates": list(mandates_held(person)),
            "current": current,
            "error": error,
            "next_url": next_url,
        },
        status=status,
    )
