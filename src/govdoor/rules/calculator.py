"""The portal's "check what you may be entitled to" calculator: a form to a situation.

Anonymous and stateless: the form's answers become an OpenFisca situation, are calculated
with the version in force, and are shown back with the explanation. Nothing is stored, no
register is read, and nobody is identified.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _l

from govdoor.rules import engine, explain, selectors

BENEFITS = {
    "child_benefit": (_l("Child benefit"), "month"),
    "housing_allowance": (_l("Housing allowance"), "month"),
    "property_tax_rebate": (_l("Property tax rebate"), "year"),
    "startup_grant": (_l("Business start-up grant"), "once"),
}
SECTORS = [
    ("manufacturing", _l("Manufacturing")),
    ("crafts", _l("Crafts and trades")),
    ("digital", _l("Digital services")),
    ("retail", _l("Retail")),
    ("finance", _l("Finance and insurance")),
]
ZERO, MAX = Decimal("0"), Decimal("1000000")


class CheckForm(forms.Form):
    benefit = forms.ChoiceField(
        label=_l("What do you want to check?"),
        choices=[(k, v[0]) for k, v in BENEFITS.items()],
        widget=forms.RadioSelect,
    )
    age = forms.IntegerField(label=_l("Your age"), min_value=16, max_value=120)
    household_income = forms.DecimalField(
        label=_l("Income of your household per month, before tax"),
        min_value=ZERO,
        max_value=MAX,
        decimal_places=2,
    )
    children_ages = forms.CharField(
        label=_l("Ages of the children living with you"),
        help_text=_l("Separate them with commas, for example 4, 9. Leave empty if none."),
        required=False,
        max_length=100,
    )
    other_adults = forms.IntegerField(
        label=_l("Other adults living with you"), min_value=0, max_value=10, initial=0
    )
    rent = forms.DecimalField(
        label=_l("Rent per month"), required=False, min_value=ZERO, max_value=MAX, decimal_places=2
    )
    property_tax = forms.DecimalField(
        label=_l("Property tax for the year"),
        required=False,
        min_value=ZERO,
        max_value=MAX,
        decimal_places=2,
    )
    business_sector = forms.ChoiceField(
        label=_l("Sector of your business"), choices=SECTORS, required=False
    )
    business_age_months = forms.IntegerField(
        label=_l("Months since your business was registered"),
        min_value=0,
        max_value=1200,
        required=False,
    )
    business_employees = forms.IntegerField(
        label=_l("Employees"), min_value=0, max_value=100000, required=False
    )

    NEEDS = {
        "housing_allowance": ["rent"],
        "property_tax_rebate": ["property_tax"],
        "startup_grant": ["business_sector", "business_age_months", "business_employees"],
    }

    def clean_children_ages(self) -> list[int]:
        raw = self.cleaned_data.get("children_ages") or ""
        try:
            ages = [int(part) for part in raw.replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(_l("Enter ages as whole numbers, like 4, 9.")) from None
        if any(a < 0 or a > 30 for a in ages) or len(ages) > 15:
            raise forms.ValidationError(_l("Enter the age of each child, from 0 to 30."))
        return ages

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.NEEDS.get(data.get("benefit", ""), []):
            if data.get(name) in (None, ""):
                self.add_error(name, _l("Enter this to check this benefit."))
        return data


def situation_from_form(data: dict[str, Any], period: str) -> dict[str, Any]:
    """The household described by the form, with the chosen benefit asked for."""
    persons: dict[str, Any] = {"you": {"age": data["age"]}}
    adults: list[str] = ["you"]
    children: list[str] = []
    for i in range(data.get("other_adults") or 0):
        persons[f"adult{i + 1}"] = {"age": 40}
        (adults if len(adults) < 2 else children).append(f"adult{i + 1}")
    for i, age in enumerate(data["children_ages"]):
        persons[f"child{i + 1}"] = {"age": age}
        children.append(f"child{i + 1}")
    household: dict[str, Any] = {
        "adults": adults,
        "children": children,
        "household_income": float(data["household_income"]),
    }
    benefit = data["benefit"]
    if benefit == "housing_allowance":
        household["rent"] = float(data["rent"])
    if benefit == "property_tax_rebate":
        household["property_tax"] = {period[:4]: float(data["property_tax"])}
        household["household_income"] = {period: float(data["household_income"])}
    if benefit == "startup_grant":
        persons["you"].update(
            business_sector=data["business_sector"],
            business_age_months=data["business_age_months"],
            business_employees=data["business_employees"],
        )
        persons["you"]["startup_grant"] = None
    else:
        household[benefit] = {period[:4]: None} if benefit == "property_tax_rebate" else None
    return {"persons": persons, "households": {"home": household}}


def check(data: dict[str, Any], language: str) -> dict[str, Any]:
    package = engine.package_get("demoland")
    release = selectors.release_in_force(package="demoland")
    version = release.version if release else package.versions[0]
    period = engine.month_of()
    calculation = engine.calculate(
        package=package,
        version=version,
        situation=situation_from_form(data, period),
        period=period,
    )
    benefit = data["benefit"]
    value = 0.0
    for entities in calculation.values.values():
        for attrs in entities.values():
            if benefit in attrs:
                value = float(next(iter(attrs[benefit].values())))
    return {
        "benefit": BENEFITS[benefit][0],
        "per": BENEFITS[benefit][1],
        "amount": explain.format_money(value, language),
        "entitled": value > 0,
        "sentences": explain.explanation_sentences(
            package=package,
            version=version,
            variable=benefit,
            trace=calculation.trace,
            language=language,
        ),
        "version": version,
    }
