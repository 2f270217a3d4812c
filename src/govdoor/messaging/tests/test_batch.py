"""Batch attempts (many reminders on one morning) keep the per-notification guarantees."""

from __future__ import annotations

import datetime as dt

import pytest

from govdoor.core import clock
from govdoor.messaging import notify
from govdoor.messaging.batch import notifications_attempt_batch
from govdoor.messaging.models import DemoOutboxEntry, Notification
from govdoor.messaging.reminders import obligation_register, reminders_due
from govdoor.messaging.tests.factories import (
    ContactPointFactory,
    OrganisationFactory,
    PersonFactory,
    PreferenceFactory,
)

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 9, 1)


def people_with_reminders(count: int) -> None:
    org = OrganisationFactory()
    with clock.frozen_at(dt.datetime.combine(DAY, dt.time(6), tzinfo=dt.UTC)):
        for n in range(count):
            person = PersonFactory()
            PreferenceFactory(person=person, channels=["sms"])
            ContactPointFactory(person=person, kind="sms", value=f"+3247000{n:04d}")
            obligation_register(
                person=person,
                source="tax",
                source_ref=f"r{n}",
                title="Return",
                due_on=DAY + dt.timedelta(days=1),
                org=org,
                offsets=(1,),
            )


def test_due_reminders_are_delivered_in_batches_by_the_named_tasks(
    django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(notify, "BATCH", 2)
    people_with_reminders(5)
    with (
        clock.frozen_at(dt.datetime.combine(DAY, dt.time(8), tzinfo=dt.UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert reminders_due() == 5
    assert DemoOutboxEntry.objects.count() == 5
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_a_batch_killed_after_sending_is_resent_once_to_an_idempotent_channel(monkeypatch):
    people_with_reminders(3)
    now = dt.datetime.combine(DAY, dt.time(8), tzinfo=dt.UTC)
    with clock.frozen_at(now):
        reminders_due(dispatch=lambda ids: None)
    ids = [str(pk) for pk in Notification.objects.values_list("pk", flat=True)]

    class WorkerKilled(BaseException):
        pass

    def die(notification, answer):
        raise WorkerKilled

    monkeypatch.setattr(notify, "AFTER_SEND_HOOK", die)
    with clock.frozen_at(now), pytest.raises(WorkerKilled):
        notifications_attempt_batch(notification_ids=ids)
    assert set(Notification.objects.values_list("status", flat=True)) == {"sending"}
    assert DemoOutboxEntry.objects.count() == 3
    monkeypatch.setattr(notify, "AFTER_SEND_HOOK", None)
    with clock.frozen_at(now + dt.timedelta(minutes=1)):
        assert notifications_attempt_batch(notification_ids=ids) == {}  # lease still held
    with clock.frozen_at(now + notify.LEASE + dt.timedelta(seconds=1)):
        assert notifications_attempt_batch(notification_ids=ids) == {"sent": 3}
        assert notifications_attempt_batch(notification_ids=ids) == {}
    assert DemoOutboxEntry.objects.count() == 3
    assert set(Notification.objects.values_list("provider_answer", flat=True)) == {
        "duplicate ignored"
    }


def test_a_batch_to_a_provider_that_is_down_fails_with_backoff(settings):
    settings.GOVDOOR_SMTP_URL = "smtp://127.0.0.1:9"
    org = OrganisationFactory()
    person = PersonFactory()
    PreferenceFactory(person=person, channels=["email"])
    ContactPointFactory(person=person)
    with clock.frozen_at(dt.datetime.combine(DAY, dt.time(6), tzinfo=dt.UTC)):
        obligation_register(
            person=person,
            source="tax",
            source_ref="x",
            title="Return",
            due_on=DAY + dt.timedelta(days=1),
            org=org,
            offsets=(1,),
        )
        reminders_due(dispatch=lambda ids: None)
        ids = [str(pk) for pk in Notification.objects.values_list("pk", flat=True)]
        assert notifications_attempt_batch(notification_ids=ids) == {"failed": 1}
    n = Notification.objects.get()
    assert n.next_attempt_at is not None and "SMTP" in n.last_error
