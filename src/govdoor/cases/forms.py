"""Forms of the case pages; fields are named like the services' arguments, so a service's
DomainError lands next to its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _l

from govdoor.cases.models import CaseStatus, Outcome

STATUS_CHOICES = [
    ("open", _l("Open (work to do)")),
    *[(value, label) for value, label in CaseStatus.choices],
    ("all", _l("All")),
]
ASSIGNEE_CHOICES = [
    ("anyone", _l("Anyone")),
    ("me", _l("Assigned to me")),
    ("unassigned", _l("Not assigned")),
]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_l("Status"), choices=STATUS_CHOICES, required=False)
    service = forms.ChoiceField(label=_l("Service"), required=False)
    assignee = forms.ChoiceField(label=_l("Assigned to"), choices=ASSIGNEE_CHOICES, required=False)
    overdue = forms.BooleanField(label=_l("Only overdue cases"), required=False)
    q = forms.CharField(
        label=_l("Reference"),
        help_text=_l("The start of a case reference, for example GD-2026-0001"),
        max_length=40,
        required=False,
    )

    def __init__(self, *args: Any, services: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _l("All services"))] + [(str(s.pk), s.name) for s in services]


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_l("Decision"),
        choices=[(v, label) for v, label in Outcome.choices if v],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_l("Reasons"),
        help_text=_l("The person reads this in their decision letter: write in plain words."),
        widget=forms.Textarea,
        max_length=10_000,
    )


class InformationRequestForm(forms.Form):
    request_text = forms.CharField(
        label=_l("What do you need from the person?"),
        widget=forms.Textarea,
        max_length=10_000,
    )
    due_on = forms.DateField(
        label=_l("Answer needed by"),
        help_text=_l("For example 2026-12-31"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_l("Note"), widget=forms.Textarea, max_length=10_000)


class InformationReceivedForm(forms.Form):
    note = forms.CharField(
        label=_l("What was received, and how"),
        widget=forms.Textarea,
        max_length=10_000,
        required=False,
    )


class RouteForm(forms.Form):
    organisation = forms.ChoiceField(label=_l("Send the case to"))
    note = forms.CharField(label=_l("Why this organisation"), max_length=500, required=False)

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(o.pk), o.name) for o in organisations]


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_l("Why do you disagree with the decision?"),
        help_text=_l("Say what you think is wrong and what you would like instead."),
        widget=forms.Textarea,
        max_length=10_000,
    )
