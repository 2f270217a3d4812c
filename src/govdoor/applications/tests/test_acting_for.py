"""Applying for someone else: a business's representative, prefilled from the business register."""

from __future__ import annotations

import re

import pytest

from govdoor.applications import services
from govdoor.applications.models import Submission
from govdoor.cases.selectors import case_get
from govdoor.catalogue.tests.factories import ServiceFactory
from govdoor.exchange.models import DataRequest
from govdoor.exchange.tests.factories import PolicyFactory, PurposeFactory
from govdoor.identity.decorators import SESSION_ACTING_FOR
from govdoor.identity.models import Mandate
from govdoor.identity.tests.factories import BusinessFactory, MandateFactory
from govdoor.organisations.tests.factories import OrganisationFactory
from govdoor.registries.services import record_create, register_create
from govdoor.registries.tests.factories import keeper_caller

S = {"type": "string"}
GRANT_FORM = {
    "pages": [
        {
            "name": "business",
            "title": {"en": "Your business"},
            "fields": [
                {"name": "business_name", "type": "text", "label": {"en": "Business name"},
                 "required": True, "prefill": {"register": "businesses", "field": "name",
                                               "purpose": "start-up-grant"}},
                {"name": "employees", "type": "number", "label": {"en": "Employees"},
                 "required": True, "validation": {"min": 0, "max": 250}},
            ],
        }
    ]
}  # fmt: skip


@pytest.fixture
def grant(country):
    keeper = OrganisationFactory(code="business-registry", name="Business Registry")
    register_create(
        organisation=keeper,
        code="businesses",
        name="Business register",
        json_schema={"type": "object", "additionalProperties": False,
                     "properties": {"business_id": S, "name": S, "registration_number": S}},
        subject_field="business_id",
        subject_kind="business",
        key_field="registration_number",
    )  # fmt: skip
    purpose = PurposeFactory(code="start-up-grant", requesters=[country["government"]],
                             allowed_fields=["businesses.name"])  # fmt: skip
    PolicyFactory(purpose=purpose, requester=country["government"], keeper=keeper,
                  register_code="businesses", fields=["name"])  # fmt: skip
    service = ServiceFactory(code="start-up-grant", owner=country["government"])
    services.form_draft_save(service=service, definition=GRANT_FORM, check=False)
    services.form_publish(service=service, check=False)
    business = BusinessFactory(name="Riverton Bakery", municipality=country["riverton"])
    record_create(
        register=keeper.registers.get(),
        data={"business_id": str(business.pk), "name": "Riverton Bakery Ltd",
              "registration_number": business.registration_number},
        actor=keeper_caller(keeper),
    )  # fmt: skip
    return business


def _acting(client, mandate):
    session = client.session
    session[SESSION_ACTING_FOR] = str(mandate.pk)
    session.save()
    return client


def test_a_representative_applies_for_the_business_with_the_business_register_values(
    country, grant, resident, person_client
):
    mandate = MandateFactory(representative=resident, represented_person=None,
                             represented_business=grant, kind=Mandate.Kind.BUSINESS)  # fmt: skip
    client = _acting(person_client(resident), mandate)
    page = client.post("/services/start-up-grant/apply/")["Location"]
    html = client.get(page).content.decode()
    assert "Riverton Bakery Ltd" in html and "From the Business register" in html
    base = page.rsplit("/", 2)[0] + "/"
    assert client.post(page, {"employees": "3"})["Location"] == base + "review/"
    token = re.search(r'name="idempotency_key" value="([^"]+)"',
                      client.get(base + "review/").content.decode()).group(1)  # fmt: skip
    client.post(base + "send/", {"idempotency_key": token})
    submission = Submission.objects.get()
    assert submission.business_id == grant.pk and submission.person_id is None
    case = case_get(submission.case_id)
    assert case.business_id == grant.pk and case.applicant_id is None
    assert case.answers["business_name"]["source"]["register"] == "businesses"
    assert not DataRequest.objects.exists()  # a business is not a data subject of the exchange
    assert person_client(resident).get(base + "review/").status_code == 404  # not for herself


def test_a_mandate_that_does_not_cover_the_service_cannot_apply(country, grant, resident,
                                                                person_client):  # fmt: skip
    mandate = MandateFactory(representative=resident, represented_person=None,
                             represented_business=grant, kind=Mandate.Kind.BUSINESS,
                             scope=["tax-return"])  # fmt: skip
    client = _acting(person_client(resident), mandate)
    assert client.get("/services/start-up-grant/apply/").status_code == 404
    assert client.post("/services/start-up-grant/apply/").status_code == 404
