"""Delivery guarantees: provider answers recorded, retries with backoff, dead letters,
quiet hours, the sweeper, and a worker killed between "sent" and "recorded"."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from govdoor.core import clock
from govdoor.core.errors import Conflict
from govdoor.messaging import notify
from govdoor.messaging.models import DemoOutboxEntry, Message, Notification
from govdoor.messaging.notify import notification_attempt, notification_retry, notifications_sweep
from govdoor.messaging.selectors import dead_letters
from govdoor.messaging.services import message_send
from govdoor.messaging.tests.factories import (
    ContactPointFactory,
    MessageTypeFactory,
    OrganisationFactory,
    PersonFactory,
    PreferenceFactory,
)

T0 = dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC)


def send_to(person, dispatch=None):
    return message_send(
        organisation=OrganisationFactory(),
        message_type=MessageTypeFactory(),
        person=person,
        personalisation={"name": "Ada", "amount": "3"},
        dispatch=dispatch or (lambda ids: None),
    )


def external(message):
    return message.notifications.exclude(channel="portal").get()


@pytest.mark.django_db
def test_a_sent_notification_records_the_providers_answer_and_the_message_is_notified():
    person = PersonFactory()
    ContactPointFactory(person=person, kind="sms", value="+32470000009")
    message = send_to(person)
    n = external(message)
    assert n.channel == "sms-demo" and n.status == "pending"
    assert notification_attempt(notification_id=n.pk) == "sent"
    n.refresh_from_db()
    message.refresh_from_db()
    assert n.provider_ref.startswith("demo:") and n.provider_answer == "accepted"
    assert n.attempts == 1 and n.sent_at is not None
    assert message.notified == Message.Notified.NOTIFIED
    assert message.delivery_records.filter(event="notified", detail="sms-demo").exists()
    assert DemoOutboxEntry.objects.get().text.endswith(f"[{n.verification_code}]")


@pytest.mark.django_db
def test_sending_runs_through_the_named_task_after_commit(smtp, django_capture_on_commit_callbacks):
    person = PersonFactory()
    ContactPointFactory(person=person, value="ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(
            organisation=OrganisationFactory(),
            message_type=MessageTypeFactory(),
            person=person,
            personalisation={"name": "Ada", "amount": "3"},
        )
    assert [m["To"] for m in smtp.messages] == ["ada@example.org"]
    assert "Ada" not in smtp.messages[0].get_content()  # the content stays in the mailbox
    assert set(message.notifications.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db
def test_a_provider_that_is_down_is_retried_with_backoff_then_dead_lettered(settings):
    settings.GOVDOOR_SMTP_URL = "smtp://127.0.0.1:9"
    settings.GOVDOOR_NOTIFICATION_MAX_ATTEMPTS = 3
    person = PersonFactory()
    ContactPointFactory(person=person)
    with clock.frozen_at(T0):
        message = send_to(person)
        n = external(message)
        assert notification_attempt(notification_id=n.pk) == "failed"
        assert notification_attempt(notification_id=n.pk) == "deferred"  # backoff not passed
    n.refresh_from_db()
    assert n.next_attempt_at == T0 + dt.timedelta(seconds=30)
    assert "SMTP" in n.last_error
    with clock.frozen_at(T0 + dt.timedelta(seconds=31)):
        assert notification_attempt(notification_id=n.pk) == "failed"
    with clock.frozen_at(T0 + dt.timedelta(minutes=5)):
        assert notification_attempt(notification_id=n.pk) == "dead"
        assert notification_attempt(notification_id=n.pk) == "dead"
    n.refresh_from_db()
    message.refresh_from_db()
    assert n.attempts == 3
    assert list(dead_letters(message.organisation)) == [n]
    assert message.notified == Message.Notified.NOT_NOTIFIED
    assert message.not_notified_reason == "delivery failed on every channel"


@pytest.mark.django_db
def test_a_dead_letter_is_retried_from_the_back_office_and_a_sent_one_is_refused(
    smtp, django_capture_on_commit_callbacks
):
    person = PersonFactory()
    ContactPointFactory(person=person)
    message = send_to(person)
    n = external(message)
    Notification.objects.filter(pk=n.pk).update(status="dead", attempts=6)
    dispatched: list[str] = []
    portal = message.notifications.get(channel="portal")
    assert notification_attempt(notification_id=portal.pk) == "sent"
    with pytest.raises(Conflict):
        notification_retry(notification_id=portal.pk, dispatch=dispatched.extend)
    other_org = OrganisationFactory()
    with pytest.raises(Exception, match="No such notification"):
        notification_retry(notification_id=n.pk, organisation=other_org)
    with django_capture_on_commit_callbacks(execute=True):
        notification_retry(
            notification_id=n.pk, organisation=message.organisation, dispatch=dispatched.extend
        )
    assert notification_attempt(notification_id=n.pk) == "sent"
    assert len(smtp.messages) == 1
    assert dispatched == [str(n.pk)]


@pytest.mark.django_db
def test_quiet_hours_defer_external_notifications_until_they_end(smtp):
    person = PersonFactory()
    PreferenceFactory(
        person=person, quiet_start=dt.time(22), quiet_end=dt.time(7), timezone="Europe/Brussels"
    )
    ContactPointFactory(person=person)
    night = dt.datetime(2026, 1, 10, 22, 30, tzinfo=dt.UTC)  # 23:30 in Brussels
    with clock.frozen_at(night):
        message = send_to(person)
        n = external(message)
        assert n.not_before == dt.datetime(2026, 1, 11, 6, 0, tzinfo=dt.UTC)  # 07:00 local
        assert notification_attempt(notification_id=n.pk) == "deferred"
        portal = message.notifications.get(channel="portal")
        assert notification_attempt(notification_id=portal.pk) == "sent"
    with clock.frozen_at(dt.datetime(2026, 1, 11, 6, 1, tzinfo=dt.UTC)):
        assert notifications_sweep(dispatch=lambda ids: None) == 1
        assert notification_attempt(notification_id=n.pk) == "sent"
    assert len(smtp.messages) == 1


@pytest.mark.django_db
def test_the_sweeper_picks_up_lost_dispatches_and_dead_workers_but_not_live_ones():
    person = PersonFactory()
    ContactPointFactory(person=person, kind="sms", value="+32470000001")
    with clock.frozen_at(T0):
        message = send_to(person)
    n = external(message)
    swept: list[str] = []
    with clock.frozen_at(T0 + dt.timedelta(seconds=5)):
        assert notifications_sweep(dispatch=swept.extend) == 0  # its own dispatch may run
    with clock.frozen_at(T0 + dt.timedelta(minutes=1)):
        notifications_sweep(dispatch=swept.extend)
    assert str(n.pk) in swept
    Notification.objects.filter(pk=n.pk).update(status="sending", last_attempt_at=T0)
    with clock.frozen_at(T0 + dt.timedelta(minutes=2)):
        swept.clear()
        notifications_sweep(dispatch=swept.extend)
        assert str(n.pk) not in swept
        assert notification_attempt(notification_id=n.pk) == "in-flight"
    with clock.frozen_at(T0 + notify.LEASE + dt.timedelta(seconds=1)):
        notifications_sweep(dispatch=swept.extend)
        assert str(n.pk) in swept


def _child_database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_between_sent_and_recorded_neither_loses_nor_duplicates():
    person = PersonFactory()
    ContactPointFactory(person=person, kind="sms", value="+32470000002")
    message = send_to(person)
    n = external(message)
    env = {
        **os.environ,
        "DATABASE_URL": _child_database_url(),
        "PYTHONPATH": str(Path(__file__).resolve().parents[3]),
    }
    child = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("crash_child.py")), str(n.pk)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    assert child.stdout.startswith("sent demo:")
    n.refresh_from_db()
    assert n.status == "sending" and n.attempts == 1  # the answer was never recorded
    assert DemoOutboxEntry.objects.count() == 1
    assert notification_attempt(notification_id=n.pk) == "in-flight"
    later = clock.now() + notify.LEASE + dt.timedelta(seconds=1)
    with clock.frozen_at(later):
        swept: list[str] = []
        notifications_sweep(dispatch=swept.extend)
        assert str(n.pk) in swept
        assert notification_attempt(notification_id=n.pk) == "sent"
    n.refresh_from_db()
    assert n.attempts == 2 and n.provider_answer == "duplicate ignored"
    assert DemoOutboxEntry.objects.count() == 1  # the receiver got it exactly once
