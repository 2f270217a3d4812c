"""Forms of the messaging pages (portal settings, replies, the public checker)."""

from __future__ import annotations

import json
import re
import zoneinfo
from typing import Any

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from govdoor.messaging.models import ContactPoint

PHONE = re.compile(r"^\+[1-9][0-9]{6,14}$")


class ContactPointForm(forms.Form):
    kind = forms.ChoiceField(label=_("How should we reach you?"), choices=ContactPoint.Kind.choices)
    value = forms.CharField(
        label=_("Email address or mobile number (with country code)"), max_length=4000
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, value = data.get("kind"), (data.get("value") or "").strip()
        if kind == ContactPoint.Kind.EMAIL:
            try:
                validate_email(value)
            except forms.ValidationError:
                self.add_error("value", _("Enter an email address like name@example.org"))
        elif kind == ContactPoint.Kind.SMS:
            value = value.replace(" ", "")
            if not PHONE.match(value):
                self.add_error("value", _("Enter a mobile number like +32 470 12 34 56"))
        elif kind == ContactPoint.Kind.PUSH:
            try:
                sub = json.loads(value)
                ok = (
                    sub["endpoint"].startswith("https://")
                    and sub["keys"]["p256dh"]
                    and sub["keys"]["auth"]
                )
            except (ValueError, KeyError, TypeError, AttributeError):
                ok = False
            if not ok:
                self.add_error("value", _("This device did not give a valid subscription."))
        data["value"] = value
        return data


class PreferenceForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label=_("Tell me about new messages by"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[("portal", _("A notice in govdoor")), *ContactPoint.Kind.choices],
    )
    reminders = forms.BooleanField(label=_("Send me deadline reminders"), required=False)
    quiet_start = forms.TimeField(
        label=_("Quiet hours from"), required=False, help_text=_("For example 22:00")
    )
    quiet_end = forms.TimeField(
        label=_("Quiet hours until"), required=False, help_text=_("For example 07:00")
    )
    timezone = forms.CharField(label=_("Time zone"), max_length=64, initial="UTC")

    def clean_timezone(self) -> str:
        value = self.cleaned_data["timezone"].strip()
        if value not in zoneinfo.available_timezones():
            raise forms.ValidationError(_("Enter a time zone like Europe/Brussels"))
        return value


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), max_length=10000, widget=forms.Textarea)


class CheckForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"), max_length=40, help_text=_("It looks like 7K3M-Q9TX-2B")
    )
