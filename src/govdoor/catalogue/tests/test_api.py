"""/api/v1/services, /life-events, /guides and /search over HTTP."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from govdoor.catalogue import services
from govdoor.catalogue.models import Service
from govdoor.catalogue.tests.conftest import service_owner
from govdoor.catalogue.tests.factories import LifeEventFactory, ServiceFactory, TopicFactory


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def parking(country):
    event = LifeEventFactory(code="moving-house", name_en="Moving house", name_fr="Déménager")
    for org in (country["riverton_org"], country["hillside_org"]):
        ServiceFactory(
            code=f"parking-{org.code}",
            kind="parking",
            owner=org,
            competent_level="local",
            name_en="Parking permit",
            name_fr="Carte de stationnement",
            life_events=[event.code],
        )
    return event


def owner_api(organisation):
    client = APIClient()
    client.force_authenticate(service_owner(organisation))
    return client


def test_the_list_is_public_paginated_and_filtered(api, parking, country):
    ServiceFactory(code="draft", owner=country["tax"], publish=False)
    body = api.get("/api/v1/services", {"life_event": "moving-house"}).json()
    assert body["count"] == 2
    assert {s["code"] for s in body["results"]} == {"parking-riverton", "parking-hillside"}
    assert body["results"][0]["owner"]["name"] in {"Riverton", "Hillside Council"}
    assert api.get("/api/v1/services", {"organisation": "hillside"}).json()["count"] == 1
    assert api.get("/api/v1/services", {"q": "parking"}).json()["count"] == 2


def test_the_list_answers_in_the_requested_language(api, parking):
    body = api.get("/api/v1/services", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert body["results"][0]["name"] == "Carte de stationnement"


def test_a_bad_filter_is_a_problem_naming_the_field(api, parking):
    response = api.get("/api/v1/services", {"level": "galactic"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "level"


def test_the_list_needs_a_bounded_number_of_queries(api, country):
    event, topic = LifeEventFactory(code="e"), TopicFactory(code="t")
    for _n in range(3):
        ServiceFactory(owner=country["tax"], life_events=[event.code], topics=[topic.code])
    with CaptureQueriesContext(connection) as few:
        assert api.get("/api/v1/services").status_code == 200
    for _n in range(6):
        ServiceFactory(owner=country["riverton_org"], life_events=[event.code])
    with CaptureQueriesContext(connection) as many:
        assert api.get("/api/v1/services").json()["count"] == 9
    assert len(many) == len(few) <= 5


def test_a_service_names_the_competent_authority_for_an_area(api, parking):
    body = api.get("/api/v1/services/parking-riverton", {"area": "DL-N-02"}).json()
    assert body["competent_authority"]["code"] == "hillside"
    assert body["competent_authority"]["logo"].endswith("govdoor/logos/hillside.svg")
    assert api.get("/api/v1/services/parking-riverton").json()["competent_authority"] is None


def test_unknown_codes_and_drafts_are_404_and_an_unknown_area_400(api, parking, country):
    ServiceFactory(code="draft", owner=country["tax"], publish=False)
    assert api.get("/api/v1/services/nope").status_code == 404
    assert api.get("/api/v1/services/draft").status_code == 404
    assert api.get("/api/v1/guides/nope").status_code == 404
    response = api.get("/api/v1/services/parking-riverton", {"area": "XX"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "area"


def test_search_needs_q_and_routes_to_the_area(api, parking):
    response = api.get("/api/v1/search")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "q"
    body = api.get("/api/v1/search", {"q": "parking", "area": "DL-N-01"}).json()
    assert [r["service"]["code"] for r in body["results"]] == ["parking-riverton"]
    assert body["results"][0]["competent_authority"]["code"] == "riverton"
    anonymous = api.get("/api/v1/search", {"q": "déménager"}).json()["results"]
    assert anonymous[0]["competent_authority"] is None and anonymous[0]["offered_by"] == 2


def test_search_uses_a_signed_in_persons_own_municipality(api, parking, resident):
    from govdoor.identity.services import user_for_person

    api.force_authenticate(user_for_person(person=resident))
    body = api.get("/api/v1/search", {"q": "parking"}).json()
    assert body["area"] == "DL-N-02"
    assert body["results"][0]["competent_authority"]["code"] == "hillside"


def test_life_events_are_listed(api, parking):
    body = api.get("/api/v1/life-events").json()
    assert [e["code"] for e in body["results"]] == ["moving-house"]


def test_a_guide_shows_steps_done_only_to_a_signed_in_person(api, parking, resident):
    from govdoor.identity.services import user_for_person

    services.guide_save(
        code="moving",
        names={"en": "Moving"},
        summaries={},
        life_event=parking,
        steps=[("parking-riverton", {"en": "Park"})],
    )
    assert api.get("/api/v1/guides/moving").json()["steps"][0]["done"] is None
    services.guide_step_mark_done(person=resident, service_code="parking-hillside")
    api.force_authenticate(user_for_person(person=resident))
    assert api.get("/api/v1/guides/moving").json()["steps"][0]["done"] is True


NEW = {
    "code": "dog-licence",
    "organisation": "riverton",
    "competent_level": "local",
    "name_en": "Dog licence",
    "summary_en": "License your dog.",
    "channels": ["online", "counter"],
    "fee": "20.00",
}


def test_a_service_owner_creates_updates_and_publishes_over_the_api(country):
    client = owner_api(country["riverton_org"])
    created = client.post("/api/v1/services", NEW, format="json")
    assert created.status_code == 201 and created.json()["status"] == "draft"
    assert APIClient().get("/api/v1/services/dog-licence").status_code == 404
    patched = client.patch("/api/v1/services/dog-licence", {"sla_days": 5}, format="json")
    assert patched.status_code == 200 and patched.json()["sla_days"] == 5
    published = client.post("/api/v1/services/dog-licence/publish")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert APIClient().get("/api/v1/services/dog-licence").status_code == 200


def test_writes_need_a_signed_in_service_owner_of_the_owning_organisation(api, country):
    assert api.post("/api/v1/services", NEW, format="json").status_code in (401, 403)
    stranger = owner_api(country["hillside_org"])
    assert stranger.post("/api/v1/services", NEW, format="json").status_code == 403
    ServiceFactory(code="riverton-draft", owner=country["riverton_org"], publish=False)
    ServiceFactory(code="riverton-live", owner=country["riverton_org"])
    assert stranger.patch("/api/v1/services/riverton-draft", {}, format="json").status_code == 404
    assert stranger.post("/api/v1/services/riverton-draft/publish").status_code == 404
    response = stranger.patch("/api/v1/services/riverton-live", {"name_en": "X"}, format="json")
    assert response.status_code == 403
    assert Service.objects.get(code="riverton-live").name_en != "X"


def test_bad_writes_are_problems_naming_the_field(country):
    client = owner_api(country["riverton_org"])
    response = client.post("/api/v1/services", {**NEW, "channels": ["fax"]}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "channels[0]"
    response = client.post("/api/v1/services", {**NEW, "organisation": "nowhere"}, format="json")
    assert response.status_code == 404
    response = client.post(
        "/api/v1/services", {k: v for k, v in NEW.items() if k != "name_en"}, format="json"
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "name_en"
    ServiceFactory(code="live", owner=country["riverton_org"])
    response = client.patch("/api/v1/services/live", {"code": "other"}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "code"


def test_search_needs_a_bounded_number_of_queries(api, country):
    def services_for(numbers):
        for n in numbers:
            for org in (country["riverton_org"], country["hillside_org"]):
                ServiceFactory(
                    code=f"kind{n}-{org.code}",
                    kind=f"kind{n}",
                    owner=org,
                    competent_level="local",
                    name_en=f"Local licence {n}",
                )
            ServiceFactory(code=f"central{n}", owner=country["tax"], name_en=f"Licence {n}")

    def search():
        return api.get("/api/v1/search", {"q": "licence", "area": "DL-N-02"}).json()["results"]

    services_for(range(2))
    with CaptureQueriesContext(connection) as few:
        assert len(search()) == 4
    services_for(range(2, 6))
    with CaptureQueriesContext(connection) as many:
        results = search()
    assert len(results) == 12
    assert {r["competent_authority"]["code"] for r in results} == {"hillside", "tax-agency"}
    assert len(many) == len(few)
