"""The demo country's catalogue: life events, topics, services at every level, three guides.

Safe to run again: rows that exist are left as their owners may have edited them. Services
offered by every municipality (or region) are one row per organisation, sharing a kind.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from govdoor.catalogue.demo_data import GUIDES, LIFE_EVENTS, SPECS, TOPICS, Spec
from govdoor.catalogue.models import Guide, LifeEvent, Service, Topic
from govdoor.catalogue.services import guide_save, service_create, service_publish
from govdoor.organisations.selectors import organisations_list


def _owners(spec: Spec, by_level: dict[str, list[Any]], by_code: dict[str, Any]) -> list[Any]:
    if spec.owner == "*local":
        return by_level["local"]
    if spec.owner == "*regional":
        return by_level["regional"]
    return [by_code[spec.owner]] if spec.owner in by_code else []


def _values(spec: Spec, owner: Any, kind: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "competent_level": spec.level,
        "name_en": spec.name[0],
        "name_fr": spec.name[1],
        "summary_en": spec.summary[0],
        "summary_fr": spec.summary[1],
        "eligibility_en": spec.eligibility,
        "loa": spec.loa,
        "sla_days": spec.sla_days,
        "fee": Decimal(spec.fee),
        "legal_basis": spec.legal_basis if not kind else f"{spec.legal_basis} ({owner.name})",
        "channels": list(spec.channels),
        "keywords": spec.keywords,
        "life_events": list(spec.life_events),
        "topics": list(spec.topics),
    }


def demo_catalogue_load() -> dict[str, int]:
    """Load the demo catalogue; returns how many rows of each kind were created."""
    report = {"life_events": 0, "topics": 0, "services": 0, "guides": 0}
    for position, (code, en, fr) in enumerate(LIFE_EVENTS):
        _e, made = LifeEvent.objects.get_or_create(
            code=code, defaults={"name_en": en, "name_fr": fr, "position": position}
        )
        report["life_events"] += int(made)
    for code, en, fr in TOPICS:
        _t, made = Topic.objects.get_or_create(code=code, defaults={"name_en": en, "name_fr": fr})
        report["topics"] += int(made)
    organisations = list(organisations_list())
    by_code = {o.code: o for o in organisations}
    by_level: dict[str, list[Any]] = {"local": [], "regional": []}
    for organisation in organisations:
        if organisation.level in by_level:
            by_level[organisation.level].append(organisation)
    existing = set(Service.objects.values_list("code", flat=True))
    first_of_kind: dict[str, str] = {}
    for spec in SPECS:
        kind = spec.code if spec.owner.startswith("*") else ""
        for owner in sorted(_owners(spec, by_level, by_code), key=lambda o: o.code):
            code = f"{spec.code}-{owner.code}" if kind else spec.code
            first_of_kind.setdefault(spec.code, code)
            if code in existing:
                continue
            service = service_create(
                user=None, owner=owner, code=code, values=_values(spec, owner, kind), check=False
            )
            service_publish(user=None, service=service, check=False)
            report["services"] += 1
    events = {e.code: e for e in LifeEvent.objects.all()}
    guides_made = set(Guide.objects.values_list("code", flat=True))
    for code, event_code, names, steps in GUIDES:
        present = [s for s in steps if s[0] in first_of_kind]
        if code in guides_made or not present:
            continue
        guide_save(
            code=code,
            names={"en": names[0], "fr": names[1]},
            summaries={},
            life_event=events.get(event_code),
            steps=[(first_of_kind[s], {"en": en, "fr": fr}) for s, en, fr in present],
        )
        report["guides"] += 1
    return report
