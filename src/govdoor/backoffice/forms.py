"""Back-office forms: they check shapes; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from govdoor.organisations import selectors
from govdoor.organisations.models import Organisation, StaffRole


class SwitchOrganisationForm(forms.Form):
    organisation = forms.UUIDField()
    next = forms.CharField(required=False, max_length=500)


class GrantRoleForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        error_messages={"required": _("Enter the username of the person")},
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", _("Choose a role")), *StaffRole.Role.choices],
        error_messages={"required": _("Choose a role"), "invalid_choice": _("Choose a role")},
    )


class RevokeRoleForm(forms.Form):
    user = forms.UUIDField()
    role = forms.ChoiceField(choices=StaffRole.Role.choices)


class OrganisationFilterForm(forms.Form):
    search = forms.CharField(label=_("Search by name or code"), required=False, max_length=100)
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("All levels")), *Organisation.Level.choices],
    )


class OnboardMunicipalityForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the municipality"),
        max_length=200,
        error_messages={"required": _("Enter the name of the municipality")},
    )
    code = forms.CharField(
        label=_("Organisation code"),
        help_text=_("Lowercase letters, digits and hyphens, for example riverton"),
        max_length=64,
        error_messages={"required": _("Enter an organisation code")},
    )
    area_name = forms.CharField(
        label=_("Name of the area"),
        max_length=200,
        error_messages={"required": _("Enter the name of the area")},
    )
    area_code = forms.CharField(
        label=_("Area code"),
        help_text=_("The official code of the municipality's territory"),
        max_length=32,
        error_messages={"required": _("Enter an area code")},
    )
    region_code = forms.ChoiceField(
        label=_("Region"),
        error_messages={"required": _("Choose a region"), "invalid_choice": _("Choose a region")},
    )
    admin_username = forms.CharField(
        label=_("Username of the first administrator"),
        max_length=150,
        error_messages={"required": _("Enter a username for the first administrator")},
    )
    admin_email = forms.EmailField(
        label=_("Email address of the first administrator"),
        error_messages={
            "required": _("Enter an email address for the first administrator"),
            "invalid": _("Enter an email address in the correct format, like name@example.org"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["region_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Choose a region"))] + [
            (area.code, area.name) for area in selectors.regions_list()
        ]
