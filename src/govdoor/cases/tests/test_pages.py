from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from govdoor.cases.models import CaseEvent, CaseStatus
from govdoor.cases.services import case_decide, case_start_review
from govdoor.cases.tests.factories import open_case, person_living_in, staff_member
from govdoor.core import clock
from govdoor.identity.tests.factories import MandateFactory
from govdoor.ledger.models import Entry as LedgerEntry
from govdoor.organisations.models import StaffRole

pytestmark = pytest.mark.django_db

StaffClient = Callable[[Any], Client]
PersonClient = Callable[..., Client]


def _ledger_reads(purpose: str) -> int:
    return sum(1 for r in LedgerEntry.objects.all() if f'"purpose":"{purpose}"' in r.body)


def test_the_queue_shows_only_the_current_organisations_cases_with_bounded_queries(
    country: dict[str, Any],
    tax_service: Any,
    parking: dict[str, Any],
    applicant: Any,
    tax_worker: Any,
    staff_client: StaffClient,
    django_assert_max_num_queries: Any,
) -> None:
    mine = [open_case(tax_service, applicant) for _ in range(3)]
    theirs = open_case(parking["riverton"], applicant)
    client = staff_client(tax_worker)
    client.get(reverse("cases:bo-queue"))  # warm the session and the context
    with django_assert_max_num_queries(14):
        response = client.get(reverse("cases:bo-queue"))
    html = response.content.decode()
    assert response.status_code == 200
    for case in mine:
        assert case.reference in html
    assert theirs.reference not in html


def test_the_queue_filters_by_status_and_refuses_unknown_values(
    tax_service: Any, applicant: Any, tax_worker: Any, staff_client: StaffClient
) -> None:
    reviewing = open_case(tax_service, applicant)
    waiting_room = open_case(tax_service, applicant)
    case_start_review(case=reviewing, by=tax_worker)
    client = staff_client(tax_worker)
    html = client.get(reverse("cases:bo-queue"), {"status": "in_review"}).content.decode()
    assert reviewing.reference in html
    assert waiting_room.reference not in html
    bad = client.get(reverse("cases:bo-queue"), {"status": "lost"})
    assert bad.status_code == 200
    assert "govuk-error-summary" in bad.content.decode()


def test_staff_without_the_case_worker_role_cannot_open_the_queue(
    country: dict[str, Any], staff_client: StaffClient
) -> None:
    auditor = staff_member(country["tax"], "auditor", StaffRole.Role.AUDITOR)
    response = staff_client(auditor).get(reverse("cases:bo-queue"))
    assert response.status_code == 403


def test_the_case_page_shows_answers_with_sources_and_is_ledgered(
    tax_service: Any, applicant: Any, tax_worker: Any, staff_client: StaffClient
) -> None:
    source = {
        "register": "population",
        "version": "2",
        "field": "street",
        "changed_at": "2026-03-01T10:00:00+00:00",
    }
    case = open_case(
        tax_service,
        applicant,
        answers={
            "street": {"value": "Main Street", "source": source},
            "income": {"value": 1200, "source": {"declared": True}},
        },
    )
    before = _ledger_reads("case-handling")
    response = staff_client(tax_worker).get(reverse("cases:bo-detail", args=[case.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "From the register “population”, version 2, last changed 2026-03-01" in html
    assert "Declared by the applicant" in html
    assert applicant.full_name in html
    assert _ledger_reads("case-handling") == before + 1


def test_another_organisations_case_answers_404(
    parking: dict[str, Any], applicant: Any, tax_worker: Any, staff_client: StaffClient
) -> None:
    case = open_case(parking["riverton"], applicant)
    client = staff_client(tax_worker)
    assert client.get(reverse("cases:bo-detail", args=[case.pk])).status_code == 404
    response = client.post(reverse("cases:bo-act", args=[case.pk, "decide"]), {})
    assert response.status_code == 404


def test_a_case_worker_assigns_reviews_and_decides_from_the_case_page(
    tax_service: Any, applicant: Any, tax_worker: Any, staff_client: StaffClient
) -> None:
    case = open_case(tax_service, applicant)
    client = staff_client(tax_worker)
    for action in ("assign-me", "start-review"):
        response = client.post(reverse("cases:bo-act", args=[case.pk, action]))
        assert response.status_code == 302
    response = client.post(
        reverse("cases:bo-act", args=[case.pk, "decide"]),
        {"outcome": "granted", "reason": "All conditions met"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome, case.decided_by) == ("decided", "granted", tax_worker)
    html = client.get(reverse("cases:bo-detail", args=[case.pk])).content.decode()
    assert "Decision on your request" in html  # the letter


def test_a_decision_without_reasons_is_shown_again_with_the_error(
    tax_service: Any, applicant: Any, tax_worker: Any, staff_client: StaffClient
) -> None:
    case = open_case(tax_service, applicant)
    response = staff_client(tax_worker).post(
        reverse("cases:bo-act", args=[case.pk, "decide"]), {"outcome": "refused", "reason": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert 'id="decide-reason-error"' in html
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_an_illegal_action_shows_the_conflict_and_changes_nothing(
    tax_service: Any, applicant: Any, tax_worker: Any, staff_client: StaffClient
) -> None:
    case = open_case(tax_service, applicant)
    client = staff_client(tax_worker)
    response = client.post(reverse("cases:bo-act", args=[case.pk, "close"]), follow=True)
    assert "cannot become" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_triage_staff_route_a_case_from_the_page(
    country: dict[str, Any], parking: dict[str, Any], staff_client: StaffClient
) -> None:
    from govdoor.identity.tests.factories import PersonFactory

    case = open_case(parking["riverton"], PersonFactory())
    admin = staff_member(country["government"], "gov-admin", StaffRole.Role.ADMIN)
    client = staff_client(admin)
    assert case.reference in client.get(reverse("cases:bo-queue")).content.decode()
    response = client.post(
        reverse("cases:bo-act", args=[case.pk, "route"]),
        {"organisation": str(country["riverton_org"].pk), "note": "Lives in Riverton"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.organisation == country["riverton_org"]
    assert client.get(reverse("cases:bo-detail", args=[case.pk])).status_code == 404


def test_the_person_sees_their_cases_in_plain_words_and_on_my_govdoor(
    tax_service: Any, applicant: Any, person_client: PersonClient
) -> None:
    case = open_case(tax_service, applicant)
    client = person_client(applicant)
    listing = client.get(reverse("cases:mine")).content.decode()
    assert case.reference in listing
    assert "Received" in listing
    detail = client.get(reverse("cases:mine-detail", args=[case.pk])).content.decode()
    assert "We aim to decide by" in detail
    assert (
        reverse("letters:download", args=[case.events.get(kind=CaseEvent.Kind.LETTER).letter_id])
        in detail
    )
    my = client.get("/my/").content.decode()
    assert case.reference in my
    assert reverse("cases:mine") in my


def test_another_persons_case_answers_404(
    country: dict[str, Any], tax_service: Any, applicant: Any, person_client: PersonClient
) -> None:
    case = open_case(tax_service, applicant)
    stranger = person_living_in(country["riverton"])
    client = person_client(stranger)
    assert client.get(reverse("cases:mine-detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("cases:mine-appeal", args=[case.pk])).status_code == 404
    assert case.reference not in client.get(reverse("cases:mine")).content.decode()


def test_a_representative_acting_for_the_person_sees_and_appeals_their_case(
    country: dict[str, Any], tax_service: Any, applicant: Any, person_client: PersonClient
) -> None:
    from govdoor.identity.decorators import SESSION_ACTING_FOR

    case = open_case(tax_service, applicant)
    case_decide(case=case, outcome="refused", reason="Income too high", decided_by=None)
    helper = person_living_in(country["riverton"])
    mandate = MandateFactory(representative=helper, represented_person=applicant)
    client = person_client(helper)
    assert client.get(reverse("cases:mine-detail", args=[case.pk])).status_code == 404
    session = client.session
    session[SESSION_ACTING_FOR] = str(mandate.pk)
    session.save()
    page = client.get(reverse("cases:mine-detail", args=[case.pk])).content.decode()
    assert "Appeal against this decision" in page
    empty = client.post(reverse("cases:mine-appeal", args=[case.pk]), {"reason": ""})
    assert empty.status_code == 400
    response = client.post(
        reverse("cases:mine-appeal", args=[case.pk]), {"reason": "My income fell"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.APPEALED
    appeal = case.appeals.get()
    assert appeal.organisation == country["government"]


def test_the_appeal_button_is_gone_after_the_window(
    tax_service: Any, applicant: Any, person_client: PersonClient
) -> None:
    case = open_case(tax_service, applicant)
    case_decide(case=case, outcome="refused", reason="No", decided_by=None)
    client = person_client(applicant)
    with clock.frozen_at(clock.now() + dt.timedelta(days=50)):
        page = client.get(reverse("cases:mine-detail", args=[case.pk])).content.decode()
        assert "Appeal against this decision" not in page
        assert client.get(reverse("cases:mine-appeal", args=[case.pk])).status_code == 404


def test_the_case_page_shows_the_rules_explanation_when_rules_decided(
    country: dict[str, Any], applicant: Any, staff_client: StaffClient
) -> None:
    from decimal import Decimal

    from govdoor.catalogue.tests.factories import ServiceFactory
    from govdoor.rules import services as rules
    from govdoor.rules.selectors import decision_explanation

    rules.release_register(
        package="demoland", version="2026.1", effective_from=dt.date(2020, 1, 1), status="active"
    )
    service = ServiceFactory(code="child-benefit", owner=country["tax"], name_en="Child benefit")
    rules.binding_save(
        service=service,
        package="demoland",
        variable="child_benefit",
        input_mapping={
            "household": {"household_income": "household_income"},
            "children": "children_birth_dates",
        },
        auto_approve_max=Decimal("500"),
    )
    case = open_case(
        service,
        applicant,
        answers={
            "household_income": {"value": 3100, "source": {"declared": True}},
            "children_birth_dates": {"value": ["2018-03-01"], "source": {"declared": True}},
        },
    )
    decision = rules.decision_for_case_opened(case_id=case.pk)
    assert decision is not None
    worker = staff_member(country["tax"], "rules-cw", StaffRole.Role.CASE_WORKER)
    html = staff_client(worker).get(reverse("cases:bo-detail", args=[case.pk])).content.decode()
    assert "What the rules computed" in html
    from django.utils.html import escape

    for line in decision_explanation(decision=decision, language="en"):
        assert escape(line) in html
