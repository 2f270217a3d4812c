"""The demo country's base registers: defined as data and filled from the identity tables.

Idempotent: registers that exist are kept, and only subjects without a record get one, so
`make demo` can run again. Vehicles, property and parking permits are generated
deterministically from the people (no randomness: the same demo every time).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from tqdm import tqdm

from govdoor.identity.models import Address, Business, FamilyLink, Person
from govdoor.organisations.models import Organisation
from govdoor.registries.models import Record, Register
from govdoor.registries.pipeline import records_bulk_load_batches
from govdoor.registries.selectors import Caller
from govdoor.registries.services import register_create

S, D = {"type": "string"}, {"type": "string", "format": "date"}
IDS = {"type": "array", "items": {"type": "string"}}
ADDRESS = {"street": S, "house_number": S, "postcode": S, "town": S, "municipality": S}


def _obj(required: list[str], **props: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": props,
    }


DEFINITIONS: list[dict[str, Any]] = [
    dict(
        code="population",
        owner="civil-registry",
        name="Population register",
        json_schema=_obj(
            ["person_id", "national_id", "given_name", "family_name", "birth_date"],
            person_id=S,
            national_id={"type": "string", "pattern": "^[0-9]{9}$"},
            given_name=S,
            family_name=S,
            birth_date=D,
            sex={"enum": ["F", "M", "X"]},
            deceased_on=D,
            parents=IDS,
            partners=IDS,
            **ADDRESS,
        ),
        personal_fields=[
            "person_id",
            "national_id",
            "given_name",
            "family_name",
            "birth_date",
            "sex",
            "deceased_on",
            "parents",
            "partners",
            "street",
            "house_number",
        ],
        indexed_fields=["national_id"],
        subject_field="person_id",
        subject_kind="person",
        key_field="person_id",
        retention_days=365 * 100,
        event_topics={"address_changed": list(ADDRESS), "family_changed": ["parents", "partners"]},
    ),
    dict(
        code="addresses",
        owner="civil-registry",
        name="Addresses register",
        json_schema=_obj(["address_id", "street", "postcode", "town"], address_id=S, **ADDRESS),
        key_field="address_id",
    ),
    dict(
        code="businesses",
        owner="business-registry",
        name="Business register",
        json_schema=_obj(
            ["business_id", "registration_number", "name"],
            business_id=S,
            registration_number=S,
            name=S,
            legal_form=S,
            municipality=S,
            founded_on=D,
        ),
        subject_field="business_id",
        subject_kind="business",
        key_field="registration_number",
    ),
    dict(
        code="vehicles",
        owner="transport",
        name="Vehicle register",
        json_schema=_obj(
            ["plate", "make", "owner_id"],
            plate={"type": "string", "pattern": "^[A-Z]{2}-[0-9]{4}$"},
            make=S,
            year={"type": "integer", "minimum": 1950},
            owner_id=S,
        ),
        personal_fields=["owner_id"],
        indexed_fields=[],
        subject_field="owner_id",
        subject_kind="person",
        key_field="plate",
        retention_days=365 * 10,
        event_topics={"owner_changed": ["owner_id"]},
    ),
    dict(
        code="property",
        owner="civil-registry",
        name="Property (land) register",
        json_schema=_obj(
            ["parcel_id", "municipality", "owner_id"],
            parcel_id=S,
            municipality=S,
            area_m2={"type": "integer", "minimum": 1},
            owner_id=S,
        ),
        personal_fields=["owner_id"],
        indexed_fields=[],
        subject_field="owner_id",
        subject_kind="person",
        key_field="parcel_id",
        event_topics={"owner_changed": ["owner_id"]},
    ),
    dict(
        code="parking-permits",
        owner="demopolis",
        name="Parking permits (Demopolis)",
        json_schema=_obj(
            ["permit_number", "zone", "plate", "holder_id"],
            permit_number=S,
            zone={"enum": ["A", "B", "C"]},
            plate=S,
            holder_id=S,
            valid_until=D,
        ),
        personal_fields=["holder_id", "plate"],
        indexed_fields=[],
        subject_field="holder_id",
        subject_kind="person",
        key_field="permit_number",
        retention_days=365 * 2,
    ),
]


def _digit(seed: str, mod: int) -> int:
    return int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16) % mod


def _population(people: Iterable[Person]) -> list[dict[str, Any]]:
    people = list(people)
    ids = [p.pk for p in people]
    addresses = {
        a.person_id: a
        for a in Address.objects.filter(person_id__in=ids, valid_to__isnull=True).select_related(
            "municipality"
        )
    }
    parents: dict[Any, list[str]] = defaultdict(list)
    partners: dict[Any, list[str]] = defaultdict(list)
    for link in FamilyLink.objects.filter(relative_id__in=ids, kind="parent"):
        parents[link.relative_id].append(str(link.person_id))
    for link in FamilyLink.objects.filter(person_id__in=ids, kind="partner"):
        partners[link.person_id].append(str(link.relative_id))
    rows = []
    for p in people:
        row: dict[str, Any] = {
            "person_id": str(p.pk),
            "national_id": p.national_id,
            "given_name": p.given_name,
            "family_name": p.family_name,
            "birth_date": p.birth_date.isoformat(),
            "sex": p.sex,
            "parents": sorted(parents[p.pk]),
            "partners": sorted(partners[p.pk]),
        }
        if p.deceased_on:
            row["deceased_on"] = p.deceased_on.isoformat()
        address = addresses.get(p.pk)
        if address is not None:
            row.update(
                street=address.street,
                house_number=address.house_number,
                postcode=address.postcode,
                town=address.town,
                municipality=address.municipality.code,
            )
        rows.append(row)
    return rows


def _rows_for(code: str, people: list[Person]) -> list[dict[str, Any]]:
    if code == "population":
        return _population(people)
    if code == "addresses":
        seen: dict[str, dict[str, Any]] = {}
        for a in Address.objects.select_related("municipality").order_by("id"):
            key = f"{a.municipality.code}:{a.postcode}:{a.street}:{a.house_number}"
            seen.setdefault(
                key,
                {
                    "address_id": key,
                    "street": a.street,
                    "house_number": a.house_number,
                    "postcode": a.postcode,
                    "town": a.town,
                    "municipality": a.municipality.code,
                },
            )
        return list(seen.values())
    if code == "businesses":
        return [
            {
                "business_id": str(b.pk),
                "registration_number": b.registration_number,
                "name": b.name,
                "legal_form": b.legal_form,
                "municipality": b.municipality.code,
                "founded_on": b.founded_on.isoformat(),
            }
            for b in Business.objects.select_related("municipality").order_by("id")
        ]
    adults = [p for p in people if p.birth_date.year <= 2008]
    if code == "vehicles":
        makes = ["Volvo", "Renault", "Skoda", "Toyota", "Peugeot", "Fiat"]
        return [
            {
                "plate": f"{chr(65 + n % 26)}{chr(65 + n // 26 % 26)}-{n % 10000:04d}",
                "make": makes[_digit(str(p.pk), len(makes))],
                "year": 1995 + _digit(f"y{p.pk}", 30),
                "owner_id": str(p.pk),
            }
            for n, p in enumerate(adults)
            if n % 3 == 0
        ]
    addresses = {
        a.person_id: a
        for a in Address.objects.filter(valid_to__isnull=True).select_related("municipality")
    }
    if code == "property":
        return [
            {
                "parcel_id": f"{addresses[p.pk].municipality.code.upper()[:3]}-{n:06d}",
                "municipality": addresses[p.pk].municipality.code,
                "area_m2": 80 + _digit(f"a{p.pk}", 900),
                "owner_id": str(p.pk),
            }
            for n, p in enumerate(adults)
            if n % 4 == 0 and p.pk in addresses
        ]
    residents = [
        p for p in adults if p.pk in addresses and addresses[p.pk].municipality.code == "demopolis"
    ]
    return [
        {
            "permit_number": f"DP-{n:05d}",
            "zone": "ABC"[_digit(str(p.pk), 3)],
            "plate": f"DP-{n:04d}",
            "holder_id": str(p.pk),
            "valid_until": "2027-12-31",
        }
        for n, p in enumerate(residents)
        if n % 5 == 0
    ]


def demo_registers_load(*, progress: bool) -> dict[str, int]:
    """Define the demo registers and fill them; returns records created per register."""
    people = list(Person.objects.order_by("id"))
    created: dict[str, int] = {}
    for definition in tqdm(DEFINITIONS, desc="registers", disable=not progress):
        spec = dict(definition)
        owner = Organisation.objects.filter(code=spec.pop("owner")).first()
        if owner is None:
            continue
        register = Register.objects.filter(code=spec["code"], version="1.0").first()
        if register is None:
            register = register_create(organisation=owner, **spec)
        key = register.key_field
        rows = _rows_for(register.code, people)
        have = _existing_keys(register, rows)
        fresh = [r for r in rows if str(r[key]) not in have]
        actor = Caller(organisation=register.organisation, is_agency=True, purpose="demo")
        records_bulk_load_batches(
            register=register,
            batches=(fresh[start : start + 2000] for start in range(0, len(fresh), 2000)),
            actor=actor,
            reason="demo data",
        )
        created[register.code] = len(fresh)
    return created


def _existing_keys(register: Register, rows: list[dict[str, Any]]) -> set[str]:
    if register.key_field in register.personal_fields:
        from govdoor.registries.bulk import existing_by_key

        return set(existing_by_key(register, rows))
    return {
        str(v)
        for v in Record.objects.filter(register=register).values_list(
            f"data__{register.key_field}", flat=True
        )
    }
