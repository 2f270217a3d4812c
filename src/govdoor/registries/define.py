"""Back office: a register keeper defines a register (the API's `POST /registers` as a form)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govdoor.core.errors import DomainError
from govdoor.identity.decorators import staff_required
from govdoor.registries import services
from govdoor.registries.api.caller import caller_from
from govdoor.registries.models import Register
from govdoor.registries.schema import SchemaViolation
from govdoor.registries.selectors import KEEPER_ROLE


def _names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


class RegisterForm(forms.Form):
    code = forms.SlugField(max_length=64, label=gettext_lazy("Code"))
    version = forms.CharField(max_length=20, initial="1.0", label=gettext_lazy("Version"))
    name = forms.CharField(max_length=200, label=gettext_lazy("Name"))
    description = forms.CharField(
        required=False, widget=forms.Textarea, label=gettext_lazy("Description")
    )
    json_schema = forms.CharField(widget=forms.Textarea, label=gettext_lazy("JSON Schema"))
    personal_fields = forms.CharField(required=False, label=gettext_lazy("Personal fields"))
    indexed_fields = forms.CharField(required=False, label=gettext_lazy("Searchable personal"))
    subject_field = forms.CharField(
        required=False, max_length=100, label=gettext_lazy("Subject field")
    )
    subject_kind = forms.ChoiceField(
        choices=Register.SubjectKind.choices,
        initial=Register.SubjectKind.NONE,
        label=gettext_lazy("Subject kind"),
    )
    key_field = forms.CharField(required=False, max_length=100, label=gettext_lazy("Key field"))
    retention_days = forms.IntegerField(
        required=False, min_value=1, label=gettext_lazy("Retention (days)")
    )

    def clean_json_schema(self) -> Any:
        try:
            return json.loads(self.cleaned_data["json_schema"])
        except ValueError:
            raise forms.ValidationError(_("This is not valid JSON.")) from None

    def definition(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["personal_fields"] = _names(data["personal_fields"])
        data["indexed_fields"] = _names(data["indexed_fields"])
        return data


@staff_required
def register_define(request: HttpRequest) -> HttpResponse:
    """Only a register keeper (of the organisation they act for) defines registers."""
    caller = caller_from(request)
    if caller.organisation is None or KEEPER_ROLE not in caller.roles:
        return render(request, "registries/define.html", {"refused": True}, status=403)
    form = RegisterForm(request.POST or None)
    summary, problems = "", []
    if request.method == "POST" and form.is_valid():
        try:
            register = services.register_create(
                organisation=caller.organisation, **form.definition()
            )
        except SchemaViolation as exc:
            summary, problems = exc.detail, exc.errors
        except DomainError as exc:
            summary = exc.detail
        else:
            return HttpResponseRedirect(
                reverse("registries:detail", args=[register.code, register.version])
            )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "registries/define.html",
        {"form": form, "summary": summary, "problems": problems},
        status=status,
    )
