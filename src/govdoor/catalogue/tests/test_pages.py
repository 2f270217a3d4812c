"""Portal and back-office pages of the catalogue."""

from __future__ import annotations

import pytest
from django.test import Client

from govdoor.catalogue import services
from govdoor.catalogue.models import GuideProgress, Service
from govdoor.catalogue.tests.conftest import service_owner
from govdoor.catalogue.tests.factories import LifeEventFactory, ServiceFactory, TopicFactory


@pytest.fixture
def moving(country):
    event = LifeEventFactory(code="moving-house", name_en="Moving house")
    topic = TopicFactory(code="housing", name_en="Housing")
    for org in (country["riverton_org"], country["hillside_org"]):
        ServiceFactory(
            code=f"bins-{org.code}",
            kind="bins",
            owner=org,
            competent_level="local",
            name_en="Register for waste collection",
            summary_en="Get your bins.",
            life_events=[event.code],
            topics=[topic.code],
            fee="0",
            sla_days=10,
            legal_basis="Waste Bylaw art. 4",
            channels=["online", "counter"],
        )
    ServiceFactory(
        code="address", owner=country["tax"], name_en="Tell us you moved", life_events=[event.code]
    )
    services.guide_save(
        code="moving-house",
        names={"en": "Moving house"},
        summaries={},
        life_event=event,
        steps=[("address", {"en": "Give your new address"}), ("bins-riverton", {"en": "Bins"})],
    )
    return event


def test_the_home_lists_life_events_and_a_topics_services_once_per_kind(moving):
    page = Client().get("/services/?topic=housing").content.decode()
    assert "Moving house" in page
    assert page.count("Register for waste collection") == 1


def test_a_life_event_lists_its_services_and_guides(moving):
    page = Client().get("/life-events/moving-house/").content.decode()
    assert "Tell us you moved" in page and "/guides/moving-house/" in page
    assert Client().get("/life-events/nope/").status_code == 404


def test_a_service_page_shows_the_facts_and_the_persons_own_municipality(
    moving, resident, person_client
):
    page = person_client(resident).get("/services/bins-riverton/").content.decode()
    for fact in ("Waste Bylaw art. 4", "Within 10 days", "Free", "At a counter (with help)"):
        assert fact in page
    assert "Hillside Council" in page and "govdoor/logos/hillside.svg" in page
    assert "/services/bins-hillside/" in page


def test_an_anonymous_visitor_picks_their_municipality(moving):
    page = Client().get("/services/bins-hillside/").content.decode()
    assert "Choose your municipality" in page and "govdoor-authority" not in page
    page = Client().get("/services/bins-hillside/?area=DL-N-01").content.decode()
    assert "/services/bins-riverton/" in page
    assert Client().get("/services/nope/").status_code == 404


def test_a_draft_service_page_is_not_found(country):
    ServiceFactory(code="draft", owner=country["tax"], publish=False)
    assert Client().get("/services/draft/").status_code == 404


def test_the_guide_shows_progress_and_the_person_ticks_a_step(moving, resident, person_client):
    client = person_client(resident)
    page = client.get("/guides/moving-house/").content.decode()
    assert "You have done 0 of 2 steps." in page and "Hillside Council" in page
    step = moving.guides.get().steps.get(position=1)
    response = client.post(f"/guides/moving-house/steps/{step.pk}/", {"done": "1"})
    assert response.status_code == 302
    assert "You have done 1 of 2 steps." in client.get("/guides/moving-house/").content.decode()
    assert GuideProgress.objects.get().person == resident


def test_ticking_needs_a_signed_in_person_and_a_step_of_that_guide(moving, resident, person_client):
    step = moving.guides.get().steps.get(position=1)
    assert Client().post(f"/guides/moving-house/steps/{step.pk}/", {"done": "1"}).status_code == 302
    assert not GuideProgress.objects.exists()
    client = person_client(resident)
    assert client.post("/guides/moving-house/steps/not-a-uuid/", {"done": "1"}).status_code == 404
    assert client.post("/guides/nope/steps/x/", {"done": "1"}).status_code == 404


def test_the_search_page_routes_to_the_chosen_municipality(moving):
    page = Client().get("/search/?q=bins&area=DL-N-01").content.decode()
    assert "1 result" in page and "/services/bins-riverton/" in page and "Riverton" in page
    assert "No service matches" in Client().get("/search/?q=zebra").content.decode()
    assert Client().get("/search/").status_code == 200


def test_a_service_owner_adds_edits_and_publishes_in_the_back_office(country, staff_client):
    client = staff_client(service_owner(country["riverton_org"]))
    form = {
        "organisation": "riverton",
        "code": "dog-licence",
        "competent_level": "local",
        "name_en": "Dog licence",
        "summary_en": "License your dog.",
        "loa": "1",
        "fee": "20",
        "channels": ["online"],
    }
    assert client.post("/backoffice/catalogue/new/", form).status_code == 302
    assert "Dog licence" in client.get("/backoffice/catalogue/").content.decode()
    edit = {**form, "name_en": "Dog licence 2026"}
    assert client.post("/backoffice/catalogue/dog-licence/", edit).status_code == 302
    assert client.post("/backoffice/catalogue/dog-licence/publish/").status_code == 302
    service = Service.objects.get(code="dog-licence")
    assert (service.name_en, service.status) == ("Dog licence 2026", "published")


def test_the_back_office_form_shows_errors(country, staff_client):
    client = staff_client(service_owner(country["riverton_org"]))
    page = client.post("/backoffice/catalogue/new/", {"organisation": "riverton"})
    assert page.status_code == 200 and "There is a problem" in page.content.decode()
    assert not Service.objects.exists()


def test_another_organisations_service_owner_gets_404(country, staff_client):
    ServiceFactory(code="riverton-bins", owner=country["riverton_org"])
    client = staff_client(service_owner(country["hillside_org"]))
    assert client.get("/backoffice/catalogue/riverton-bins/").status_code == 404
    assert client.post("/backoffice/catalogue/riverton-bins/publish/").status_code == 404
    form = {
        "organisation": "riverton",
        "code": "x",
        "competent_level": "local",
        "name_en": "X",
        "summary_en": "X",
        "loa": "1",
        "fee": "0",
        "channels": ["online"],
    }
    page = client.post("/backoffice/catalogue/new/", form)
    assert page.status_code == 200 and not Service.objects.filter(code="x").exists()


def test_back_office_pages_need_signed_in_verified_staff(country):
    assert Client().get("/backoffice/catalogue/").status_code == 302


def test_pages_show_the_french_text_when_french_is_chosen(country):
    ServiceFactory(
        code="benefit",
        owner=country["tax"],
        name_en="Child benefit",
        name_fr="Allocations familiales",
    )
    page = Client(HTTP_ACCEPT_LANGUAGE="fr").get("/services/benefit/").content.decode()
    assert "Allocations familiales" in page
