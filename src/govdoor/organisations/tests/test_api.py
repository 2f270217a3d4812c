import pytest
from rest_framework.test import APIClient

from govdoor.identity.testing import agency_access_token
from govdoor.organisations.tests.factories import (
    AreaFactory,
    JurisdictionFactory,
    OrganisationFactory,
    StaffRoleFactory,
    UserFactory,
    demo_country,
)

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def api():
    client = APIClient()
    client.force_authenticate(UserFactory())
    return client


def agency_token(organisation, *, expires_in=600):
    return agency_access_token(
        organisation=organisation, scope="registers:read", expires_in=expires_in
    )


def test_anonymous_callers_are_turned_away():
    OrganisationFactory()
    response = APIClient().get("/api/v1/organisations")
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == PROBLEM


def test_an_agency_token_may_read_organisations():
    org = OrganisationFactory(code="tax-agency")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {agency_token(org)}")
    response = client.get("/api/v1/organisations")
    assert response.status_code == 200
    assert [o["code"] for o in response.json()["results"]] == ["tax-agency"]


def test_an_expired_agency_token_is_turned_away():
    org = OrganisationFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {agency_token(org, expires_in=-60)}")
    assert client.get("/api/v1/organisations").status_code in (401, 403)


def test_organisations_are_listed_with_their_areas(api):
    c = demo_country()
    response = api.get("/api/v1/organisations")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    riverton = next(o for o in body["results"] if o["code"] == "riverton")
    assert riverton == {
        "id": str(c["riverton_org"].id),
        "code": "riverton",
        "name": "Riverton",
        "level": "local",
        "parent": None,
        "home_area": "DL-N-01",
        "serves": ["DL-N-01"],
        "website": "",
        "logo": "",
        "is_active": True,
    }


def test_organisations_are_filtered_by_level_parent_and_search(api):
    ministry = OrganisationFactory(code="interior", name="Interior")
    OrganisationFactory(code="passports", name="Passport Office", parent=ministry)
    OrganisationFactory(code="riverton", name="Riverton", level="local")

    def codes(query):
        response = api.get("/api/v1/organisations", query)
        assert response.status_code == 200
        return [o["code"] for o in response.json()["results"]]

    assert codes({"level": "local"}) == ["riverton"]
    assert codes({"parent": str(ministry.id)}) == ["passports"]
    assert codes({"search": "pass"}) == ["passports"]


@pytest.mark.parametrize(
    ("query", "field"), [({"level": "federal"}, "level"), ({"parent": "not-a-uuid"}, "parent")]
)
def test_a_bad_filter_is_a_400_naming_the_parameter(api, query, field):
    response = api.get("/api/v1/organisations", query)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_the_organisation_list_is_paginated(api):
    OrganisationFactory.create_batch(3)
    body = api.get("/api/v1/organisations", {"page_size": 2}).json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"]


def test_the_organisation_list_takes_a_bounded_number_of_queries(
    api, django_assert_max_num_queries
):
    parent = OrganisationFactory()
    for i in range(20):
        org = OrganisationFactory(parent=parent, home_area=AreaFactory())
        JurisdictionFactory(organisation=org, area=AreaFactory(code=f"B{i}"))
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/organisations")
    assert response.json()["count"] == 21


def test_one_organisation_is_read_by_id(api):
    org = OrganisationFactory(code="tax-agency")
    response = api.get(f"/api/v1/organisations/{org.id}")
    assert response.status_code == 200
    assert response.json()["code"] == "tax-agency"


@pytest.mark.parametrize("bad_id", ["0190a3c2-5f1e-7c3d-8a4b-9e2f1d6c7b80", "nonsense"])
def test_an_unknown_organisation_is_a_404_problem(api, bad_id):
    response = api.get(f"/api/v1/organisations/{bad_id}")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 404


def test_areas_are_listed_and_filtered(api):
    demo_country()
    body = api.get("/api/v1/areas").json()
    assert [a["code"] for a in body["results"]] == ["DL", "DL-N", "DL-N-01", "DL-N-02", "DL-S"]
    kinds = api.get("/api/v1/areas", {"kind": "region"}).json()
    assert [a["code"] for a in kinds["results"]] == ["DL-N", "DL-S"]
    children = api.get("/api/v1/areas", {"parent": "DL-N"}).json()
    assert [(a["code"], a["parent"]) for a in children["results"]] == [
        ("DL-N-01", "DL-N"),
        ("DL-N-02", "DL-N"),
    ]


def test_a_bad_area_filter_names_the_parameter(api):
    demo_country()
    assert api.get("/api/v1/areas", {"kind": "planet"}).json()["errors"][0]["field"] == "kind"
    response = api.get("/api/v1/areas", {"parent": "ZZ"})
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "parent"


def test_the_area_list_takes_a_bounded_number_of_queries(api, django_assert_max_num_queries):
    country = AreaFactory(kind="country")
    AreaFactory.create_batch(20, parent=country)
    with django_assert_max_num_queries(3):
        response = api.get("/api/v1/areas")
    assert response.json()["count"] == 21


def test_the_competent_organisations_for_an_area_are_most_local_first(api):
    demo_country()
    response = api.get("/api/v1/organisations/competent", {"area": "DL-N-01"})
    assert response.status_code == 200
    body = response.json()
    assert body["area"]["code"] == "DL-N-01"
    assert [o["code"] for o in body["organisations"]] == ["riverton", "north-region", "tax-agency"]


def test_the_competent_organisations_can_be_limited_to_a_level(api):
    demo_country()
    body = api.get("/api/v1/organisations/competent", {"area": "DL-N-02", "level": "regional"})
    assert [o["code"] for o in body.json()["organisations"]] == ["north-region"]


def test_an_agency_token_may_ask_which_organisation_is_competent():
    c = demo_country()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {agency_token(c['tax'])}")
    response = client.get("/api/v1/organisations/competent", {"area": "DL-N-02"})
    assert [o["code"] for o in response.json()["organisations"]] == ["north-region", "tax-agency"]


def test_competent_for_an_unknown_area_is_a_404_problem(api):
    demo_country()
    response = api.get("/api/v1/organisations/competent", {"area": "XX"})
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"] == [{"field": "area", "detail": "No area with the code “XX”."}]


@pytest.mark.parametrize(
    ("query", "field"), [({}, "area"), ({"area": "DL", "level": "x"}, "level")]
)
def test_competent_without_an_area_or_with_a_bad_level_is_a_400_naming_it(api, query, field):
    demo_country()
    response = api.get("/api/v1/organisations/competent", query)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_staff_with_a_session_may_read_organisations(client):
    role = StaffRoleFactory()
    client.force_login(role.user)
    assert client.get("/api/v1/organisations").status_code == 200


def test_competent_takes_a_bounded_number_of_queries(api, django_assert_max_num_queries):
    c = demo_country()
    for _ in range(10):
        JurisdictionFactory(organisation=OrganisationFactory(parent=c["tax"]), area=c["country"])
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/organisations/competent", {"area": "DL-N-01"})
    assert len(response.json()["organisations"]) == 13
