"""The demo loader creates purposes, approved policies and published forms, once."""

from __future__ import annotations

from govdoor.applications.demo import applications_demo_load
from govdoor.applications.models import FormVersion
from govdoor.cases.tests.factories import local_service
from govdoor.catalogue.tests.factories import ServiceFactory
from govdoor.exchange.models import AccessPolicy
from govdoor.organisations.models import StaffRole
from govdoor.organisations.tests.factories import OrganisationFactory, StaffRoleFactory, UserFactory
from govdoor.registries.demo import DEFINITIONS
from govdoor.registries.services import register_create


def _demo_registers(country):
    country["business-registry"] = OrganisationFactory(code="business-registry")
    for definition in DEFINITIONS:
        spec = dict(definition)
        owner = {"civil-registry": country["registry"]}.get(spec["owner"]) or country.get(
            spec.pop("owner")
        )
        spec.pop("owner", None)
        if spec["code"] in ("population", "vehicles", "businesses"):
            register_create(organisation=owner, **spec)


def test_the_demo_forms_load_once_with_the_policies_their_prefills_need(country):
    _demo_registers(country)
    keeper = UserFactory(username="registry-keeper")
    StaffRoleFactory(user=keeper, organisation=country["registry"],
                     role=StaffRole.Role.REGISTER_KEEPER)  # fmt: skip
    social = OrganisationFactory(code="social-insurance", name="Social Insurance")
    local_service(country["riverton_org"], code="parking-permit-riverton")
    ServiceFactory(code="child-benefit", owner=social)
    ServiceFactory(code="housing-allowance", owner=social)
    ServiceFactory(code="business-start-up-grant", owner=country["government"])
    first = applications_demo_load()
    assert first == {"purposes": 4, "policies": 5, "forms": 4}
    assert applications_demo_load() == {"purposes": 0, "policies": 0, "forms": 0}
    policies = AccessPolicy.objects.filter(status="approved")
    assert sorted((p.requester.code, p.register_code) for p in policies) == [
        ("government", "businesses"),
        ("riverton", "population"),
        ("riverton", "vehicles"),
        ("social-insurance", "population"),
        ("social-insurance", "population"),
    ]
    assert policies.filter(register_code="population").first().decided_by == keeper
    assert FormVersion.objects.filter(status="published").count() == 4


def test_every_demo_form_definition_is_valid_as_written():
    from govdoor.applications.definition import definition_errors
    from govdoor.applications.demo_forms import FORMS

    assert {key: [str(e) for e in definition_errors(form)] for key, form in FORMS} == {
        key: [] for key, _form in FORMS
    }
