"""Forms of the identity pages (citizen sign-in, mandates, staff sign-in)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from govdoor.core.errors import NotFound
from govdoor.identity.models import LevelOfAssurance, Person
from govdoor.identity.national_id import national_id_valid
from govdoor.identity.selectors import person_by_national_id, person_get


class DemoSignInForm(forms.Form):
    """Choose a person from the search results or type a national number, and a level."""

    person = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    national_id = forms.CharField(
        label=_("Or enter a national number"),
        required=False,
        max_length=20,
        help_text=_("9 digits"),
    )
    loa = forms.TypedChoiceField(
        label=_("Level of assurance"),
        choices=LevelOfAssurance.choices,
        coerce=int,
        widget=forms.RadioSelect,
        initial=LevelOfAssurance.SUBSTANTIAL,
        error_messages={"required": _("Choose a level of assurance.")},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen, nid = data.get("person"), (data.get("national_id") or "").strip()
        if nid:
            if not national_id_valid(nid):
                self.add_error("national_id", _("Enter a valid national number (9 digits)."))
                return data
            person = person_by_national_id(nid)
            if person is None:
                self.add_error(
                    "national_id", _("No one in the demo country has this national number.")
                )
                return data
            data["signing_in"] = person
        elif chosen:
            try:
                data["signing_in"] = person_get(chosen)
            except NotFound:
                self.add_error("national_id", _("Choose a person or enter a national number."))
        else:
            self.add_error("national_id", _("Choose a person or enter a national number."))
        return data


class ActingForForm(forms.Form):
    acting_for = forms.CharField(max_length=64)


class MandateGrantForm(forms.Form):
    representative_national_id = forms.CharField(
        label=_("National number of the person who may act for you"), max_length=20
    )
    scope = forms.CharField(
        label=_("Services they may use for you"),
        max_length=500,
        initial="*",
        help_text=_("Service codes separated by spaces, or * for all services"),
    )
    valid_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(
        label=_("Until (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_representative_national_id(self) -> Person:
        nid = self.cleaned_data["representative_national_id"].strip()
        if not national_id_valid(nid):
            raise forms.ValidationError(_("Enter a valid national number (9 digits)."))
        person = person_by_national_id(nid)
        if person is None:
            raise forms.ValidationError(_("No one is registered with this national number."))
        return person

    def clean_scope(self) -> list[str]:
        return self.cleaned_data["scope"].split()


class MandateRevokeForm(forms.Form):
    mandate = forms.CharField(max_length=64, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=300)


class StaffSignInForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class StaffOtpForm(forms.Form):
    code = forms.RegexField(
        label=_("Security code"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        help_text=_("The 6-digit code from your authenticator app"),
        error_messages={"invalid": _("Enter the 6-digit code.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)
