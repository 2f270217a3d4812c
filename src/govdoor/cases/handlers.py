"""Event consumers of cases (outbox, at least once; each effect is idempotent).

- `population.address_changed` (registries): "a move between municipalities follows the new
  address". The person's open cases are routed again for where they live now; a case whose
  competent organisation changed is transferred, with a history line, and its documents
  are shared with the new organisation. Appeals stay with their appeal body. A case for
  which the new area has no competent organisation goes to the triage desk.
- `messaging.reply_received`: a reply within a case that waits for the person records
  the information as received (the case goes back to review).
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils.translation import gettext as _

from govdoor.cases import routing
from govdoor.cases.models import OPEN_STATUSES, Case, CaseStatus, Source
from govdoor.catalogue.selectors import person_municipality
from govdoor.core.errors import NotFound
from govdoor.core.events import subscribe
from govdoor.core.models import OutboxEvent
from govdoor.identity.models import Person

log = logging.getLogger(__name__)

ADDRESS_TOPIC = "population.address_changed"
REPLY_TOPIC = "messaging.reply_received"


def _registered_area(person: Person) -> Any:
    """Where the population register says the person lives now (else identity's address)."""
    from govdoor.organisations.selectors import area_get_by_code
    from govdoor.registries.selectors import records_search, register_get

    try:
        register = register_get(code="population")
        record = records_search(register=register, exact={"person_id": str(person.pk)}).first()
    except NotFound:
        record = None
    code = (record.data or {}).get("municipality") if record is not None else None
    if code:
        try:
            return area_get_by_code(str(code))
        except NotFound:
            pass
    return person_municipality(person)


def cases_reroute(*, person: Person, area: Any) -> int:
    """Transfer the person's open cases whose competent organisation is now another one."""
    from govdoor.cases.services import case_transfer

    moved = 0
    cases = (
        Case.objects.filter(applicant=person, status__in=OPEN_STATUSES)
        .exclude(source=Source.APPEAL)
        .select_related("service", "organisation")
        .order_by("opened_at", "id")
    )
    for case in cases:
        resolved = routing.competent_for(service=case.service, area=area)
        service = case.service
        if resolved is not None:
            service, target = resolved
            note = _("The applicant moved: the case follows the new address.")
        elif case.status == CaseStatus.TRIAGE:
            continue
        else:
            target = routing.triage_organisation()
            note = _("The applicant moved where no organisation is competent: sent to triage.")
        if target.pk != case.organisation_id:
            case_transfer(case=case, organisation=target, service=service, note=note)
            moved += 1
    return moved


@subscribe(ADDRESS_TOPIC, consumer_id="cases.reroute_on_move")
def on_address_changed(event: OutboxEvent) -> None:
    subject_id = event.payload.get("subject_id")
    person = Person.objects.filter(pk=subject_id).first() if subject_id else None
    if person is None:
        return
    if not Case.objects.filter(applicant=person, status__in=OPEN_STATUSES).exists():
        return
    moved = cases_reroute(person=person, area=_registered_area(person))
    if moved:
        log.info("cases re-routed after a move", extra={"person_id": str(person.pk), "n": moved})


@subscribe(REPLY_TOPIC, consumer_id="cases.information_from_reply")
def on_reply_received(event: OutboxEvent) -> None:
    from govdoor.cases.services import case_information_received

    reference = event.payload.get("case_ref")
    organisation_id = event.payload.get("organisation_id")
    if not reference:
        return
    case = Case.objects.filter(
        reference=reference, organisation_id=organisation_id, status=CaseStatus.WAITING
    ).first()
    if case is None:
        return
    case_information_received(
        case=case,
        by=None,
        actor_label="applicant",
        note=_("The applicant replied in the govdoor mailbox."),
    )
