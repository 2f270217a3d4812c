"""Loading the demo country into the database: idempotent, in bulk, in one transaction.

Why idempotent by natural keys: `make demo` runs the loader every time; a second run must
change nothing. Areas, organisations and staff are found by their codes and usernames,
businesses by registration number, and people by the blind index of their national number.
A household is stored whole or not at all, so its links, addresses and mandates are only
written together with its people.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from tqdm import tqdm

from govdoor.demo.generator import (
    DEFAULT_PEOPLE,
    DEFAULT_SEED,
    DEMO_AS_OF,
    DemoCountry,
    MandateSpec,
    demo_country_generate,
)
from govdoor.demo.staff import DEMO_STAFF_PASSWORD
from govdoor.identity.models import Address, Business, FamilyLink, Mandate, Person, User
from govdoor.identity.selectors import national_id_index
from govdoor.identity.services import staff_user_create
from govdoor.organisations.models import Area, Jurisdiction, Organisation

logger = logging.getLogger(__name__)

BATCH = 1000
M = TypeVar("M", bound=models.Model)


@dataclass
class LoadReport:
    """Rows created by one load (zero everywhere when the country was already loaded)."""

    areas: int = 0
    organisations: int = 0
    jurisdictions: int = 0
    persons: int = 0
    households: int = 0
    addresses: int = 0
    family_links: int = 0
    mandates: int = 0
    businesses: int = 0
    staff: int = 0
    skipped_persons: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @property
    def created(self) -> int:
        return sum(v for k, v in asdict(self).items() if k != "skipped_persons")


def _chunks(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _bulk(model: type[M], rows: Sequence[M], bar: tqdm[Any]) -> int:
    for chunk in _chunks(rows):
        model.objects.bulk_create(chunk, batch_size=BATCH)  # type: ignore[attr-defined]
        bar.update(len(chunk))
    return len(rows)


def _existing(values: Iterable[str], field: str, model: type[models.Model]) -> set[str]:
    wanted = list(values)
    found: set[str] = set()
    for chunk in _chunks(wanted):
        found.update(
            model.objects.filter(**{f"{field}__in": chunk}).values_list(field, flat=True)  # type: ignore[attr-defined]
        )
    return found


def _structure_load(
    country: DemoCountry, report: LoadReport
) -> tuple[dict[str, Area], dict[str, Organisation]]:
    areas: dict[str, Area] = {}
    for spec in country.areas:
        area, created = Area.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "parent": areas[spec.parent_code] if spec.parent_code else None,
            },
        )
        areas[spec.code] = area
        report.areas += created
    orgs: dict[str, Organisation] = {}
    for org_spec in country.organisations:
        org, created = Organisation.objects.get_or_create(
            code=org_spec.code,
            defaults={
                "name": org_spec.name,
                "level": org_spec.level,
                "parent": orgs[org_spec.parent_code] if org_spec.parent_code else None,
                "home_area": areas[org_spec.home_area_code] if org_spec.home_area_code else None,
                "logo": org_spec.logo,
                "website": org_spec.website,
            },
        )
        orgs[org_spec.code] = org
        report.organisations += created
        for area_code in org_spec.serves:
            _j, created = Jurisdiction.objects.get_or_create(
                organisation=org, area=areas[area_code]
            )
            report.jurisdictions += created
    return areas, orgs


def _people_load(
    country: DemoCountry, areas: dict[str, Area], report: LoadReport, bar: tqdm[Any]
) -> dict[int, Person]:
    """Store the households not stored yet; returns the new people by `seq`."""
    index = {p.seq: national_id_index(p.national_id) for p in country.persons}
    existing = _existing(index.values(), "national_id_index", Person)
    new_households = {
        h.number
        for h in country.households
        if not any(index[seq] in existing for seq in h.member_seqs)
    }
    report.households = len(new_households)
    bar.set_description("people")
    people = {
        p.seq: Person(
            national_id=p.national_id,
            national_id_index=index[p.seq],
            given_name=p.given_name,
            family_name=p.family_name,
            birth_date=p.birth_date,
            sex=p.sex,
            language=p.language,
            disability=p.disability,
        )
        for p in country.persons
        if p.household in new_households
    }
    report.skipped_persons = len(country.persons) - len(people)
    report.persons = _bulk(Person, list(people.values()), bar)
    _household_rows_load(country, areas, people, report, bar)
    return people


def _household_rows_load(
    country: DemoCountry,
    areas: dict[str, Area],
    people: dict[int, Person],
    report: LoadReport,
    bar: tqdm[Any],
) -> None:
    """Addresses, family links and parent mandates of the people stored just now."""
    bar.set_description("addresses")
    report.addresses = _bulk(
        Address,
        [
            Address(
                person=people[a.person_seq],
                street=a.street,
                house_number=a.house_number,
                postcode=a.postcode,
                town=a.town,
                municipality=areas[a.municipality_code],
                valid_from=a.valid_from,
                valid_to=a.valid_to,
            )
            for a in country.addresses
            if a.person_seq in people
        ],
        bar,
    )
    bar.set_description("family")
    report.family_links = _bulk(
        FamilyLink,
        [
            FamilyLink(person=people[f.person_seq], relative=people[f.relative_seq], kind=f.kind)
            for f in country.family_links
            if f.person_seq in people
        ],
        bar,
    )
    report.mandates += _bulk(
        Mandate,
        [
            _mandate(m, people, represented_person=people[m.represented_person_seq])
            for m in country.mandates
            if m.represented_person_seq is not None and m.representative_seq in people
        ],
        bar,
    )


def _mandate(spec: MandateSpec, people: dict[int, Person], **represented: Any) -> Mandate:
    """A Mandate row from the generator's spec; `represented` names the person or business."""
    return Mandate(
        representative=people[spec.representative_seq],
        kind=spec.kind,
        scope=list(spec.scope),
        valid_from=spec.valid_from,
        valid_until=spec.valid_until,
        source=spec.source,
        **represented,
    )


def _businesses_load(
    country: DemoCountry,
    areas: dict[str, Area],
    people: dict[int, Person],
    report: LoadReport,
    bar: tqdm[Any],
) -> None:
    """New businesses and their representatives' mandates (who may have been stored before)."""
    bar.set_description("businesses")
    existing = _existing(
        (b.registration_number for b in country.businesses), "registration_number", Business
    )
    new = [b for b in country.businesses if b.registration_number not in existing]
    businesses = {
        b.registration_number: Business(
            registration_number=b.registration_number,
            name=b.name,
            legal_form=b.legal_form,
            municipality=areas[b.municipality_code],
            founded_on=b.founded_on,
        )
        for b in new
    }
    report.businesses = _bulk(Business, list(businesses.values()), bar)
    earlier = {seq for b in new for seq in b.representative_seqs if seq not in people}
    if earlier:
        by_index = {national_id_index(country.persons[seq].national_id): seq for seq in earlier}
        for chunk in _chunks(list(by_index)):
            for person in Person.objects.filter(national_id_index__in=chunk):
                people[by_index[person.national_id_index]] = person
    report.mandates += _bulk(
        Mandate,
        [
            _mandate(m, people, represented_business=businesses[m.represented_business])
            for m in country.mandates
            if m.represented_business in businesses and m.representative_seq in people
        ],
        bar,
    )


def _staff_load(country: DemoCountry, orgs: dict[str, Organisation], report: LoadReport) -> None:
    """Demo staff through identity's service; the one demo password is hashed only once.

    Why hash once: a production-strength hash takes a third of a second, and every demo
    account has the same documented password anyway.
    """
    password_hash = ""
    taken = set(
        User.objects.filter(username__in=[s.username for s in country.staff]).values_list(
            "username", flat=True
        )
    )
    for spec in country.staff:
        if spec.username in taken:
            continue
        user = staff_user_create(
            username=spec.username,
            email=spec.email,
            organisation=orgs[spec.organisation_code],
            roles=spec.roles,
            totp_key=spec.totp_key,
        )
        password_hash = password_hash or make_password(DEMO_STAFF_PASSWORD)
        user.password = password_hash
        user.save(update_fields=["password"])
        report.staff += 1


@transaction.atomic
def demo_country_load(
    *,
    seed: int = DEFAULT_SEED,
    people: int = DEFAULT_PEOPLE,
    progress: bool = False,
    as_of: dt.date | None = None,
) -> LoadReport:
    """Generate the demo country for `seed` and store whatever is not stored yet."""
    country = demo_country_generate(
        seed=seed,
        people=people,
        as_of=as_of or DEMO_AS_OF,
        country_name=settings.GOVDOOR_COUNTRY_NAME,
    )
    report = LoadReport()
    areas, orgs = _structure_load(country, report)
    total = (
        len(country.persons)
        + len(country.addresses)
        + len(country.family_links)
        + len(country.mandates)
        + len(country.businesses)
    )
    with tqdm(
        total=total,
        desc="people",
        file=sys.stderr,
        disable=not progress,
        unit="row",
        dynamic_ncols=True,
    ) as bar:
        people_by_seq = _people_load(country, areas, report, bar)
        _businesses_load(country, areas, people_by_seq, report, bar)
        bar.set_description("done")
        bar.update(total - bar.n)  # rows already stored were skipped, not left undone
    _staff_load(country, orgs, report)
    logger.info("demo country loaded", extra={"seed": seed, **report.as_dict()})
    return report
