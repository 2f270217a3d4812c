from __future__ import annotations

import time
from typing import Any

import pytest

from govdoor.cases.demo import cases_demo_load
from govdoor.cases.models import Case, CaseEvent, CaseStatus
from govdoor.cases.tests.factories import person_living_in

pytestmark = pytest.mark.django_db


def test_the_demo_fills_queues_across_organisations_and_states_once(
    country: dict[str, Any], tax_service: Any, parking: dict[str, Any]
) -> None:
    for area in ("riverton", "hillside", "south"):
        for _ in range(4):
            person_living_in(country[area])
    started = time.perf_counter()
    created = cases_demo_load()
    assert time.perf_counter() - started < 10
    assert created["cases"] == Case.objects.count() >= 12
    organisations = set(Case.objects.values_list("organisation__code", flat=True))
    assert {"tax-agency", "riverton", "hillside", "government"} <= organisations
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {
        CaseStatus.SUBMITTED,
        CaseStatus.IN_REVIEW,
        CaseStatus.DECIDED,
        CaseStatus.TRIAGE,
    } <= statuses
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.OPENED).count() == Case.objects.count()
    assert len(set(Case.objects.values_list("reference", flat=True))) == Case.objects.count()
    assert cases_demo_load() == {"cases": 0}
