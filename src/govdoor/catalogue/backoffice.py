"""Back-office pages: a service owner lists, creates, edits and publishes their services.

Why 404 rather than 403 for another organisation's service: its drafts are not public, and
a service owner has no business learning which codes another organisation is preparing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from govdoor.catalogue import selectors, services
from govdoor.catalogue.models import Service
from govdoor.core.errors import DomainError, NotFound
from govdoor.identity.decorators import staff_required
from govdoor.organisations.selectors import roles_of


class ServiceForm(forms.Form):
    organisation = forms.ChoiceField(label=_l("Owning organisation"))
    code = forms.SlugField(label=_l("Code"), max_length=80)
    kind = forms.SlugField(
        label=_l("Kind (when every municipality offers its own)"), required=False
    )
    competent_level = forms.ChoiceField(
        label=_l("Level that handles cases"), choices=Service.Level.choices
    )
    name_en = forms.CharField(label=_l("Name (English)"), max_length=200)
    name_fr = forms.CharField(label=_l("Name (French)"), max_length=200, required=False)
    summary_en = forms.CharField(
        label=_l("Plain-language description (English)"), widget=forms.Textarea
    )
    summary_fr = forms.CharField(
        label=_l("Plain-language description (French)"), widget=forms.Textarea, required=False
    )
    eligibility_en = forms.CharField(label=_l("Who can apply (English)"), required=False)
    eligibility_fr = forms.CharField(label=_l("Who can apply (French)"), required=False)
    loa = forms.TypedChoiceField(
        label=_l("Level of assurance needed"),
        coerce=int,
        choices=[(1, _l("Low")), (2, _l("Substantial")), (3, _l("High"))],
    )
    sla_days = forms.IntegerField(label=_l("Processing time (days)"), min_value=1, required=False)
    fee = forms.DecimalField(
        label=_l("Fee"), min_value=Decimal("0"), max_digits=10, decimal_places=2, initial=0
    )
    legal_basis = forms.CharField(label=_l("Legal basis"), max_length=300, required=False)
    channels = forms.MultipleChoiceField(
        label=_l("Channels"), choices=Service.Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    keywords = forms.CharField(label=_l("Other words people use"), required=False)

    def __init__(self, *args: Any, organisations: list[Any], editing: bool = False, **kw: Any):
        super().__init__(*args, **kw)
        owner_field = self.fields["organisation"]
        assert isinstance(owner_field, forms.ChoiceField)
        owner_field.choices = [(o.code, o.name) for o in organisations]
        if editing:
            del self.fields["organisation"]
            del self.fields["code"]


def _owned_organisations(request: HttpRequest) -> list[Any]:
    return [r.organisation for r in roles_of(request.user) if r.role == services.SERVICE_OWNER]


def _owned_service(request: HttpRequest, code: str) -> Service:
    try:
        service = selectors.service_get(code, published_only=False)
    except NotFound:
        raise Http404 from None
    if service.owner_id not in {o.pk for o in _owned_organisations(request)}:
        raise Http404
    return service


@staff_required
def service_list(request: HttpRequest) -> HttpResponse:
    organisations = _owned_organisations(request)
    context = {
        "organisations": organisations,
        "services": selectors.services_of_organisations(o.pk for o in organisations),
    }
    return render(request, "catalogue/backoffice/list.html", context)


def _apply(form: ServiceForm, save: Any) -> Service | None:
    try:
        return save()  # type: ignore[no-any-return]
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.detail)
        return None


@staff_required
def service_new(request: HttpRequest) -> HttpResponse:
    organisations = _owned_organisations(request)
    if not organisations:
        raise Http404
    form = ServiceForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        owner = next(o for o in organisations if o.code == values.pop("organisation"))
        code = values.pop("code")
        service = _apply(
            form,
            lambda: services.service_create(
                user=request.user, owner=owner, code=code, values=values
            ),
        )
        if service is not None:
            messages.success(request, _("The service was saved as a draft."))
            return HttpResponseRedirect(reverse("catalogue:bo-edit", args=[service.code]))
    return render(request, "catalogue/backoffice/form.html", {"form": form, "service": None})


@staff_required
def service_edit(request: HttpRequest, code: str) -> HttpResponse:
    service = _owned_service(request, code)
    initial = {f: getattr(service, f) for f in services.EDITABLE}
    form = ServiceForm(
        request.POST or None, initial=initial, organisations=[service.owner], editing=True
    )
    if request.method == "POST" and form.is_valid():
        saved = _apply(
            form,
            lambda: services.service_update(
                user=request.user, service=service, values=form.cleaned_data
            ),
        )
        if saved is not None:
            if saved.status == Service.Status.PUBLISHED:
                messages.success(request, _("Your changes are published as a new version."))
            else:
                messages.success(request, _("Your changes were saved as a draft."))
            return HttpResponseRedirect(reverse("catalogue:bo-edit", args=[saved.code]))
    return render(request, "catalogue/backoffice/form.html", {"form": form, "service": service})


@require_POST
@staff_required
def service_publish(request: HttpRequest, code: str) -> HttpResponse:
    service = _owned_service(request, code)
    services.service_publish(user=request.user, service=service)
    messages.success(request, _("The service is published."))
    return HttpResponseRedirect(reverse("catalogue:bo-list"))
