"""Writing services (owners only, validated, versioned), competence, guides and progress."""

from __future__ import annotations

import pytest

from govdoor.catalogue import selectors, services
from govdoor.catalogue.models import GuideProgress, Service, ServiceRevision
from govdoor.catalogue.tests.conftest import service_owner
from govdoor.catalogue.tests.factories import LifeEventFactory, ServiceFactory, TopicFactory
from govdoor.core.errors import Conflict, DomainError, Refused
from govdoor.core.models import OutboxEvent
from govdoor.organisations.tests.factories import JurisdictionFactory, OrganisationFactory

VALUES = {"name_en": "Dog licence", "summary_en": "License your dog.", "competent_level": "local"}


def test_a_service_owner_creates_a_draft_of_their_organisation(country):
    owner = service_owner(country["riverton_org"])
    service = services.service_create(
        user=owner, owner=country["riverton_org"], code="dog-licence", values=VALUES
    )
    assert service.status == Service.Status.DRAFT and service.channels == ["online"]
    assert service.search_terms.filter(term="dog").exists()


def test_a_service_owner_of_another_organisation_is_refused(country):
    stranger = service_owner(country["hillside_org"])
    with pytest.raises(Refused):
        services.service_create(
            user=stranger, owner=country["riverton_org"], code="dog-licence", values=VALUES
        )
    service = ServiceFactory(owner=country["riverton_org"])
    with pytest.raises(Refused):
        services.service_update(user=stranger, service=service, values={"name_en": "Hacked"})
    with pytest.raises(Refused):
        services.service_publish(user=stranger, service=service)


def test_a_case_worker_of_the_owner_is_not_a_service_owner(country):
    from govdoor.organisations.tests.factories import StaffRoleFactory

    worker = StaffRoleFactory(organisation=country["riverton_org"], role="case_worker").user
    with pytest.raises(Refused):
        services.service_create(
            user=worker, owner=country["riverton_org"], code="dog-licence", values=VALUES
        )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"channels": ["carrier-pigeon"]}, "channels"),
        ({"channels": []}, "channels"),
        ({"loa": 7}, "loa"),
        ({"fee": "-1"}, "fee"),
        ({"fee": "lots"}, "fee"),
        ({"sla_days": 0}, "sla_days"),
        ({"competent_level": "galactic"}, "competent_level"),
        ({"name_en": "  "}, "name_en"),
        ({"life_events": ["no-such-event"]}, "life_events"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_values_are_refused_naming_the_field(country, values, field):
    owner = service_owner(country["riverton_org"])
    with pytest.raises(DomainError) as refused:
        services.service_create(
            user=owner, owner=country["riverton_org"], code="dog", values={**VALUES, **values}
        )
    assert refused.value.field == field
    assert not Service.objects.filter(code="dog").exists()


def test_a_code_is_unique(country):
    ServiceFactory(code="dog-licence")
    owner = service_owner(country["riverton_org"])
    with pytest.raises(Conflict):
        services.service_create(
            user=owner, owner=country["riverton_org"], code="dog-licence", values=VALUES
        )


def test_publishing_keeps_the_text_and_changing_a_live_service_makes_a_new_version(country):
    owner = service_owner(country["riverton_org"])
    service = services.service_create(
        user=owner, owner=country["riverton_org"], code="dog-licence", values=VALUES
    )
    services.service_update(user=owner, service=service, values={"sla_days": 3})
    assert not ServiceRevision.objects.exists()  # a draft is edited in place
    services.service_publish(user=owner, service=service)
    changed = services.service_update(
        user=owner, service=service, values={"fee": "12.50", "name_fr": "Licence canine"}
    )
    assert (changed.version, changed.status) == (2, Service.Status.PUBLISHED)
    assert ServiceRevision.objects.get(service=service, version=1).content["fee"] == "0.00"
    assert ServiceRevision.objects.get(service=service, version=2).content["fee"] == "12.50"
    assert OutboxEvent.objects.filter(topic="catalogue.service.published").count() == 2
    assert changed.search_terms.filter(term="canine").exists()


def test_lists_filter_by_life_event_topic_organisation_and_level(country):
    event, topic = LifeEventFactory(code="retiring"), TopicFactory(code="benefits")
    pension = ServiceFactory(
        code="pension", owner=country["tax"], life_events=[event.code], topics=[topic.code]
    )
    ServiceFactory(code="bins", owner=country["riverton_org"], competent_level="local")
    ServiceFactory(code="draft", owner=country["tax"], life_events=[event.code], publish=False)
    assert list(selectors.services_list(life_event="retiring")) == [pension]
    assert list(selectors.services_list(topic="benefits")) == [pension]
    assert [s.code for s in selectors.services_list(organisation="riverton")] == ["bins"]
    assert [s.code for s in selectors.services_list(level="local")] == ["bins"]


def test_a_regional_kind_resolves_to_the_region_covering_the_municipality(country):
    south_org = OrganisationFactory(
        code="south-region", level="regional", home_area=country["south"]
    )
    JurisdictionFactory(organisation=south_org, area=country["south"])
    north_pass = ServiceFactory(
        code="pass-north", kind="pass", owner=country["north_org"], competent_level="regional"
    )
    ServiceFactory(code="pass-south", kind="pass", owner=south_org, competent_level="regional")
    south_pass = Service.objects.get(code="pass-south")
    resolved = selectors.service_competent_authority(service=south_pass, area=country["hillside"])
    assert resolved == (north_pass, country["north_org"])


def test_the_persons_municipality_is_that_of_their_current_address(resident, country):
    assert selectors.person_municipality(resident) == country["hillside"]


@pytest.fixture
def moving_guide(country):
    ServiceFactory(code="address", owner=country["tax"])
    ServiceFactory(
        code="bins-riverton", kind="bins", owner=country["riverton_org"], competent_level="local"
    )
    ServiceFactory(
        code="bins-hillside", kind="bins", owner=country["hillside_org"], competent_level="local"
    )
    return services.guide_save(
        code="moving",
        names={"en": "Moving house"},
        summaries={},
        life_event=None,
        steps=[("address", {"en": "Tell us"}), ("bins-riverton", {"en": "Bins"})],
    )


def test_using_a_service_marks_the_guide_steps_it_fulfils_done(resident, moving_guide):
    # The step names Riverton's bins; the resident applies for Hillside's: same kind.
    assert services.guide_step_mark_done(person=resident, service_code="bins-hillside") == 1
    assert services.guide_step_mark_done(person=resident, service_code="bins-hillside") == 0
    done = selectors.guide_steps_done(guide=moving_guide, person=resident)
    assert done == {moving_guide.steps.get(position=2).pk}
    assert GuideProgress.objects.get().source == GuideProgress.Source.SERVICE


def test_marking_an_unknown_service_done_is_refused(resident, moving_guide):
    with pytest.raises(DomainError):
        services.guide_step_mark_done(person=resident, service_code="nope")


def test_a_person_ticks_and_unticks_a_step(resident, moving_guide):
    step = moving_guide.steps.get(position=1)
    services.guide_step_tick(person=resident, step=step, done=True)
    assert selectors.guide_steps_done(guide=moving_guide, person=resident) == {step.pk}
    services.guide_step_tick(person=resident, step=step, done=False)
    assert selectors.guide_steps_done(guide=moving_guide, person=resident) == set()


def test_saving_a_guide_again_replaces_its_steps(moving_guide):
    services.guide_save(
        code="moving",
        names={"en": "Moving"},
        summaries={},
        life_event=None,
        steps=[("address", {"en": "Only step"})],
    )
    assert [s.name_en for s in moving_guide.steps.all()] == ["Only step"]
    with pytest.raises(DomainError):
        services.guide_save(
            code="moving",
            names={"en": "M"},
            summaries={},
            life_event=None,
            steps=[("unknown", {"en": "x"})],
        )
