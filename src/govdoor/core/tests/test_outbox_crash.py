"""Kill the relay mid-batch (SIGKILL, a real process), run it again: nothing lost, nothing twice.

The relay runs as `relay_child.py` (which calls `manage.py outbox_relay --once --inline`)
against this test's database. Its consumer writes a receipt per event in the same
transaction as the delivery, so receipts count effects that committed.
"""

from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path

import pytest

from govdoor.core.events import events_publish
from govdoor.core.models import EventDelivery, OutboxEvent
from govdoor.core.tests import relay_child
from govdoor.core.tests.subprocesses import child_env, database_url, run_python

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("manual_relay")]

CHILD = str(Path(relay_child.__file__))
EVENTS = 12  # batches of 5: 5, 5, 2


def _relay_process(*args: str) -> int:
    env = child_env(DATABASE_URL=database_url(), GOVDOOR_OUTBOX_RELAY_ON_COMMIT="0")
    result = run_python([CHILD, *args], env)
    if result.returncode not in (0, -signal.SIGKILL):
        raise AssertionError(f"relay child failed ({result.returncode}):\n{result.stderr}")
    return result.returncode


def _receipts() -> Counter[str]:
    rows = OutboxEvent.objects.filter(topic=relay_child.RECEIPT_TOPIC).values_list(
        "payload", flat=True
    )
    return Counter(p["event_id"] for p in rows)


def _publish() -> set[str]:
    events = events_publish(topic=relay_child.TOPIC, payloads=[{"n": n} for n in range(EVENTS)])
    return {str(e.pk) for e in events}


def _assert_each_event_delivered_exactly_once(published: set[str]) -> None:
    receipts = _receipts()
    assert set(receipts) == published, "an event was lost"
    assert max(receipts.values()) == 1, "an event took effect twice"
    assert not OutboxEvent.objects.filter(topic=relay_child.TOPIC, relayed_at=None).exists()
    statuses = EventDelivery.objects.filter(consumer=relay_child.CONSUMER_ID)
    assert statuses.count() == EVENTS
    assert set(statuses.values_list("status", flat=True)) == {"done"}


def test_a_relay_killed_inside_a_batch_before_commit_loses_nothing_and_repeats_nothing():
    published = _publish()

    assert _relay_process("--crash-in-batch", "7") == -signal.SIGKILL

    # The first batch committed and was delivered; the second died before its commit.
    assert len(_receipts()) == 5
    assert OutboxEvent.objects.filter(topic=relay_child.TOPIC, relayed_at=None).count() == 7

    assert _relay_process() == 0
    _assert_each_event_delivered_exactly_once(published)


def test_a_relay_killed_in_the_middle_of_a_delivery_loses_nothing_and_repeats_nothing():
    published = _publish()

    assert _relay_process("--crash-in-delivery", "3") == -signal.SIGKILL

    # Two deliveries took effect; the third ran but its effect died with the process.
    assert len(_receipts()) == 2
    assert EventDelivery.objects.filter(status="pending").count() == 3

    # Started again at once: the other events go through; the three pending deliveries wait
    # for their retry time (30 s), so a crash loop cannot hammer a consumer.
    assert _relay_process() == 0
    assert len(_receipts()) == EVENTS - 3

    assert _relay_process("--later", "60") == 0
    _assert_each_event_delivered_exactly_once(published)
