"""Reading cases: by id for domains, for staff (their organisation only), for the person,
and the case worker's queue.

Why a foreign organisation's case is NotFound and not Refused: a 403 would confirm that the
id exists; staff and people learn nothing about cases that are not theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Window
from django.utils.translation import gettext as _

from govdoor.cases.models import OPEN_STATUSES, Case, CaseEvent, CaseStatus
from govdoor.catalogue.models import Service
from govdoor.core import clock
from govdoor.core.errors import DomainError, NotFound
from govdoor.core.ids import uuid_or_none
from govdoor.identity.models import Person, User
from govdoor.organisations.models import Organisation

QUEUE_COLUMNS = (
    "id",
    "reference",
    "title",
    "status",
    "outcome",
    "opened_at",
    "due_at",
    "escalated_at",
    "needs_review",
    "service_id",
    "organisation_id",
    "assignee_id",
    "applicant_id",
    "business_id",
    "parent_id",
    "source",
    "decided_at",
    "appeal_until",
)


def _detail() -> QuerySet[Case]:
    return Case.objects.select_related(
        "service", "service__owner", "organisation", "applicant", "business", "assignee", "parent"
    )


def _not_found() -> NotFound:
    return NotFound(_("No such case."))


def case_get(case_id: Any) -> Case:
    """For other domains' internal use (rules): no permission check."""
    pk = uuid_or_none(case_id)
    case = _detail().filter(pk=pk).first() if pk else None
    if case is None:
        raise _not_found()
    return case


def case_for_staff(*, user: User, organisation: Organisation, case_id: Any) -> Case:
    """The case if it is at `organisation` (the staff member's current one), else NotFound."""
    pk = uuid_or_none(case_id)
    case = _detail().filter(pk=pk, organisation=organisation).first() if pk else None
    if case is None:
        raise _not_found()
    return case


def case_for_organisation(*, organisation: Organisation, case_id: Any) -> Case:
    """For agency systems (API): only their organisation's cases."""
    pk = uuid_or_none(case_id)
    case = _detail().filter(pk=pk, organisation=organisation).first() if pk else None
    if case is None:
        raise _not_found()
    return case


def case_for_person(*, person: Person, case_id: Any) -> Case:
    pk = uuid_or_none(case_id)
    case = _detail().filter(pk=pk, applicant=person).first() if pk else None
    if case is None:
        raise _not_found()
    return case


def cases_of_person(*, person: Person) -> QuerySet[Case]:
    return (
        Case.objects.filter(applicant=person)
        .select_related("service", "organisation")
        .order_by("-opened_at", "-id")
    )


def cases_of_person_id(*, person_id: Any) -> QuerySet[Case]:
    return (
        Case.objects.filter(applicant_id=person_id)
        .select_related("service", "organisation")
        .order_by("-opened_at", "-id")
    )


@dataclass(frozen=True)
class CasesSummary:
    """What "My govdoor" shows: the latest cases and how many are still open."""

    latest: Sequence[Case]
    open_count: int
    total: int


def cases_summary_for(person: Person, *, latest: int = 3) -> CasesSummary:
    """One query: the latest cases, each carrying the person's totals (window counts)."""
    rows = list(
        cases_of_person(person=person).annotate(
            n_total=Window(Count("id")),
            n_open=Window(Count("id", filter=Q(status__in=OPEN_STATUSES))),
        )[:latest]
    )
    if not rows:
        return CasesSummary(latest=[], open_count=0, total=0)
    return CasesSummary(
        latest=rows,
        open_count=int(rows[0].n_open),  # type: ignore[attr-defined]
        total=int(rows[0].n_total),  # type: ignore[attr-defined]
    )


def cases_of_business(*, business_id: Any) -> QuerySet[Case]:
    return (
        Case.objects.filter(business_id=business_id)
        .select_related("service", "organisation")
        .order_by("-opened_at", "-id")
    )


def cases_decided(*, service: Service, limit: int) -> QuerySet[Case]:
    """The service's decided cases, newest first (the rule sandbox replays them)."""
    return (
        Case.objects.filter(service=service, decided_at__isnull=False)
        .exclude(outcome="")
        .order_by("-decided_at", "-id")[: max(0, int(limit))]
    )


def case_history(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor", "organisation").order_by("at", "id")


def case_letters(case: Case) -> QuerySet[CaseEvent]:
    return case.events.filter(kind=CaseEvent.Kind.LETTER).order_by("at", "id")


# --- The queue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilter:
    """What a case worker asks for; `status` "open" means every status with work to do."""

    status: str = "open"
    service: Any = None  # a Service id
    assignee: str = "anyone"  # "me" | "unassigned" | "anyone"
    overdue: bool = False
    q: str = ""

    def __post_init__(self) -> None:
        if self.status not in ("open", "all", *CaseStatus.values):
            raise DomainError(_("Unknown status."), field="status")
        if self.assignee not in ("me", "unassigned", "anyone"):
            raise DomainError(_("Choose me, unassigned or anyone."), field="assignee")
        if self.service not in (None, "") and uuid_or_none(self.service) is None:
            raise DomainError(_("Unknown service."), field="service")
        if len(self.q) > 40:
            raise DomainError(_("Search with at most 40 characters."), field="q")


def case_queue(*, organisation: Organisation, user: Any, filters: QueueFilter) -> QuerySet[Case]:
    """An organisation's cases for its case workers: filtered, overdue first (by due date).

    Sorted by due date ascending, so what is overdue comes first; cases without a deadline
    come last. The reference search is a prefix match (an index serves it).
    """
    qs = Case.objects.filter(organisation=organisation)
    if filters.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif filters.status != "all":
        qs = qs.filter(status=filters.status)
    service_id = uuid_or_none(filters.service) if filters.service else None
    if service_id is not None:
        qs = qs.filter(service_id=service_id)
    if filters.assignee == "me":
        qs = qs.filter(assignee=user)
    elif filters.assignee == "unassigned":
        qs = qs.filter(assignee__isnull=True)
    if filters.overdue:
        qs = qs.filter(due_at__lt=clock.now(), status__in=OPEN_STATUSES)
    if filters.q:
        q = filters.q.strip().upper()
        if not q.startswith("GD-"):
            q = "GD-" + q
        qs = qs.filter(Q(reference__startswith=q))
    return (
        qs.select_related("service", "assignee", "organisation")
        .only(
            *QUEUE_COLUMNS,
            "organisation__code",
            "organisation__name",
            "service__code",
            "service__name_en",
            "service__name_fr",
            "assignee__username",
        )
        .order_by(F("due_at").asc(nulls_last=True), "id")
    )


def queue_services(organisation: Organisation) -> QuerySet[Service]:
    """The services to filter the queue by: the organisation's own, or (for a triage desk,
    which owns none) every service."""
    own = Service.objects.filter(owner=organisation).order_by("name_en", "code")
    return own if own.exists() else Service.objects.order_by("name_en", "code")
