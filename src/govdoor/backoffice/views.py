"""Back-office pages for staff (views only translate; the organisations services decide).

Every page works on the organisation chosen in the switcher (`context.current_organisation`);
a person who holds no role there cannot choose it. The staff pages also exist per
organisation (/backoffice/organisations/<id>/staff/) for administrators of a parent, who
administer the organisations below theirs without holding a role in each.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govdoor.backoffice.context import backoffice_context, current_organisation, render_backoffice
from govdoor.backoffice.forms import (
    GrantRoleForm,
    OnboardMunicipalityForm,
    OrganisationFilterForm,
    RevokeRoleForm,
    SwitchOrganisationForm,
)
from govdoor.core.errors import DomainError, NotFound, Refused
from govdoor.identity.agency import SESSION_ORGANISATION_KEY
from govdoor.identity.decorators import staff_required
from govdoor.identity.signin import safe_next
from govdoor.organisations import selectors, services
from govdoor.organisations.models import Organisation, StaffRole

PAGE_SIZE = 25


def _page(request: HttpRequest, items: Any, per_page: int = PAGE_SIZE) -> Page[Any]:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def _attach_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal next to the field it names (or at the top of the form).

    Form fields are named like the services' keyword arguments, so `error.field` matches.
    """
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.detail)


def _required_organisation(request: HttpRequest) -> Organisation:
    organisation = current_organisation(request)
    if organisation is None:  # staff_required lets only people with a role through
        raise PermissionDenied
    return organisation


@require_GET
@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    organisation = _required_organisation(request)
    roles = [r for r in selectors.roles_of(request.user) if r.organisation_id == organisation.pk]
    return render_backoffice(
        request,
        "backoffice/dashboard.html",
        {
            "my_roles": roles,
            "staff_count": selectors.organisation_staff(organisation).count(),
            "children": selectors.organisation_children(organisation),
            "jurisdictions": selectors.organisation_jurisdictions(organisation),
        },
    )


@require_POST
@staff_required
def organisation_switch(request: HttpRequest) -> HttpResponse:
    form = SwitchOrganisationForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied(_("Choose one of your organisations."))
    chosen = form.cleaned_data["organisation"]
    if not any(o.pk == chosen for o in selectors.staff_organisations(request.user)):
        raise PermissionDenied(_("You have no role in this organisation."))
    request.session[SESSION_ORGANISATION_KEY] = str(chosen)
    target = safe_next(request, form.cleaned_data.get("next"), reverse("backoffice:dashboard"))
    return HttpResponseRedirect(target)


def _staff_target(request: HttpRequest, organisation_id: str | None) -> tuple[Organisation, bool]:
    """The organisation whose staff is shown, and whether the user administers it.

    Without an id: the organisation chosen in the switcher. With one: any organisation the
    user holds a role in, or administers through a parent (so a region can repair a
    municipality whose last administrator has left).
    """
    if organisation_id is None:
        return _required_organisation(request), backoffice_context(request)["is_admin"]
    try:
        organisation = selectors.organisation_get(organisation_id)
    except NotFound as missing:
        raise Http404(missing.detail) from missing
    is_admin = selectors.user_has_role(request.user, organisation, StaffRole.Role.ADMIN)
    if not is_admin and not selectors.user_has_any_role(request.user, organisation):
        raise PermissionDenied(_("You have no role in this organisation."))
    return organisation, is_admin


def _staff_urls(organisation_id: str | None) -> dict[str, str]:
    if organisation_id is None:
        names, args = ("staff", "staff-grant", "staff-revoke"), []
    else:
        names = ("organisation-staff", "organisation-staff-grant", "organisation-staff-revoke")
        args = [organisation_id]
    keys = ("list", "grant", "revoke")
    return {k: reverse(f"backoffice:{n}", args=args) for k, n in zip(keys, names, strict=True)}


def _staff_page(
    request: HttpRequest,
    organisation_id: str | None,
    *,
    grant_form: GrantRoleForm | None = None,
    revoke_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    organisation, is_admin = _staff_target(request, organisation_id)
    return render_backoffice(
        request,
        "backoffice/staff.html",
        {
            "organisation": organisation,
            "can_manage": is_admin,
            "staff_urls": _staff_urls(organisation_id),
            "page": _page(request, selectors.organisation_staff(organisation)),
            "grant_form": grant_form or (GrantRoleForm() if is_admin else None),
            "revoke_errors": revoke_errors or [],
        },
        status=status,
    )


@require_GET
@staff_required
def staff_list(request: HttpRequest, organisation_id: str | None = None) -> HttpResponse:
    return _staff_page(request, organisation_id)


@require_POST
@staff_required
def staff_grant(request: HttpRequest, organisation_id: str | None = None) -> HttpResponse:
    organisation, is_admin = _staff_target(request, organisation_id)
    if not is_admin:
        raise PermissionDenied(_("Only administrators may grant roles."))
    form = GrantRoleForm(request.POST)
    if form.is_valid():
        try:
            user = selectors.user_get_by_username(form.cleaned_data["username"])
            services.staff_role_grant(
                granted_by=request.user,
                user=user,
                organisation=organisation,
                role=form.cleaned_data["role"],
            )
        except Refused as refused:
            raise PermissionDenied(refused.detail) from refused
        except DomainError as error:
            _attach_error(form, error)
        else:
            messages.success(request, _("The role has been granted."))
            return redirect(_staff_urls(organisation_id)["list"])
    return _staff_page(request, organisation_id, grant_form=form, status=400)


@require_POST
@staff_required
def staff_revoke(request: HttpRequest, organisation_id: str | None = None) -> HttpResponse:
    organisation, is_admin = _staff_target(request, organisation_id)
    if not is_admin:
        raise PermissionDenied(_("Only administrators may revoke roles."))
    form = RevokeRoleForm(request.POST)
    if not form.is_valid():
        errors = [_("Choose a role to revoke.")]
        return _staff_page(request, organisation_id, revoke_errors=errors, status=400)
    try:
        services.staff_role_revoke(
            revoked_by=request.user,
            user=selectors.user_get(form.cleaned_data["user"]),
            organisation=organisation,
            role=form.cleaned_data["role"],
        )
    except Refused as refused:
        raise PermissionDenied(refused.detail) from refused
    except DomainError as error:
        return _staff_page(request, organisation_id, revoke_errors=[error.detail], status=400)
    messages.success(request, _("The role has been revoked."))
    return redirect(_staff_urls(organisation_id)["list"])


@require_GET
@staff_required
def organisations_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    organisations = selectors.organisations_list(
        level=filters.get("level") or None, search=filters.get("search") or None
    )
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render_backoffice(
        request,
        "backoffice/organisations.html",
        {
            "form": form,
            "page": _page(request, organisations),
            "filter_query": urlencode({k: v for k, v in filters.items() if v}),
        },
        status=status,
    )


@require_GET
@staff_required
def organisation_detail(request: HttpRequest, organisation_id: str) -> HttpResponse:
    try:
        organisation = selectors.organisation_get(organisation_id)
    except NotFound as missing:
        raise Http404(missing.detail) from missing
    return render_backoffice(
        request,
        "backoffice/organisation_detail.html",
        {
            "organisation": organisation,
            "can_manage_staff": selectors.user_has_role(
                request.user, organisation, StaffRole.Role.ADMIN
            ),
            "children": selectors.organisation_children(organisation),
            "jurisdictions": selectors.organisation_jurisdictions(organisation),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def onboard(request: HttpRequest) -> HttpResponse:
    if not backoffice_context(request)["can_onboard"]:
        raise PermissionDenied(
            _("Only administrators of a central or regional organisation may onboard.")
        )
    form = OnboardMunicipalityForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            result = services.municipality_onboard(actor=request.user, **form.cleaned_data)
        except Refused as refused:
            raise PermissionDenied(refused.detail) from refused
        except DomainError as error:
            _attach_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s has been onboarded.") % {"name": result.organisation.name},
            )
            return redirect("backoffice:organisation", organisation_id=result.organisation.pk)
    status = 400 if form.is_bound else 200
    return render_backoffice(request, "backoffice/onboard.html", {"form": form}, status=status)
