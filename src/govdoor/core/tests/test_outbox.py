"""The transactional outbox in one process: publish, relay, deliver, retry, dead-letter."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction

from govdoor.core import clock, services
from govdoor.core.errors import Conflict, NotFound
from govdoor.core.events import event_publish, events_publish
from govdoor.core.models import EventDelivery, OutboxEvent
from govdoor.core.tasks import event_deliver
from govdoor.core.tests.factories import PersonFactory
from govdoor.identity.models import Person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("manual_relay")]


def _inline(delivery_id: int) -> None:
    services.event_delivery_run(delivery_id=delivery_id)


@pytest.fixture
def relay(django_capture_on_commit_callbacks):
    """Relay and deliver in process, running what the relay dispatches after its commit."""

    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return services.outbox_relay(dispatch=_inline)

    return run


def test_an_event_published_in_a_transaction_that_rolls_back_is_not_kept():
    with pytest.raises(RuntimeError), transaction.atomic():
        event_publish(topic="test.rolled_back", payload={"person_id": "p"})
        raise RuntimeError("the change failed")
    assert not OutboxEvent.objects.filter(topic="test.rolled_back").exists()


def test_a_crash_after_the_event_is_written_loses_neither_the_change_nor_the_event_alone():
    def change_and_publish() -> None:
        with transaction.atomic():
            person = PersonFactory()
            event_publish(topic="test.person_created", payload={"person_id": str(person.pk)})
            raise RuntimeError("crash between the event and the commit")

    with pytest.raises(RuntimeError):
        change_and_publish()
    assert not Person.objects.exists()
    assert not OutboxEvent.objects.filter(topic="test.person_created").exists()


def test_the_change_and_its_event_commit_together():
    with transaction.atomic():
        person = PersonFactory()
        event = event_publish(topic="test.person_created", payload={"person_id": str(person.pk)})
    assert Person.objects.filter(pk=person.pk).exists()
    assert OutboxEvent.objects.get(pk=event.pk).payload == {"person_id": str(person.pk)}


@pytest.mark.parametrize("key", ["national_id", "name", "value", "new_value"])
def test_an_event_payload_with_personal_values_is_refused(key):
    with pytest.raises(ValueError, match="ids and field names only"):
        event_publish(topic="test.leak", payload={key: "123456782"})
    assert not OutboxEvent.objects.exists()


def test_each_subscribed_consumer_receives_each_event_of_its_topics_once(subscriber, relay):
    seen: dict[str, list[str]] = {"a": [], "b": [], "all": []}
    subscriber(lambda e: seen["a"].append(e.payload["n"]), "test.a")
    subscriber(lambda e: seen["b"].append(e.payload["n"]), "test.b")
    subscriber(lambda e: seen["all"].append(e.payload["n"]), "*")
    for n in range(3):
        event_publish(topic="test.a", payload={"n": f"a{n}"})
    events_publish(topic="test.b", payloads=[{"n": "b0"}, {"n": "b1"}])

    assert relay() == 5

    assert seen["a"] == ["a0", "a1", "a2"]
    assert seen["b"] == ["b0", "b1"]
    assert sorted(seen["all"]) == ["a0", "a1", "a2", "b0", "b1"]
    assert not OutboxEvent.objects.filter(relayed_at=None).exists()
    assert set(EventDelivery.objects.values_list("status", flat=True)) == {"done"}


def test_relaying_again_creates_no_second_delivery_and_runs_no_consumer_twice(subscriber, relay):
    calls: list[str] = []
    subscriber(lambda e: calls.append(str(e.pk)), "test.once")
    event = event_publish(topic="test.once", payload={})
    relay()
    OutboxEvent.objects.filter(pk=event.pk).update(relayed_at=None)  # as if the mark was lost
    relay()
    assert calls == [str(event.pk)]
    assert EventDelivery.objects.filter(event=event).count() == 1


def test_delivering_the_same_delivery_twice_runs_the_consumer_once(subscriber):
    calls: list[str] = []
    consumer_id = subscriber(lambda e: calls.append(str(e.pk)), "test.twice")
    event_publish(topic="test.twice", payload={})
    services.outbox_relay(dispatch=lambda pk: None)  # dispatch lost
    delivery = EventDelivery.objects.get(consumer=consumer_id)

    assert services.event_delivery_run(delivery_id=delivery.pk) == "done"
    assert services.event_delivery_run(delivery_id=delivery.pk) == "done"
    assert event_deliver.delay(delivery_id=delivery.pk).get() == "done"
    assert len(calls) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert delivery.delivered_at is not None


def test_a_delivery_that_no_longer_exists_is_reported_missing():
    assert services.event_delivery_run(delivery_id=987654) == "missing"


def test_a_failing_consumer_is_retried_with_growing_backoff_then_dead_lettered(subscriber, relay):
    calls: list[int] = []

    def flaky(event: OutboxEvent) -> None:
        calls.append(1)
        raise ConnectionError("agency system down")

    subscriber(flaky, "test.flaky")
    event_publish(topic="test.flaky", payload={})
    start = dt.datetime(2030, 3, 1, 12, 0, tzinfo=dt.UTC)
    with clock.frozen_at(start):
        relay()
        delivery = EventDelivery.objects.get()
        waits = []
        for attempt in range(1, services.MAX_ATTEMPTS):
            delivery.refresh_from_db()
            assert delivery.status == "pending"
            assert delivery.attempts == attempt
            assert "ConnectionError: agency system down" in delivery.last_error
            waits.append((delivery.next_attempt_at - start).total_seconds())
            assert services.event_delivery_run(delivery_id=delivery.pk) in {"pending", "dead"}
    delivery.refresh_from_db()
    assert waits == [2.0**n for n in range(1, services.MAX_ATTEMPTS)]
    assert delivery.status == "dead"
    assert delivery.attempts == services.MAX_ATTEMPTS
    assert len(calls) == services.MAX_ATTEMPTS

    assert services.event_delivery_run(delivery_id=delivery.pk) == "dead"
    assert len(calls) == services.MAX_ATTEMPTS  # a dead letter is not run again by itself


def test_a_failing_consumer_leaves_none_of_its_writes(subscriber, relay):
    def half_done(event: OutboxEvent) -> None:
        PersonFactory()
        raise RuntimeError("failed after writing")

    subscriber(half_done, "test.half")
    event_publish(topic="test.half", payload={})
    relay()
    assert not Person.objects.exists()
    assert EventDelivery.objects.get().status == "pending"


def test_redispatch_resends_only_pending_deliveries_that_are_due_and_once_per_deadline(
    subscriber, django_capture_on_commit_callbacks
):
    subscriber(lambda e: None, "test.due")
    event_publish(topic="test.due", payload={})
    event_publish(topic="test.due", payload={})
    start = dt.datetime(2030, 3, 1, 12, 0, tzinfo=dt.UTC)
    with clock.frozen_at(start):
        services.outbox_relay(dispatch=lambda pk: None)  # both dispatches lost
    first, second = EventDelivery.objects.order_by("pk")
    services.event_delivery_run(delivery_id=first.pk)

    sent: list[int] = []

    def redispatch_at(seconds: int) -> int:
        with (
            clock.frozen_at(start + dt.timedelta(seconds=seconds)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return services.deliveries_redispatch(dispatch=sent.append)

    assert redispatch_at(10) == 0
    assert redispatch_at(31) == 1
    assert sent == [second.pk]
    # The next beat, two seconds later, does not send it again: it has a new deadline.
    assert redispatch_at(33) == 0
    assert redispatch_at(31 + 30) == 1
    assert sent == [second.pk, second.pk]


def test_the_delivery_task_leaves_retries_to_the_schedule_in_the_database(subscriber):
    def down(event: OutboxEvent) -> None:
        raise ConnectionError("down")

    subscriber(down, "test.task")
    event_publish(topic="test.task", payload={})
    services.outbox_relay(dispatch=lambda pk: None)
    delivery = EventDelivery.objects.get()
    # Run as a worker would (not eagerly): no Celery retry is raised, the row holds the plan.
    assert event_deliver.run(delivery_id=delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert delivery.next_attempt_at is not None


def test_retrying_a_dead_letter_puts_it_back_in_the_queue_and_it_is_delivered(subscriber):
    state = {"fail": True, "runs": 0}

    def recovers(event: OutboxEvent) -> None:
        state["runs"] += 1
        if state["fail"]:
            raise ConnectionError("down")

    subscriber(recovers, "test.recovers")
    event_publish(topic="test.recovers", payload={})
    services.outbox_relay(dispatch=lambda pk: None)
    delivery = EventDelivery.objects.get()
    for _ in range(services.MAX_ATTEMPTS):
        services.event_delivery_run(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "dead"

    state["fail"] = False
    sent: list[int] = []
    with transaction.atomic():
        retried = services.delivery_retry(delivery_id=delivery.pk, dispatch=sent.append)
        assert sent == []  # only after commit
    assert retried.status == "pending"
    assert retried.attempts == 0
    assert retried.last_error == ""

    # The test transaction never commits: run what commit would have dispatched.
    assert services.event_delivery_run(delivery_id=delivery.pk) == "done"
    assert state["runs"] == services.MAX_ATTEMPTS + 1


def test_retry_dispatches_after_commit(subscriber, django_capture_on_commit_callbacks):
    def broken(event: OutboxEvent) -> None:
        raise ConnectionError("down")

    subscriber(broken, "test.broken")
    event_publish(topic="test.broken", payload={})
    services.outbox_relay(dispatch=lambda pk: None)
    delivery = EventDelivery.objects.get()
    EventDelivery.objects.filter(pk=delivery.pk).update(status="dead")
    sent: list[int] = []
    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_retry(delivery_id=delivery.pk, dispatch=sent.append)
    assert sent == [delivery.pk]


def test_retrying_a_delivery_that_was_made_is_refused(subscriber, relay):
    subscriber(lambda e: None, "test.made")
    event_publish(topic="test.made", payload={})
    relay()
    delivery = EventDelivery.objects.get()
    with pytest.raises(Conflict):
        services.delivery_retry(delivery_id=delivery.pk)
    with pytest.raises(NotFound):
        services.delivery_retry(delivery_id=987654)


def test_an_unknown_consumer_fails_its_delivery_instead_of_crashing_the_relay(subscriber):
    consumer_id = subscriber(lambda e: None, "test.gone")
    event_publish(topic="test.gone", payload={})
    services.outbox_relay(dispatch=lambda pk: None)
    from govdoor.core.events import consumers

    consumers.unregister(consumer_id)  # deployed code no longer has it
    delivery = EventDelivery.objects.get()
    assert services.event_delivery_run(delivery_id=delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert "UnknownPlugin" in delivery.last_error


def test_relaying_a_batch_takes_a_bounded_number_of_queries(
    subscriber, django_assert_max_num_queries
):
    subscriber(lambda e: None, "test.bulk")
    subscriber(lambda e: None, "test.bulk")
    events_publish(topic="test.bulk", payloads=[{"n": n} for n in range(40)])
    with django_assert_max_num_queries(8):
        assert services.outbox_relay_batch(dispatch=lambda pk: None) == 40
    assert EventDelivery.objects.count() == 80


def test_in_demo_mode_events_are_relayed_and_delivered_right_after_commit(
    subscriber, settings, django_capture_on_commit_callbacks
):
    settings.GOVDOOR_OUTBOX_RELAY_ON_COMMIT = True
    calls: list[str] = []
    subscriber(lambda e: calls.append(e.topic), "test.on_commit")
    with django_capture_on_commit_callbacks(execute=True):
        event_publish(topic="test.on_commit", payload={})
    assert calls == ["test.on_commit"]
    assert EventDelivery.objects.get().status == "done"


def test_the_outbox_relay_command_delivers_pending_events_once(
    subscriber, django_capture_on_commit_callbacks
):
    calls: list[str] = []
    subscriber(lambda e: calls.append(str(e.pk)), "test.command")
    event = event_publish(topic="test.command", payload={})
    with django_capture_on_commit_callbacks(execute=True):
        call_command("outbox_relay", "--once", "--inline", verbosity=0)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("outbox_relay", "--once", "--inline", verbosity=0)
    assert calls == [str(event.pk)]


def test_one_dispatch_that_fails_does_not_stop_the_others(
    subscriber, django_capture_on_commit_callbacks
):
    subscriber(lambda e: None, "test.dispatch")
    events_publish(topic="test.dispatch", payloads=[{}, {}, {}])
    sent: list[int] = []

    def broker_hiccup(delivery_id: int) -> None:
        if not sent and not getattr(broker_hiccup, "failed", False):
            broker_hiccup.failed = True  # type: ignore[attr-defined]
            raise ConnectionError("broker down")
        sent.append(delivery_id)

    with django_capture_on_commit_callbacks(execute=True):
        services.outbox_relay(dispatch=broker_hiccup)
    assert len(sent) == 2  # the third waits for deliveries_redispatch
    assert EventDelivery.objects.filter(status="pending").count() == 3


def test_a_relay_that_fails_after_commit_does_not_fail_the_change_that_published(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.GOVDOOR_OUTBOX_RELAY_ON_COMMIT = True
    from govdoor.core import tasks

    def down() -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.outbox_relay, "delay", down)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event = event_publish(topic="test.committed", payload={})
    assert len(callbacks) == 1
    assert OutboxEvent.objects.get(pk=event.pk).relayed_at is None  # for the next relay
