"""/api/v1/forms for agency systems of the owning organisation (scope `forms`) and staff."""

from __future__ import annotations

import copy

from rest_framework.test import APIClient

from govdoor.applications.tests.conftest import PARKING_FORM
from govdoor.cases.tests.factories import local_service
from govdoor.identity.testing import agency_access_token

BASE = "/api/v1/forms/riverton-parking"


def _api(organisation, scope="forms"):
    client = APIClient()
    token = agency_access_token(organisation=organisation, scope=scope)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_the_api_needs_a_token_with_the_forms_scope(country, parking):
    assert APIClient().get(BASE + "/versions").status_code in (401, 403)
    response = _api(country["riverton_org"], scope="exchange").get(BASE + "/versions")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_another_organisations_system_gets_404(country, parking):
    api = _api(country["north_org"])
    assert api.get(BASE + "/versions").status_code == 404
    assert api.put(BASE + "/draft", {"definition": PARKING_FORM}, format="json").status_code == 404
    assert api.post(BASE + "/publish").status_code == 404


def test_the_owner_saves_a_draft_reads_it_and_publishes_it(country, parking):
    api = _api(country["riverton_org"])
    assert api.get(BASE + "/draft").status_code == 404
    changed = copy.deepcopy(PARKING_FORM)
    changed["title"]["en"] = "Parking 2027"
    saved = api.put(BASE + "/draft", {"definition": changed}, format="json")
    assert saved.status_code == 200 and saved.json()["number"] == 2
    assert api.get(BASE + "/draft").json()["definition"]["title"]["en"] == "Parking 2027"
    published = api.post(BASE + "/publish")
    assert published.json()["status"] == "published" and published.json()["number"] == 2
    assert api.post(BASE + "/publish").status_code == 409


def test_an_invalid_definition_answers_400_naming_each_error_by_path(country, parking):
    wrong = copy.deepcopy(PARKING_FORM)
    wrong["pages"][0]["fields"][0]["prefill"]["purpose"] = "nothing"
    wrong["pages"][2]["condition"]["field"] = "nowhere"
    response = _api(country["riverton_org"]).put(BASE + "/draft", {"definition": wrong},
                                                 format="json")  # fmt: skip
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [
        "definition.pages[0].fields[0].prefill.purpose",
        "definition.pages[2].condition.field",
    ]
    missing = _api(country["riverton_org"]).put(BASE + "/draft", {}, format="json")
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "definition"


def test_versions_and_forms_are_listed_in_pages_with_bounded_queries(
    country, parking, django_assert_max_num_queries
):
    api = _api(country["riverton_org"])
    for n in range(3):
        changed = copy.deepcopy(PARKING_FORM)
        changed["title"]["en"] = f"Parking {n}"
        api.put(BASE + "/draft", {"definition": changed}, format="json")
        api.post(BASE + "/publish")
    for n in range(4):
        local_service(country["riverton_org"], code=f"riverton-more-{n}")
    with django_assert_max_num_queries(8):
        versions = api.get(BASE + "/versions?page_size=2")
    body = versions.json()
    assert body["count"] == 4 and [v["number"] for v in body["results"]] == [4, 3]
    with django_assert_max_num_queries(8):
        forms = api.get("/api/v1/forms")
    assert [f["service"] for f in forms.json()["results"]] == ["riverton-parking"]
    assert forms.json()["results"][0]["published_version"] == 4
