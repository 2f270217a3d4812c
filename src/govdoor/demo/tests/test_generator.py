"""The generator alone (no database): determinism, structure and plausibility."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from govdoor.demo.generator import ADULT_AGE, age_on, birthday, demo_country_generate
from govdoor.demo.geography import AGENCIES, COUNTRY_CODE, municipality_codes
from govdoor.demo.staff import DEMO_STAFF_PASSWORD
from govdoor.identity.national_id import national_id_valid
from govdoor.organisations.models import StaffRole

AS_OF = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def country():
    return demo_country_generate(seed=2026, people=2000, as_of=AS_OF)


def test_the_same_seed_gives_the_same_country():
    a = demo_country_generate(seed=7, people=300, as_of=AS_OF)
    b = demo_country_generate(seed=7, people=300, as_of=AS_OF)
    assert a.persons == b.persons
    assert a.addresses == b.addresses
    assert a.family_links == b.family_links
    assert a.mandates == b.mandates
    assert a.businesses == b.businesses
    assert a.staff == b.staff


def test_a_different_seed_gives_different_people():
    a = demo_country_generate(seed=7, people=300, as_of=AS_OF)
    b = demo_country_generate(seed=8, people=300, as_of=AS_OF)
    assert [(p.given_name, p.family_name, p.birth_date) for p in a.persons] != [
        (p.given_name, p.family_name, p.birth_date) for p in b.persons
    ]


def test_a_population_of_fewer_than_one_person_is_refused():
    with pytest.raises(ValueError):
        demo_country_generate(seed=1, people=0, as_of=AS_OF)


def test_the_country_has_three_regions_twelve_municipalities_and_six_agencies(country):
    kinds = Counter(a.kind for a in country.areas)
    assert kinds == {"country": 1, "region": 3, "municipality": 12}
    levels = Counter(o.level for o in country.organisations)
    assert levels["regional"] == 3
    assert levels["local"] == 12
    agencies = [o for o in country.organisations if o.parent_code == "government"]
    assert {o.code for o in agencies} >= {code for code, _ in AGENCIES}
    assert len(agencies) >= 6
    assert all(o.serves == (COUNTRY_CODE,) for o in agencies)


def test_municipal_councils_belong_to_their_region_and_serve_their_own_area(country):
    areas = {a.code: a for a in country.areas}
    for org in (o for o in country.organisations if o.level == "local"):
        assert org.serves == (org.code,)
        assert org.home_area_code == org.code
        assert org.parent_code == areas[org.code].parent_code
        assert org.logo == f"govdoor/logos/{org.code}.svg"


def test_every_population_has_exactly_the_requested_number_of_people(country):
    assert len(country.persons) == 2000
    assert [p.seq for p in country.persons] == list(range(2000))
    assert len(demo_country_generate(seed=3, people=1, as_of=AS_OF).persons) == 1


def test_every_national_id_is_valid_and_unique(country):
    ids = [p.national_id for p in country.persons]
    assert all(national_id_valid(nid) for nid in ids)
    assert len(set(ids)) == len(ids)


def test_every_municipality_has_residents_even_in_a_small_demo():
    small = demo_country_generate(seed=5, people=60, as_of=AS_OF)
    current = {a.municipality_code for a in small.addresses if a.valid_to is None}
    assert current == set(municipality_codes())


def test_everyone_has_one_current_address_shared_with_their_household(country):
    current = country.current_address()
    assert set(current) == {p.seq for p in country.persons}
    assert sum(1 for a in country.addresses if a.valid_to is None) == len(country.persons)
    for household in country.households:
        homes = {(current[s].street, current[s].house_number) for s in household.member_seqs}
        assert len(homes) == 1
        assert {current[s].municipality_code for s in household.member_seqs} == {
            household.municipality_code
        }


def test_some_households_moved_from_another_municipality(country):
    current = country.current_address()
    older = [a for a in country.addresses if a.valid_to is not None]
    assert len(older) > 50
    for address in older:
        now = current[address.person_seq]
        assert address.municipality_code != now.municipality_code
        assert address.valid_from <= address.valid_to < now.valid_from


def test_the_ages_form_a_plausible_pyramid(country):
    ages = [age_on(p.birth_date, AS_OF) for p in country.persons]
    assert all(0 <= a <= 105 for a in ages)
    minors = sum(a < ADULT_AGE for a in ages) / len(ages)
    elderly = sum(a >= 65 for a in ages) / len(ages)
    assert 0.12 < minors < 0.30
    assert 0.10 < elderly < 0.30
    assert sum(a >= 90 for a in ages) < sum(60 <= a < 70 for a in ages)


def test_about_five_percent_have_a_disability_and_both_languages_are_spoken(country):
    share = sum(p.disability for p in country.persons) / len(country.persons)
    assert 0.03 < share < 0.08
    languages = Counter(p.language for p in country.persons)
    assert set(languages) == {"en", "fr"}
    assert min(languages.values()) > 0.2 * len(country.persons)


def test_partners_are_linked_both_ways(country):
    partners = {(f.person_seq, f.relative_seq) for f in country.family_links if f.kind == "partner"}
    assert partners
    assert all((b, a) in partners for a, b in partners)


def test_parents_of_minors_hold_a_mandate_until_the_day_before_the_eighteenth_birthday(country):
    people = {p.seq: p for p in country.persons}
    parent_links = {
        (f.person_seq, f.relative_seq) for f in country.family_links if f.kind == "parent"
    }
    mandates = [m for m in country.mandates if m.kind == "parent"]
    assert mandates
    for m in mandates:
        child = people[m.represented_person_seq]
        assert (m.representative_seq, child.seq) in parent_links
        assert m.valid_until == birthday(child.birth_date, 18) - dt.timedelta(days=1)
        assert m.valid_until >= AS_OF
        assert m.scope == ("*",) and m.source == "register"
    minors_links = {
        (p, c) for p, c in parent_links if age_on(people[c].birth_date, AS_OF) < ADULT_AGE
    }
    assert minors_links == {(m.representative_seq, m.represented_person_seq) for m in mandates}


def test_siblings_are_born_at_least_eleven_months_apart(country):
    children: dict[int, list[dt.date]] = {}
    people = {p.seq: p for p in country.persons}
    for f in country.family_links:
        if f.kind == "parent":
            children.setdefault(f.person_seq, []).append(people[f.relative_seq].birth_date)
    for dates in children.values():
        dates.sort()
        assert all((b - a).days >= 330 for a, b in zip(dates, dates[1:], strict=False))


def test_businesses_have_one_or_two_adult_representatives_with_a_mandate(country):
    assert len(country.businesses) == 160  # 8% of 2000
    numbers = [b.registration_number for b in country.businesses]
    assert len(set(numbers)) == len(numbers)
    people = {p.seq: p for p in country.persons}
    held = {
        (m.representative_seq, m.represented_business)
        for m in country.mandates
        if m.kind == "business"
    }
    for business in country.businesses:
        assert 1 <= len(business.representative_seqs) <= 2
        assert business.founded_on <= AS_OF
        for seq in business.representative_seqs:
            assert birthday(people[seq].birth_date, 18) <= business.founded_on
            assert (seq, business.registration_number) in held


def test_staff_work_at_every_level_in_every_role(country):
    orgs = {o.code: o for o in country.organisations}
    assert {orgs[s.organisation_code].level for s in country.staff} == {
        "central",
        "regional",
        "local",
    }
    assert {r for s in country.staff for r in s.roles} == set(StaffRole.Role.values)
    assert len({s.username for s in country.staff}) == len(country.staff)
    assert all(len(bytes.fromhex(s.totp_key)) == 20 for s in country.staff)
    assert len(DEMO_STAFF_PASSWORD) >= 12  # the password validators' minimum


def test_birthdays_on_29_february_fall_on_1_march_in_other_years():
    assert birthday(dt.date(2008, 2, 29), 18) == dt.date(2026, 3, 1)
    assert birthday(dt.date(2008, 2, 29), 16) == dt.date(2024, 2, 29)
    assert age_on(dt.date(2008, 11, 24), AS_OF) == 17
    assert age_on(dt.date(2008, 11, 23), AS_OF) == 18
