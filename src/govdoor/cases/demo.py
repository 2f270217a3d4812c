"""Demo cases: a few hundred cases across organisations and states, so queues are not empty.

Fast and idempotent: the bulk of them are written directly (one INSERT per table), each with
its history, routed as `case_open` would route them, with reference numbers taken from the
same yearly counter; they carry no letters (issuing hundreds of signed PDFs would take
minutes). Two cases of the first demo persons go through the real services instead, so the
person's journey (receipt, decision letter, appeal) can be shown end to end.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.db import transaction
from django.db.models import F

from govdoor.cases import routing
from govdoor.cases.models import Case, CaseEvent, CaseStatus, ReferenceCounter, Source
from govdoor.cases.workflow import due_at_for
from govdoor.catalogue.models import Service
from govdoor.core import clock
from govdoor.identity.models import Address, Person, User
from govdoor.organisations.models import StaffRole

DEMO_CASES = 300
SOURCE_PREFIX = "demo-"
FEATURED = f"{SOURCE_PREFIX}featured-decided"
# (status, outcome) by position: most open, some decided, a few closed.
STATES: tuple[tuple[str, str], ...] = (
    (CaseStatus.SUBMITTED, ""),
    (CaseStatus.SUBMITTED, ""),
    (CaseStatus.IN_REVIEW, ""),
    (CaseStatus.IN_REVIEW, ""),
    (CaseStatus.WAITING, ""),
    (CaseStatus.DECIDED, "granted"),
    (CaseStatus.DECIDED, "refused"),
    (CaseStatus.SUBMITTED, ""),
    (CaseStatus.CLOSED, "granted"),
    (CaseStatus.IN_REVIEW, ""),
)
REASONS = {"granted": "All conditions are met.", "refused": "The conditions are not met."}


def _references(year: int, count: int) -> list[str]:
    ReferenceCounter.objects.bulk_create([ReferenceCounter(year=year)], ignore_conflicts=True)
    ReferenceCounter.objects.filter(year=year).update(last=F("last") + count)
    last = ReferenceCounter.objects.get(year=year).last
    return [f"GD-{year}-{n:06d}" for n in range(last - count + 1, last + 1)]


def _workers() -> dict[Any, User]:
    rows = StaffRole.objects.filter(role=StaffRole.Role.CASE_WORKER).select_related("user")
    return {r.organisation_id: r.user for r in rows.order_by("user__username")}


def _plan(people: list[tuple[Person, Any]], services: list[Service]) -> list[dict[str, Any]]:
    """Which person applies for which service, routed (cached per service and area)."""
    cache: dict[tuple[Any, Any], tuple[Service, Any] | None] = {}
    triage = routing.triage_organisation()
    plans = []
    pairs = zip(itertools.cycle(services), people, strict=False)
    for index, (service, (person, area)) in enumerate(pairs):
        key = (service.pk, getattr(area, "pk", None))
        if key not in cache:
            cache[key] = routing.competent_for(service=service, area=area)
        resolved = cache[key]
        plans.append(
            {
                "index": index,
                "person": person,
                "service": resolved[0] if resolved else service,
                "organisation": resolved[1] if resolved else triage,
                "triage": resolved is None,
            }
        )
    return plans


def _case_row(
    plan: dict[str, Any], reference: str, now: dt.datetime, workers: dict[Any, User]
) -> Case:
    index = plan["index"]
    status, outcome = STATES[index % len(STATES)]
    if plan["triage"]:
        status, outcome = CaseStatus.TRIAGE, ""
    opened = now - dt.timedelta(days=1 + (index * 7) % 40, hours=index % 9)
    service: Service = plan["service"]
    decided = opened + dt.timedelta(days=3) if outcome else None
    worker = workers.get(plan["organisation"].pk)
    return Case(
        reference=reference,
        service=service,
        organisation=plan["organisation"],
        applicant=plan["person"],
        title=service.name_en,
        status=status,
        outcome=outcome,
        answers={"reason": {"value": "Demo application", "source": {"declared": True}}},
        source=Source.STAFF,
        source_ref=f"{SOURCE_PREFIX}{plan['person'].pk}-{service.code}",
        assignee=worker if status != CaseStatus.SUBMITTED and index % 3 else None,
        opened_at=opened,
        due_at=due_at_for(opened, service.sla_days or 20),
        updated_at=decided or opened,
        decided_at=decided,
        decision_reason=REASONS.get(outcome, ""),
        appeal_until=(decided + dt.timedelta(days=42)).date() if decided else None,
        info_request="Please send a recent payslip." if status == CaseStatus.WAITING else "",
        info_due_on=(now + dt.timedelta(days=10)).date() if status == CaseStatus.WAITING else None,
        closed_at=decided if status == CaseStatus.CLOSED else None,
    )


def _history(case: Case) -> list[CaseEvent]:
    events = [
        CaseEvent(
            case=case,
            kind=CaseEvent.Kind.OPENED,
            at=case.opened_at,
            actor_label="demo",
            to_status=CaseStatus.TRIAGE
            if case.status == CaseStatus.TRIAGE
            else CaseStatus.SUBMITTED,
            organisation=case.organisation,
        )
    ]
    if case.status not in (CaseStatus.SUBMITTED, CaseStatus.TRIAGE):
        events.append(
            CaseEvent(
                case=case,
                kind=CaseEvent.Kind.TRANSITION,
                at=case.decided_at or case.opened_at + dt.timedelta(hours=2),
                actor=case.assignee,
                actor_label="" if case.assignee else "demo",
                from_status=CaseStatus.SUBMITTED,
                to_status=case.status,
                note=case.decision_reason,
            )
        )
    return events


def _featured() -> int:
    """A decided case, through the real services (receipt and signed decision letter in the
    mailbox, an appeal window), for the first demo persona."""
    from govdoor.cases.services import case_decide, case_open
    from govdoor.demo.selectors import demo_personas_list

    personas = demo_personas_list()
    service = (
        Service.objects.filter(status=Service.Status.PUBLISHED, competent_level="central")
        .order_by("code")
        .first()
    )
    if not personas or service is None:
        return 0
    case = case_open(
        service=service,
        applicant=personas[0].person,
        opened_by=None,
        source=Source.STAFF,
        source_ref=FEATURED,
        answers={"reason": {"value": "Demo application", "source": {"declared": True}}},
    )
    case_decide(case=case, outcome="granted", reason=REASONS["granted"], decided_by=None)
    return 1


def cases_demo_load() -> dict[str, int]:
    existing = set(
        Case.objects.filter(source=Source.STAFF, source_ref__startswith=SOURCE_PREFIX).values_list(
            "source_ref", flat=True
        )
    )
    services = list(
        Service.objects.filter(status=Service.Status.PUBLISHED)
        .select_related("owner")
        .order_by("code")
    )
    addresses = (
        Address.objects.filter(valid_to__isnull=True)
        .select_related("person", "municipality")
        .order_by("person_id")[:DEMO_CASES]
    )
    people = [(a.person, a.municipality) for a in addresses]
    if not services or not people:
        return {"cases": 0}
    now = clock.now()
    with transaction.atomic():
        plans = [
            p
            for p in _plan(people, services)
            if f"{SOURCE_PREFIX}{p['person'].pk}-{p['service'].code}" not in existing
        ]
        references = _references(now.year, len(plans)) if plans else []
        workers = _workers()
        rows = [_case_row(p, r, now, workers) for p, r in zip(plans, references, strict=True)]
        Case.objects.bulk_create(rows, batch_size=500)
        CaseEvent.objects.bulk_create([e for case in rows for e in _history(case)], batch_size=1000)
    featured = _featured() if FEATURED not in existing else 0
    return {"cases": len(rows) + featured}
