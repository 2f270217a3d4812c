"""Ranking of the "no wrong door" search on crafted services."""

from __future__ import annotations

import pytest

from govdoor.catalogue import text
from govdoor.catalogue.selectors import service_search
from govdoor.catalogue.tests.factories import LifeEventFactory, ServiceFactory


@pytest.fixture
def catalogue(country):
    moving = LifeEventFactory(code="moving-house", name_en="Moving house", name_fr="Déménager")
    made = {
        "riverton_parking": ServiceFactory(
            code="parking-permit-riverton",
            kind="parking-permit",
            owner=country["riverton_org"],
            competent_level="local",
            name_en="Residents' parking permit",
            summary_en="Park near your home.",
            keywords="car street",
            life_events=[moving.code],
        ),
        "hillside_parking": ServiceFactory(
            code="parking-permit-hillside",
            kind="parking-permit",
            owner=country["hillside_org"],
            competent_level="local",
            name_en="Residents' parking permit",
            summary_en="Park near your home.",
            keywords="car street",
            life_events=[moving.code],
        ),
        "child_benefit": ServiceFactory(
            code="child-benefit",
            owner=country["tax"],
            name_en="Child benefit",
            name_fr="Allocations familiales",
            summary_en="Money for each child.",
            keywords="baby newborn",
        ),
        "tax_return": ServiceFactory(
            code="tax-return",
            owner=country["tax"],
            name_en="Income tax return",
            summary_en="Declare income, including any benefit or permit fee you received.",
        ),
        "vehicle": ServiceFactory(
            code="vehicle-registration",
            owner=country["tax"],
            name_en="Vehicle registration",
            summary_en="Register a car.",
            keywords="car plate",
        ),
        "riverton_market": ServiceFactory(
            code="market-stall-riverton",
            owner=country["riverton_org"],
            competent_level="local",
            name_en="Market stall permit",
            summary_en="Sell at the Riverton market.",
        ),
        "draft": ServiceFactory(
            code="secret-draft",
            owner=country["tax"],
            name_en="Parking benefit draft",
            publish=False,
        ),
    }
    return made


def codes(hits):
    return [hit.service.code for hit in hits]


def test_terms_fold_case_and_accents_and_drop_small_words():
    assert text.terms("Déménager: the NEW Homes!") == ["demenager", "new", "home"]


def test_a_kind_of_service_resolves_to_the_persons_own_municipality(catalogue, country):
    hits = service_search(q="parking permit", area=country["hillside"])
    assert codes(hits)[0] == "parking-permit-hillside"
    assert hits[0].organisation == country["hillside_org"]
    assert "parking-permit-riverton" not in codes(hits)


def test_without_an_area_a_kind_appears_once_with_no_authority_and_its_variant_count(catalogue):
    hits = service_search(q="parking permit")
    parking = [h for h in hits if h.service.kind == "parking-permit"]
    assert len(parking) == 1
    assert parking[0].organisation is None and parking[0].variants == 2


def test_a_passing_mention_in_a_description_gives_way_to_a_name_match(catalogue):
    assert codes(service_search(q="benefit")) == ["child-benefit"]
    assert codes(service_search(q="declare")) == ["tax-return"]


def test_a_service_matching_more_of_the_question_ranks_first(catalogue):
    hits = service_search(q="child benefit income")
    assert codes(hits)[:2] == ["child-benefit", "tax-return"]
    assert hits[0].score > hits[1].score


def test_every_matching_word_must_be_met_so_a_passing_mention_does_not_rank(catalogue, country):
    hits = service_search(q="parking permit", area=country["hillside"])
    assert "tax-return" not in codes(hits)


def test_keywords_are_synonyms_people_use(catalogue):
    assert codes(service_search(q="newborn")) == ["child-benefit"]


def test_a_word_prefix_finds_the_longer_word(catalogue):
    assert codes(service_search(q="regist")) == ["vehicle-registration"]


def test_french_names_and_life_events_are_searchable_without_accents(catalogue, country):
    assert codes(service_search(q="allocations familiales")) == ["child-benefit"]
    hits = service_search(q="demenager", area=country["riverton"])
    assert codes(hits) == ["parking-permit-riverton"]


def test_a_service_only_one_municipality_offers_is_hidden_from_people_elsewhere(catalogue, country):
    assert "market-stall-riverton" in codes(service_search(q="market", area=country["riverton"]))
    assert service_search(q="market", area=country["hillside"]) == []


def test_a_central_service_is_routed_to_its_owner_from_any_municipality(catalogue, country):
    hits = service_search(q="car", area=country["hillside"])
    by_code = {hit.service.code: hit.organisation for hit in hits}
    assert by_code == {
        "vehicle-registration": country["tax"],
        "parking-permit-hillside": country["hillside_org"],
    }


def test_drafts_and_questions_of_only_small_words_find_nothing(catalogue):
    assert "secret-draft" not in codes(service_search(q="parking benefit draft"))
    assert service_search(q="the of and") == []
