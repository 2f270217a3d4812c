"""The demo country's map and its government: areas, organisations, streets and postcodes.

Pure functions, no database: the loader turns these specs into rows, and other demo loaders
(base registers) can read the same specs. The structure does not depend on the seed, so
codes stay stable across loads; only the streets are drawn from it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from govdoor.demo.names import REGIONS, STREET_CORE, STREET_FR, STREET_KIND_EN

COUNTRY_CODE = "DL"
FRENCH_SPEAKING_REGION = "coast"
STREETS_PER_MUNICIPALITY = 12

# Central agencies: (code, name). Each serves the whole country.
AGENCIES: tuple[tuple[str, str], ...] = (
    ("tax", "Tax Agency"),
    ("social-insurance", "Social Insurance Agency"),
    ("health", "Health Agency"),
    ("transport", "Transport Agency"),
    ("civil-registry", "Civil Registry"),
    ("business-registry", "Business Registry"),
)
CENTRAL_GOVERNMENT = "government"

# Relative population of each municipality (the capital is the largest).
POPULATION_WEIGHT: dict[str, int] = {
    "demopolis": 30,
    "port-esmeray": 14,
    "aldermoor": 10,
    "saint-aubin": 9,
    "fernley": 7,
    "brackwater": 6,
    "gullhaven": 6,
    "granval": 5,
    "corriemount": 4,
    "lormont-sur-mer": 4,
    "hollins-cross": 3,
    "dunhollow": 2,
}


@dataclass(frozen=True)
class AreaSpec:
    code: str
    name: str
    kind: str  # organisations.Area.Kind value
    parent_code: str | None


@dataclass(frozen=True)
class OrganisationSpec:
    code: str
    name: str
    level: str  # organisations.Organisation.Level value
    parent_code: str | None
    home_area_code: str | None
    serves: tuple[str, ...]  # area codes (Jurisdiction rows)
    logo: str = ""
    website: str = ""


@dataclass(frozen=True)
class Street:
    municipality_code: str
    town: str
    name: str
    postcode: str


def logo_path(code: str) -> str:
    """The static path of an organisation's logo (files live in demo/static/govdoor/logos/)."""
    return f"govdoor/logos/{code}.svg"


def areas_generate(*, country_name: str) -> list[AreaSpec]:
    """Country, then regions, then municipalities: parents always come before children."""
    areas = [AreaSpec(COUNTRY_CODE, country_name, "country", None)]
    for region_code, region_name, _municipalities in REGIONS:
        areas.append(AreaSpec(region_code, region_name, "region", COUNTRY_CODE))
    for region_code, _region_name, municipalities in REGIONS:
        for code, name in municipalities:
            areas.append(AreaSpec(code, name, "municipality", region_code))
    return areas


def municipality_codes() -> list[str]:
    return [code for _r, _n, municipalities in REGIONS for code, _name in municipalities]


def region_of(municipality_code: str) -> str:
    for region_code, _name, municipalities in REGIONS:
        if any(code == municipality_code for code, _n in municipalities):
            return region_code
    raise KeyError(municipality_code)


def organisations_generate(*, country_name: str) -> list[OrganisationSpec]:
    """Central government and its agencies, regional councils, municipal councils."""
    website = "https://{code}.demo.govdoor.example"
    orgs = [
        OrganisationSpec(
            CENTRAL_GOVERNMENT,
            f"Government of the {country_name}",
            "central",
            None,
            None,
            (COUNTRY_CODE,),
            logo_path(CENTRAL_GOVERNMENT),
            website.format(code=CENTRAL_GOVERNMENT),
        ),
    ]
    for code, name in AGENCIES:
        orgs.append(
            OrganisationSpec(
                code,
                name,
                "central",
                CENTRAL_GOVERNMENT,
                None,
                (COUNTRY_CODE,),
                logo_path(code),
                website.format(code=code),
            )
        )
    for region_code, region_name, _m in REGIONS:
        orgs.append(
            OrganisationSpec(
                region_code,
                f"{region_name} Regional Council",
                "regional",
                None,
                region_code,
                (region_code,),
                logo_path(region_code),
                website.format(code=region_code),
            )
        )
    for region_code, _region_name, municipalities in REGIONS:
        for code, name in municipalities:
            orgs.append(
                OrganisationSpec(
                    code,
                    f"{name} Municipal Council",
                    "local",
                    region_code,
                    code,
                    (code,),
                    logo_path(code),
                    website.format(code=code),
                )
            )
    return orgs


def streets_generate(*, seed: int) -> dict[str, list[Street]]:
    """Streets and postcodes per municipality: "RMSS" (region, municipality, street)."""
    streets: dict[str, list[Street]] = {}
    for r, (region_code, _region_name, municipalities) in enumerate(REGIONS, start=1):
        for m, (code, name) in enumerate(municipalities, start=1):
            # A string seed is hashed with SHA-512 by random.Random: stable across processes.
            rng = random.Random(f"{seed}:{code}")
            if region_code == FRENCH_SPEAKING_REGION:
                names = rng.sample(STREET_FR, k=min(STREETS_PER_MUNICIPALITY, len(STREET_FR)))
            else:
                cores = rng.sample(STREET_CORE, k=STREETS_PER_MUNICIPALITY)
                names = [f"{core} {rng.choice(STREET_KIND_EN)}" for core in cores]
            streets[code] = [
                Street(code, name, street, f"{r}{m}{i:02d}")
                for i, street in enumerate(names, start=1)
            ]
    return streets
