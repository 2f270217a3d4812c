from __future__ import annotations

import datetime as dt
import uuid

import pytest

from govdoor.core import clock
from govdoor.core.errors import Conflict, DomainError, NotFound, Refused
from govdoor.core.models import OutboxEvent
from govdoor.identity.models import FamilyLink, Mandate
from govdoor.identity.selectors import mandate_for, mandates_held
from govdoor.identity.services import mandate_grant, mandate_revoke, register_mandates_sync
from govdoor.identity.tests.factories import (
    BusinessFactory,
    FamilyLinkFactory,
    MandateFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def frozen_today():
    with clock.frozen_at(dt.datetime(2026, 6, 15, 9, tzinfo=dt.UTC)):
        yield


def test_mandate_grant_lets_the_representative_act_within_the_scope() -> None:
    grantor, rep = PersonFactory(), PersonFactory()
    mandate = mandate_grant(
        grantor=grantor,
        representative=rep,
        scope=["tax", "parking"],
        valid_from=TODAY,
        valid_until=TODAY + dt.timedelta(days=30),
    )
    assert mandate.represented_person == grantor and mandate.source == "person"
    assert mandate.scope == ["parking", "tax"]
    assert mandate_for(representative=rep, mandate_id=mandate.pk, scope="tax") == mandate
    assert list(mandates_held(rep)) == [mandate]
    event = OutboxEvent.objects.get(topic="identity.mandate_granted")
    assert event.payload["mandate_id"] == str(mandate.pk)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": Mandate.Kind.PARENT}, "kind"),
        ({"valid_from": TODAY - dt.timedelta(days=1)}, "valid_from"),
        ({"valid_until": TODAY - dt.timedelta(days=1)}, "valid_until"),
        ({"scope": []}, "scope"),
        ({"scope": "tax"}, "scope"),
        ({"scope": ["x" * 65]}, "scope"),
    ],
)
def test_mandate_grant_refuses_bad_input_naming_the_field(kwargs: dict, field: str) -> None:
    with pytest.raises(DomainError) as caught:
        mandate_grant(
            grantor=PersonFactory(),
            representative=PersonFactory(),
            **{"valid_from": TODAY, **kwargs},
        )
    assert caught.value.field == field
    assert not Mandate.objects.exists()


def test_a_person_cannot_give_a_mandate_to_themself() -> None:
    person = PersonFactory()
    with pytest.raises(DomainError) as caught:
        mandate_grant(grantor=person, representative=person)
    assert caught.value.field == "representative"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"valid_until": TODAY - dt.timedelta(days=1)}, "expired"),
        ({"valid_from": TODAY + dt.timedelta(days=1)}, "not valid yet"),
        ({"revoked_at": dt.datetime(2026, 6, 1, tzinfo=dt.UTC)}, "revoked"),
    ],
)
def test_mandate_for_refuses_a_mandate_not_in_force_saying_why(changes: dict, message: str) -> None:
    mandate = MandateFactory(**changes)
    with pytest.raises(Refused, match=message):
        mandate_for(representative=mandate.representative, mandate_id=mandate.pk)
    assert mandate not in mandates_held(mandate.representative)


def test_mandate_for_accepts_the_last_day_of_validity() -> None:
    mandate = MandateFactory(valid_until=TODAY)
    assert mandate_for(representative=mandate.representative, mandate_id=mandate.pk) == mandate


def test_mandate_for_refuses_a_service_outside_the_scope() -> None:
    mandate = MandateFactory(scope=["tax"])
    with pytest.raises(Refused, match="does not cover"):
        mandate_for(representative=mandate.representative, mandate_id=mandate.pk, scope="housing")


def test_mandate_for_refuses_someone_elses_mandate() -> None:
    mandate = MandateFactory()
    with pytest.raises(Refused, match="not given to you"):
        mandate_for(representative=PersonFactory(), mandate_id=mandate.pk)
    with pytest.raises(Refused):
        mandate_for(representative=mandate.represented_person, mandate_id=mandate.pk)


@pytest.mark.parametrize("bad_id", [uuid.uuid4(), "nonsense", ""])
def test_mandate_for_answers_not_found_for_an_unknown_id(bad_id: object) -> None:
    with pytest.raises(NotFound):
        mandate_for(representative=PersonFactory(), mandate_id=bad_id)


def test_mandates_held_on_a_date_include_business_mandates() -> None:
    rep = PersonFactory()
    business = BusinessFactory()
    mandate = MandateFactory(
        representative=rep,
        represented_person=None,
        represented_business=business,
        kind=Mandate.Kind.BUSINESS,
    )
    MandateFactory(representative=rep, valid_from=dt.date(2027, 1, 1))
    assert list(mandates_held(rep, on=TODAY)) == [mandate]
    assert len(mandates_held(rep, on=dt.date(2027, 1, 1))) == 2


def test_the_grantor_revokes_a_mandate_and_it_stops_working() -> None:
    mandate = MandateFactory()
    mandate_revoke(mandate=mandate, by=mandate.represented_person, reason="moved")
    mandate.refresh_from_db()
    assert mandate.revoked_at is not None and mandate.revoked_reason == "moved"
    with pytest.raises(Refused):
        mandate_for(representative=mandate.representative, mandate_id=mandate.pk)
    with pytest.raises(Conflict):
        mandate_revoke(mandate=mandate, by=mandate.represented_person)


def test_a_stranger_cannot_revoke_a_mandate() -> None:
    mandate = MandateFactory()
    with pytest.raises(Refused):
        mandate_revoke(mandate=mandate, by=PersonFactory())
    mandate.refresh_from_db()
    assert mandate.revoked_at is None


def test_a_mandate_from_the_register_cannot_be_revoked_by_a_person() -> None:
    mandate = MandateFactory(source="register", kind=Mandate.Kind.PARENT)
    with pytest.raises(Refused, match="register"):
        mandate_revoke(mandate=mandate, by=mandate.representative)


def test_parents_hold_a_mandate_for_their_minor_children_until_they_turn_18() -> None:
    parent = PersonFactory()
    child = PersonFactory(birth_date=dt.date(2015, 2, 28))
    adult = PersonFactory(birth_date=dt.date(2000, 1, 1))
    FamilyLinkFactory(person=parent, relative=child)
    FamilyLinkFactory(person=parent, relative=adult)
    FamilyLinkFactory(person=parent, relative=PersonFactory(), kind=FamilyLink.Kind.PARTNER)
    created = register_mandates_sync(person=parent)
    assert len(created) == 1
    mandate = created[0]
    assert mandate.represented_person == child and mandate.source == "register"
    assert mandate.kind == Mandate.Kind.PARENT and mandate.scope == ["*"]
    assert mandate.valid_until == dt.date(2033, 2, 27)
    assert register_mandates_sync(person=parent) == []  # idempotent
    assert mandate_for(representative=parent, mandate_id=mandate.pk) == mandate
