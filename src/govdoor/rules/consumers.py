"""What the rules domain does when other domains publish events."""

from __future__ import annotations

from govdoor.core.events import subscribe
from govdoor.core.models import OutboxEvent


@subscribe("cases.case_opened", consumer_id="rules.decide-opened-case")
def case_opened(event: OutboxEvent) -> None:
    """A case of a service bound to a rule: compute, store the decision, then decide
    automatically or ask for review (per the service's oversight policy)."""
    from govdoor.rules.services import decision_for_case_opened

    case_id = event.payload.get("case_id")
    if case_id:
        decision_for_case_opened(case_id=case_id)
