"""The demo country's population, generated from a seed as plain dataclasses (no database).

Why pure and seeded: the same seed must give the same country on every machine, so demos,
screenshots and benchmarks can be compared, and other loaders (base registers) can rebuild
exactly the people the loader stored. Persons are referred to by `seq`, their position in
the population; `seq` is also what their national identification number is derived from.

Other loaders: call `demo_country_generate(seed=..., people=...)` with what was loaded
(defaults: seed 2026, 10,000 people, ages as of `DEMO_AS_OF`) and match stored people by
the blind index of `PersonSpec.national_id`.

Households are drawn one at a time until the population is complete: couples with children,
single parents, couples, single people and the elderly. Their ages give a plausible age
pyramid; each household shares one address, and some households moved in from another
municipality (an older address with `valid_to`).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from govdoor.demo.geography import (
    FRENCH_SPEAKING_REGION,
    POPULATION_WEIGHT,
    AreaSpec,
    OrganisationSpec,
    Street,
    areas_generate,
    municipality_codes,
    organisations_generate,
    region_of,
    streets_generate,
)
from govdoor.demo.names import LEGAL_FORMS, ORIGINS, TRADES, Origin
from govdoor.demo.staff import StaffSpec, staff_generate
from govdoor.identity.national_id import national_id_generate

DEFAULT_SEED = 2026
DEFAULT_PEOPLE = 10_000
# The day the population's ages are counted from. Why a fixed day and not today: the same
# seed must give the same birth dates whenever it is generated, so other loaders (base
# registers) can regenerate exactly the people stored. The demo people simply grow older.
DEMO_AS_OF = dt.date(2026, 11, 1)
BUSINESSES_PER_PERSON = 0.08  # about 800 businesses for 10,000 people
ADULT_AGE = 18

# (kind, weight); the first households cycle through every kind so small demos have them all.
HOUSEHOLD_KINDS: tuple[tuple[str, int], ...] = (
    ("family", 28),
    ("single", 24),
    ("couple", 20),
    ("elderly_couple", 11),
    ("elderly_single", 10),
    ("single_parent", 7),
)


@dataclass(frozen=True)
class PersonSpec:
    seq: int
    national_id: str
    given_name: str
    family_name: str
    birth_date: dt.date
    sex: str  # identity.Person.Sex value
    language: str
    disability: bool
    household: int


@dataclass(frozen=True)
class AddressSpec:
    person_seq: int
    street: str
    house_number: str
    postcode: str
    town: str
    municipality_code: str
    valid_from: dt.date
    valid_to: dt.date | None


@dataclass(frozen=True)
class FamilyLinkSpec:
    person_seq: int
    relative_seq: int
    kind: str  # identity.FamilyLink.Kind value


@dataclass(frozen=True)
class MandateSpec:
    representative_seq: int
    kind: str  # identity.Mandate.Kind value
    valid_from: dt.date
    valid_until: dt.date | None
    represented_person_seq: int | None = None
    represented_business: str | None = None  # registration number
    scope: tuple[str, ...] = ("*",)
    source: str = "register"


@dataclass(frozen=True)
class HouseholdSpec:
    number: int
    kind: str
    member_seqs: tuple[int, ...]
    municipality_code: str
    moved_from: str | None  # municipality of the previous address, if the household moved


@dataclass(frozen=True)
class BusinessSpec:
    registration_number: str
    name: str
    legal_form: str
    municipality_code: str
    founded_on: dt.date
    representative_seqs: tuple[int, ...]


@dataclass
class DemoCountry:
    """Everything the loader stores, in dependency order."""

    seed: int
    as_of: dt.date
    areas: list[AreaSpec]
    organisations: list[OrganisationSpec]
    staff: list[StaffSpec]
    streets: dict[str, list[Street]]
    persons: list[PersonSpec] = field(default_factory=list)
    households: list[HouseholdSpec] = field(default_factory=list)
    addresses: list[AddressSpec] = field(default_factory=list)
    family_links: list[FamilyLinkSpec] = field(default_factory=list)
    mandates: list[MandateSpec] = field(default_factory=list)
    businesses: list[BusinessSpec] = field(default_factory=list)

    def current_address(self) -> dict[int, AddressSpec]:
        return {a.person_seq: a for a in self.addresses if a.valid_to is None}


def birthday(born: dt.date, years: int) -> dt.date:
    """The date someone born on `born` turns `years` (29 February counts from 1 March).

    Same convention as identity's register mandates, so they recognise ours as their own.
    """
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return born.replace(year=born.year + years, month=3, day=1)


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# --- people --------------------------------------------------------------------------------


@dataclass
class _Member:
    role: str  # "adult" or "child"
    age: int
    origin: Origin
    family_name: str
    sex: str = ""


def _sex(rng: random.Random) -> str:
    roll = rng.random()
    return "X" if roll < 0.005 else ("F" if roll < 0.5025 else "M")


def _adults(rng: random.Random, kind: str) -> list[tuple[int, bool]]:
    """Ages of a household's adults, and whether there is a partner."""
    if kind == "single":
        return [(round(rng.triangular(18, 66, 30)), False)]
    if kind == "elderly_single":
        return [(round(rng.triangular(60, 101, 70)), False)]
    if kind == "elderly_couple":
        first = round(rng.triangular(60, 96, 68))
        return [(first, True), (max(56, first + round(rng.gauss(0, 3))), True)]
    if kind == "couple":  # young couples and couples whose children have left home
        first = round(rng.triangular(19, 40, 28) if rng.random() < 0.45 else rng.uniform(45, 64))
        return [(first, True), (max(18, first + round(rng.gauss(0, 4))), True)]
    first = round(rng.triangular(22, 60, 40))  # family or single parent
    if kind == "single_parent":
        return [(first, False)]
    return [(first, True), (max(20, first + round(rng.gauss(0, 3))), True)]


def _children_ages(rng: random.Random, youngest_parent: int) -> list[int]:
    oldest = min(24, youngest_parent - 19)
    if oldest < 0:
        return []
    count = rng.choices((1, 2, 3, 4), weights=(35, 42, 17, 6))[0]
    return sorted((rng.randint(0, oldest) for _ in range(count)), reverse=True)


def _household_members(rng: random.Random, kind: str) -> list[_Member]:
    origin = rng.choices(ORIGINS, weights=[o.weight for o in ORIGINS])[0]
    family_name = rng.choice(origin.family)
    members: list[_Member] = []
    adults = _adults(rng, kind)
    same_sex = len(adults) == 2 and rng.random() < 0.04
    for i, (age, _partnered) in enumerate(adults):
        member_origin, member_family = origin, family_name
        if i == 1:
            if rng.random() < 0.2:  # a mixed couple
                member_origin = rng.choices(ORIGINS, weights=[o.weight for o in ORIGINS])[0]
            if rng.random() < 0.35 or member_origin is not origin:
                member_family = rng.choice(member_origin.family)
        sex = _sex(rng)
        if i == 1 and not same_sex and members[0].sex in "FM" and sex != "X":
            sex = "M" if members[0].sex == "F" else "F"
        members.append(_Member("adult", age, member_origin, member_family, sex))
    if kind in ("family", "single_parent"):
        youngest = min(m.age for m in members)
        for age in _children_ages(rng, youngest):
            parent = rng.choice(members)
            members.append(_Member("child", age, parent.origin, family_name, _sex(rng)))
    return members


def _given_name(rng: random.Random, member: _Member) -> str:
    if member.sex == "F":
        return rng.choice(member.origin.female)
    if member.sex == "M":
        return rng.choice(member.origin.male)
    return rng.choice(member.origin.female + member.origin.male)


def _birth_date(rng: random.Random, age: int, as_of: dt.date) -> dt.date:
    """A birth date on which the person is exactly `age` on `as_of`."""
    latest = birthday(as_of, -age)
    earliest = birthday(as_of, -age - 1) + dt.timedelta(days=1)
    return earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))


def _disabled(rng: random.Random, age: int) -> bool:
    rate = 0.02 if age < ADULT_AGE else (0.04 if age < 65 else 0.12)
    return rng.random() < rate


def _pick_municipality(rng: random.Random, number: int, codes: list[str]) -> str:
    if number < len(codes):  # every municipality gets residents, however small the demo
        return codes[number]
    return rng.choices(codes, weights=[POPULATION_WEIGHT[c] for c in codes])[0]


def _house_number(rng: random.Random) -> str:
    number = str(rng.randint(1, 180))
    return number + rng.choice("ab") if rng.random() < 0.06 else number


def _addresses(
    rng: random.Random,
    country: DemoCountry,
    number: int,
    persons: list[PersonSpec],
    municipality: str,
    moved_from: str | None,
) -> list[AddressSpec]:
    """One shared current address; an older one in another municipality if the household moved."""
    as_of = country.as_of
    adults = [p for p in persons if age_on(p.birth_date, as_of) >= ADULT_AGE] or persons
    youngest_adult_years = min(age_on(p.birth_date, as_of) for p in adults)
    years_here = max(1, min(20, youngest_adult_years - ADULT_AGE + 1))
    since = as_of - dt.timedelta(days=rng.randint(30, 365 * years_here))
    street = rng.choice(country.streets[municipality])
    house = _house_number(rng)
    addresses = [
        AddressSpec(
            p.seq,
            street.name,
            house,
            street.postcode,
            street.town,
            municipality,
            max(since, p.birth_date),
            None,
        )
        for p in persons
    ]
    if moved_from is not None:
        before = since - dt.timedelta(days=rng.randint(365, 365 * 8))
        old = rng.choice(country.streets[moved_from])
        old_house = _house_number(rng)
        until = since - dt.timedelta(days=1)
        addresses += [
            AddressSpec(
                p.seq,
                old.name,
                old_house,
                old.postcode,
                old.town,
                moved_from,
                max(before, p.birth_date),
                until,
            )
            for p in persons
            if p.birth_date <= until
        ]
    return addresses


def _language(rng: random.Random, origin: Origin, municipality: str) -> str:
    share = origin.french_share
    if region_of(municipality) == FRENCH_SPEAKING_REGION:
        share = min(0.95, share + 0.35)
    return "fr" if rng.random() < share else "en"


def _persons_add(
    rng: random.Random, country: DemoCountry, members: list[_Member], number: int, language: str
) -> list[PersonSpec]:
    """The household's people, in order (adults first); children may not all fit in time."""
    persons: list[PersonSpec] = []
    names: set[str] = set()
    older_sibling: dt.date | None = None
    for member in members:
        seq = len(country.persons)
        born = _birth_date(rng, member.age, country.as_of)
        if member.role == "child" and older_sibling is not None:
            # Siblings are born 11 months to 4 years apart, never days apart.
            born = older_sibling + dt.timedelta(days=rng.randint(330, 1460))
            if born > country.as_of:
                break
        if member.role == "child":
            older_sibling = born
        given = _given_name(rng, member)
        for _retry in range(5):  # nobody shares a first name with someone at home
            if given not in names:
                break
            given = _given_name(rng, member)
        names.add(given)
        person = PersonSpec(
            seq=seq,
            national_id=national_id_generate(seq),
            given_name=given,
            family_name=member.family_name,
            birth_date=born,
            sex=member.sex,
            language=language,
            disability=_disabled(rng, age_on(born, country.as_of)),
            household=number,
        )
        country.persons.append(person)
        persons.append(person)
    return persons


def _family_add(
    country: DemoCountry, parents: list[PersonSpec], children: list[PersonSpec]
) -> None:
    """Partners both ways, parent to child, and a register mandate for each minor child."""
    if len(parents) == 2:
        a, b = parents
        country.family_links += [
            FamilyLinkSpec(a.seq, b.seq, "partner"),
            FamilyLinkSpec(b.seq, a.seq, "partner"),
        ]
    for parent in parents:
        for child in children:
            country.family_links.append(FamilyLinkSpec(parent.seq, child.seq, "parent"))
            coming_of_age = birthday(child.birth_date, ADULT_AGE)
            if coming_of_age > country.as_of:
                country.mandates.append(
                    MandateSpec(
                        representative_seq=parent.seq,
                        kind="parent",
                        valid_from=child.birth_date,
                        valid_until=coming_of_age - dt.timedelta(days=1),
                        represented_person_seq=child.seq,
                    )
                )


def _household_add(rng: random.Random, country: DemoCountry, kind: str, room: int) -> None:
    number = len(country.households)
    codes = municipality_codes()
    members = _household_members(rng, kind)[:room]
    municipality = _pick_municipality(rng, number, codes)
    moved_from = None
    if number % 7 == 3 or rng.random() < 0.12:
        moved_from = rng.choice([c for c in codes if c != municipality])
    language = _language(rng, members[0].origin, municipality)
    persons = _persons_add(rng, country, members, number, language)
    roles = [m.role for m in members[: len(persons)]]
    _family_add(
        country,
        parents=[p for p, r in zip(persons, roles, strict=True) if r == "adult"],
        children=[p for p, r in zip(persons, roles, strict=True) if r == "child"],
    )
    country.addresses += _addresses(rng, country, number, persons, municipality, moved_from)
    country.households.append(
        HouseholdSpec(number, kind, tuple(p.seq for p in persons), municipality, moved_from)
    )


def _population_add(rng: random.Random, country: DemoCountry, people: int) -> None:
    kinds = [k for k, _w in HOUSEHOLD_KINDS]
    weights = [w for _k, w in HOUSEHOLD_KINDS]
    while len(country.persons) < people:
        number = len(country.households)
        kind = kinds[number] if number < len(kinds) else rng.choices(kinds, weights=weights)[0]
        _household_add(rng, country, kind, people - len(country.persons))


# --- businesses ----------------------------------------------------------------------------


def _business_name(
    rng: random.Random, form: tuple[str, str, int], owner: PersonSpec, town: str
) -> str:
    legal_form, suffix, _share = form
    trade = rng.choice(TRADES)
    if legal_form == "sole_trader":
        return f"{owner.given_name} {owner.family_name} {trade}"
    if legal_form == "partnership":
        return f"{owner.family_name} {suffix}"
    if legal_form == "private_limited":
        return f"{rng.choice((owner.family_name, town))} {trade} {suffix}"
    return f"{town} {trade} {suffix}"


def _businesses_add(rng: random.Random, country: DemoCountry) -> None:
    """Businesses founded by working-age residents, who hold a business mandate for them."""
    as_of = country.as_of
    candidates = [p for p in country.persons if 20 <= age_on(p.birth_date, as_of) <= 75]
    if not candidates:
        return
    home = country.current_address()
    codes = municipality_codes()
    count = max(1, round(len(country.persons) * BUSINESSES_PER_PERSON))
    for i in range(count):
        owner = rng.choice(candidates)
        representatives = [owner]
        if rng.random() < 0.35:
            other = rng.choice(candidates)
            if other.seq != owner.seq:
                representatives.append(other)
        municipality = home[owner.seq].municipality_code
        if rng.random() >= 0.8:  # most businesses are registered where their owner lives
            municipality = rng.choice(codes)
        earliest = max(birthday(p.birth_date, ADULT_AGE) for p in representatives)
        earliest = max(earliest, birthday(as_of, -50))
        latest = as_of - dt.timedelta(days=30)
        founded = earliest + dt.timedelta(days=rng.randint(0, max(0, (latest - earliest).days)))
        form = rng.choices(LEGAL_FORMS, weights=[f[2] for f in LEGAL_FORMS])[0]
        town = country.streets[municipality][0].town
        business = BusinessSpec(
            registration_number=f"BR{100_000 + i:06d}",
            name=_business_name(rng, form, owner, town),
            legal_form=form[0],
            municipality_code=municipality,
            founded_on=founded,
            representative_seqs=tuple(p.seq for p in representatives),
        )
        country.businesses.append(business)
        for rep in representatives:
            country.mandates.append(
                MandateSpec(
                    representative_seq=rep.seq,
                    kind="business",
                    valid_from=founded,
                    valid_until=None,
                    represented_business=business.registration_number,
                )
            )


# --- the country ---------------------------------------------------------------------------


def demo_country_generate(
    *,
    seed: int = DEFAULT_SEED,
    people: int = DEFAULT_PEOPLE,
    as_of: dt.date = DEMO_AS_OF,
    country_name: str = "Republic of Demoland",
) -> DemoCountry:
    """The whole demo country for a seed: same seed, same `as_of`, same country, always."""
    if people < 1:
        raise ValueError("people must be at least 1")
    rng = random.Random(seed)
    organisations = organisations_generate(country_name=country_name)
    country = DemoCountry(
        seed=seed,
        as_of=as_of,
        areas=areas_generate(country_name=country_name),
        organisations=organisations,
        staff=staff_generate(seed=seed, organisations=organisations),
        streets=streets_generate(seed=seed),
    )
    _population_add(rng, country, people)
    _businesses_add(rng, country)
    return country
