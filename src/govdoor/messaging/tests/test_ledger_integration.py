"""With the real data-use ledger (not the recorder of conftest): delivery is ledgered."""

from __future__ import annotations

import pytest

from govdoor.messaging.services import message_open, message_send
from govdoor.messaging.tests.factories import (
    MessageTypeFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger_calls():
    """Overrides the recorder: this module runs against the real ledger."""
    return None


def test_making_available_and_opening_are_appended_to_the_real_ledger():
    from govdoor.ledger.models import Entry as LedgerEntry

    before = LedgerEntry.objects.count()
    person = PersonFactory()
    message = message_send(
        organisation=OrganisationFactory(),
        message_type=MessageTypeFactory(),
        person=person,
        personalisation={"name": "A", "amount": "1"},
        dispatch=lambda ids: None,
    )
    message_open(message=message, reader=person)
    bodies = list(LedgerEntry.objects.order_by("id").values_list("body", flat=True))[before:]
    assert len(bodies) == 2
    assert '"disclose"' in bodies[0] and "made available" in bodies[0]
    assert '"read"' in bodies[1] and "message opened" in bodies[1]
