"""GET /govstack/registration/data/statistics: processed, approved, sent back and rejected
applications of the caller's organisation, per the Registration statistics spec."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response

from govdoor.applications.govstack.base import RegistrationView
from govdoor.cases import selectors as case_selectors
from govdoor.core.errors import DomainError

TIMEFRAMES = ("day", "week", "month", "year")


def _date(request: Request, name: str) -> dt.date | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise DomainError(
            _("%(n)s must be a date (YYYY-MM-DD).") % {"n": name}, field=name
        ) from exc


class StatisticsView(RegistrationView):
    def get(self, request: Request) -> Response:
        start, end = _date(request, "startDate"), _date(request, "endDate")
        if start and end and start > end:
            raise DomainError(_("startDate must not be after endDate."), field="startDate")
        timeframe = request.query_params.get("timeframe", "")
        if timeframe and timeframe not in TIMEFRAMES:
            raise DomainError(_("timeframe must be day, week, month or year."), field="timeframe")
        qs = case_selectors.case_queue(
            organisation=self.organisation(),
            user=request.user,
            filters=case_selectors.QueueFilter(status="all"),
        ).order_by()
        if start:
            qs = qs.filter(opened_at__date__gte=start)
        if end:
            qs = qs.filter(opened_at__date__lte=end)
        name = request.query_params.get("registrationName", "").strip()
        if name:
            qs = qs.filter(
                Q(service__name_en__icontains=name) | Q(service__name_fr__icontains=name)
            )
        operator = request.query_params.get("operator", "").strip()
        if operator:
            qs = qs.filter(
                Q(decided_by__username__icontains=operator)
                | Q(decided_by__first_name__icontains=operator)
                | Q(decided_by__last_name__icontains=operator)
            )
        decided = Q(status__in=("decided", "appealed", "closed"))
        counts: dict[str, Any] = qs.aggregate(
            processed=Count("pk", filter=decided),
            approved=Count("pk", filter=decided & Q(outcome__in=("granted", "partly_granted"))),
            rejected=Count("pk", filter=decided & Q(outcome="refused")),
            sentBack=Count("pk", filter=Q(status="waiting")),
        )
        references = {
            "startDate": start.isoformat() if start else None,
            "endDate": end.isoformat() if end else None,
            "registrationName": name or None,
            "operator": operator or None,
            "role": request.query_params.get("role") or None,
            **{f"timeframe{t.capitalize()}": timeframe == t for t in TIMEFRAMES},
        }
        return Response(
            [
                {
                    "processed": counts["processed"],
                    "approved": counts["approved"],
                    "sentBack": counts["sentBack"],
                    "rejected": counts["rejected"],
                    "references": references,
                }
            ]
        )
