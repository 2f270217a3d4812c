"""Tell us once against a real HTTP receiver on 127.0.0.1: signed, retried, never lost, once."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from govdoor.core import clock
from govdoor.core import services as outbox
from govdoor.core.errors import Conflict, DomainError, Refused
from govdoor.core.models import EventDelivery, OutboxEvent
from govdoor.exchange import selectors, tellusonce
from govdoor.exchange.models import Delivery, DemoReceipt, Objection, Subscription
from govdoor.exchange.tests.factories import (
    OrganisationFactory,
    PolicyFactory,
    keeper_caller,
    vehicles_register,
)
from govdoor.registries.models import Record
from govdoor.registries.services import record_update

pytestmark = pytest.mark.django_db


class Receiver:
    """An agency's webhook endpoint that checks signatures and applies each event once."""

    def __init__(self, script, secret=""):
        self.script = list(script)  # "timeout" (after taking it), "500", "200"
        self.secret = secret
        self.posts, self.applied, self.bad_signatures = [], [], 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                event_id = self.headers[tellusonce.EVENT_ID_HEADER]
                receiver.posts.append(event_id)
                expected = (
                    "sha256="
                    + hmac.new(
                        receiver.secret.encode(),
                        self.headers[tellusonce.TIMESTAMP_HEADER].encode() + b"." + body,
                        hashlib.sha256,
                    ).hexdigest()
                )
                if not hmac.compare_digest(expected, self.headers[tellusonce.SIGNATURE_HEADER]):
                    receiver.bad_signatures += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                step = receiver.script.pop(0) if receiver.script else "200"
                if step == "500":
                    self.send_response(500)
                    self.end_headers()
                    return
                if event_id not in receiver.applied:  # idempotent by event id
                    receiver.applied.append(event_id)
                    assert json.loads(body)["event_id"] == event_id
                if step == "timeout":
                    time.sleep(tellusonce.WEBHOOK_TIMEOUT * 3)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(monkeypatch):
    monkeypatch.setattr(tellusonce, "WEBHOOK_TIMEOUT", 0.2)
    made = []

    def make(script):
        made.append(Receiver(script))
        return made[-1]

    yield make
    for r in made:
        r.close()


def move(person, street="New Road 5"):
    """Change the person's address in the population register, then relay the outbox."""
    record = Record.objects.get(subject_id=str(person.pk))
    record_update(
        record=record,
        data={"street": street, "municipality": "newtown"},
        actor=keeper_caller(record.register.organisation),
        merge=True,
    )
    outbox.outbox_relay(dispatch=lambda _pk: None)
    for pk in EventDelivery.objects.filter(consumer="exchange.tell-us-once").values_list(
        "pk", flat=True
    ):
        outbox.event_delivery_run(delivery_id=pk)


def subscribe(org, purpose, plugin="webhook", url="", municipality=""):
    subscription, secret = tellusonce.subscription_create(
        organisation=org,
        purpose=purpose,
        topic="population.address_changed",
        plugin=plugin,
        url=url,
        municipality=municipality,
    )
    return subscription, secret


def test_a_webhook_that_times_out_then_fails_is_retried_with_backoff_and_applied_once(
    person, policy, purpose, tax, receiver, django_capture_on_commit_callbacks
):
    hook = receiver(["timeout", "500", "200"])
    _sub, hook.secret = subscribe(tax, purpose, url=hook.url)
    move(person)
    delivery = Delivery.objects.get()
    assert delivery.payload["subject_id"] == str(person.pk)
    assert delivery.payload["fields"] == ["municipality", "street"]
    assert "New Road" not in json.dumps(delivery.payload)  # ids and field names only

    assert tellusonce.delivery_attempt(delivery_id=delivery.pk) == "pending"
    delivery.refresh_from_db()
    first_wait = delivery.next_attempt_at - clock.now()
    assert "Timeout" in delivery.last_error
    assert tellusonce.deliveries_due() == 0  # not due before its backoff

    assert tellusonce.delivery_attempt(delivery_id=delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert delivery.last_error == "HTTP 500"
    assert delivery.next_attempt_at - clock.now() > first_wait  # backoff grows

    with (
        clock.frozen_at(delivery.next_attempt_at + dt.timedelta(seconds=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tellusonce.deliveries_due() == 1  # the beat dispatches the task (eager here)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.attempts == 3
    assert hook.posts == [str(delivery.event_id)] * 3 and hook.bad_signatures == 0
    assert hook.applied == [str(delivery.event_id)]

    assert tellusonce.delivery_attempt(delivery_id=delivery.pk) == "delivered"
    assert len(hook.posts) == 3  # a delivered row is never sent again


def test_a_wrong_secret_fails_the_signature_check(person, policy, purpose, tax, receiver):
    hook = receiver([])
    subscribe(tax, purpose, url=hook.url)
    hook.secret = "not-the-secret"
    move(person)
    assert tellusonce.delivery_attempt(delivery_id=Delivery.objects.get().pk) == "pending"
    assert hook.bad_signatures == 1 and hook.applied == []


def test_the_same_event_relayed_twice_makes_one_delivery(person, policy, purpose, tax):
    subscribe(tax, purpose, plugin="demo")
    move(person)
    event = OutboxEvent.objects.get(pk=Delivery.objects.get().event_id)
    tellusonce.deliveries_fan_out(event)
    assert Delivery.objects.count() == 1


def test_a_receiver_that_never_answers_is_dead_lettered_and_can_be_retried(
    person, policy, purpose, tax, receiver
):
    hook = receiver(["500"] * tellusonce.MAX_ATTEMPTS)
    _sub, hook.secret = subscribe(tax, purpose, url=hook.url)
    move(person)
    delivery = Delivery.objects.get()
    for _ in range(tellusonce.MAX_ATTEMPTS):
        tellusonce.delivery_attempt(delivery_id=delivery.pk)
    assert list(selectors.deliveries_dead()) == [delivery]
    tellusonce.delivery_retry(delivery_id=delivery.pk)
    assert tellusonce.delivery_attempt(delivery_id=delivery.pk) == "delivered"
    assert hook.applied == [str(delivery.event_id)]
    with pytest.raises(Conflict):
        tellusonce.delivery_retry(delivery_id=delivery.pk)


def test_a_move_reaches_tax_health_and_the_municipality_and_the_person_sees_it(
    person, policy, purpose, tax, keeper_org
):
    health = OrganisationFactory(code="health", name="Health Service")
    town = OrganisationFactory(code="newtown", name="Newtown Council")
    old_town = OrganisationFactory(code="demopolis", name="Demopolis Council")
    subscribe(tax, purpose, plugin="demo")
    for org in (health, town, old_town):
        purpose.requesting_organisations.add(org)
        PolicyFactory(purpose=purpose, requester=org, keeper=keeper_org, fields=["street"])
        subscribe(org, purpose, plugin="demo", municipality="" if org == health else org.code)
    move(person)  # from demopolis to newtown: the old council is not told
    for delivery in Delivery.objects.all():
        assert tellusonce.delivery_attempt(delivery_id=delivery.pk) == "delivered"
    assert DemoReceipt.objects.count() == 3
    told = selectors.agencies_told(person_id=person.pk)
    assert sorted(t["organisation"] for t in told) == [
        "Health Service",
        "Newtown Council",
        "Tax Agency",
    ]


def test_an_objection_stops_the_event_reaching_that_agency(person, policy, purpose, tax):
    subscribe(tax, purpose, plugin="demo")
    Objection.objects.create(person=person, recipient=tax, created_at=clock.now())
    move(person)
    assert Delivery.objects.get().status == Delivery.Status.SKIPPED
    assert DemoReceipt.objects.count() == 0


def test_a_municipality_filter_needs_a_register_that_names_municipalities(
    policy, purpose, tax, keeper_org
):
    vehicles_register(keeper_org)
    PolicyFactory(purpose=purpose, requester=tax, keeper=keeper_org, register_code="vehicles")
    with pytest.raises(DomainError):
        tellusonce.subscription_create(
            organisation=tax,
            purpose=purpose,
            topic="vehicles.owner_changed",
            plugin="demo",
            municipality="demopolis",
        )


def test_subscribing_needs_a_policy_in_force_and_a_known_topic(purpose, tax, population):
    with pytest.raises(Refused):
        subscribe(tax, purpose, plugin="demo")
    with pytest.raises(DomainError):
        tellusonce.subscription_create(
            organisation=tax, purpose=purpose, topic="population.shoe_size", plugin="demo"
        )


def test_the_demo_exchange_tells_tax_health_and_the_new_municipality_of_a_move(
    person, tax, keeper_org
):
    from django.core.management import call_command

    from govdoor.organisations.models import Organisation

    OrganisationFactory(code="health", name="Health Agency")
    OrganisationFactory(code="newtown", name="Newtown Council", level=Organisation.Level.LOCAL)
    OrganisationFactory(code="demopolis", name="Demopolis Council", level=Organisation.Level.LOCAL)
    out = io.StringIO()
    call_command("exchange_demo", stdout=out)
    call_command("exchange_demo", stdout=out)  # idempotent
    assert "0 purposes, 0 policies, 0 subscriptions" in out.getvalue()
    assert Subscription.objects.count() == 4
    move(person)
    for delivery in Delivery.objects.all():
        tellusonce.delivery_attempt(delivery_id=delivery.pk)
    told = sorted(t["organisation"] for t in selectors.agencies_told(person_id=person.pk))
    assert told == ["Health Agency", "Newtown Council", "Tax Agency"]


def test_a_due_delivery_is_dispatched_once_per_lease_by_overlapping_beats(
    person, policy, purpose, tax
):
    subscribe(tax, purpose, plugin="demo")
    move(person)
    Delivery.objects.update(next_attempt_at=clock.now() - dt.timedelta(seconds=1))
    assert tellusonce.deliveries_due() == 1
    assert tellusonce.deliveries_due() == 0  # leased: the next beat leaves it alone
    with clock.frozen_at(clock.now() + tellusonce.LEASE + dt.timedelta(seconds=1)):
        assert tellusonce.deliveries_due() == 1  # the dispatch was lost: sent again
