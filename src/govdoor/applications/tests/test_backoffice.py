"""Service owners edit, preview and publish forms in the back office."""

from __future__ import annotations

import copy
import json

from django.test import Client

from govdoor.applications.models import FormVersion
from govdoor.applications.tests.conftest import PARKING_FORM
from govdoor.cases.tests.factories import local_service
from govdoor.identity.testing import sign_in_staff
from govdoor.organisations.models import StaffRole
from govdoor.organisations.tests.factories import StaffRoleFactory, UserFactory

EDIT = "/backoffice/forms/riverton-parking/"


def test_the_list_shows_each_service_of_the_organisation_with_its_form_in_bounded_queries(
    country, parking, owner_client, django_assert_max_num_queries
):
    for n in range(6):
        local_service(country["riverton_org"], code=f"riverton-extra-{n}")
    with django_assert_max_num_queries(16):
        response = owner_client.get("/backoffice/forms/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Version 1" in html and "riverton-extra-5" in html
    assert "You are working for Riverton" in html


def test_a_staff_member_who_is_not_a_service_owner_sees_no_forms(country, parking):
    worker = UserFactory(username="cw")
    StaffRoleFactory(user=worker, organisation=country["riverton_org"], role="case_worker")
    client = sign_in_staff(Client(), worker)
    assert "You are not a service owner" in client.get("/backoffice/forms/").content.decode()
    assert client.get(EDIT).status_code == 404


def test_invalid_json_and_invalid_definitions_are_shown_with_their_paths_and_the_text_kept(
    parking, owner_client
):
    broken = owner_client.post(EDIT, {"definition": '{"pages": ['})
    assert broken.status_code == 400
    assert "This is not valid JSON (line 1, column 12)" in broken.content.decode()
    wrong = copy.deepcopy(PARKING_FORM)
    wrong["pages"][1]["fields"][1]["type"] = "colour"
    text = json.dumps(wrong)
    response = owner_client.post(EDIT, {"definition": text})
    html = response.content.decode()
    assert response.status_code == 400
    assert "<code>pages[1].fields[1].type</code>" in html and "govuk-error-summary" in html
    assert "colour" in html
    assert FormVersion.objects.count() == 1


def test_an_owner_saves_previews_and_publishes_a_new_version(parking, owner_client):
    changed = copy.deepcopy(PARKING_FORM)
    changed["pages"][0]["title"]["en"] = "Who you are"
    assert owner_client.post(EDIT, {"definition": json.dumps(changed)})["Location"] == EDIT
    editor = owner_client.get(EDIT).content.decode()
    assert "Who you are" in editor and "Publish version 2" in editor
    preview = owner_client.get(EDIT + "preview/").content.decode()
    assert "Page 1: Who you are" in preview
    assert "Prefilled from vehicles.plate for parking-permit" in preview
    assert owner_client.post(EDIT + "publish/")["Location"] == EDIT
    assert list(FormVersion.objects.values_list("number", "status").order_by("number")) == [
        (1, "published"),
        (2, "published"),
    ]


def test_another_organisations_form_answers_404(country, parking):
    stranger = UserFactory(username="north-owner")
    StaffRoleFactory(
        user=stranger, organisation=country["north_org"], role=StaffRole.Role.SERVICE_OWNER
    )
    client = sign_in_staff(Client(), stranger)
    assert client.get(EDIT).status_code == 404
    assert client.get(EDIT + "preview/").status_code == 404
    assert client.post(EDIT + "publish/").status_code == 404
    assert client.post(EDIT, {"definition": json.dumps(PARKING_FORM)}).status_code == 404


def test_the_back_office_needs_a_staff_sign_in(parking, resident, person_client):
    response = person_client(resident).get("/backoffice/forms/")
    assert response.status_code == 302 and "staff" in response["Location"]
