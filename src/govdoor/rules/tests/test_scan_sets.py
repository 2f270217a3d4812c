"""The scan's set-based path (PostgreSQL) and its portable one (SQLite): the same people,
households, ledger entries and offers, batch by batch. Run on both backends."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import Counter
from typing import Any

import numpy as np
import pytest
from django.db import connection
from django.utils import timezone

from govdoor.exchange import services as exchange_services
from govdoor.exchange.models import Consent
from govdoor.identity.tests.factories import PersonFactory
from govdoor.ledger.models import Entry as LedgerEntry
from govdoor.messaging.models import Message
from govdoor.rules import scan, scan_sets
from govdoor.rules.models import Offer, Scan
from govdoor.rules.population import age_on, demo_finances
from govdoor.rules.tests.conftest import parent_of

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="compares the PostgreSQL path with the portable one"
)


def ledgered(person: Any) -> int:
    return LedgerEntry.objects.filter(subject_ref=str(person.pk)).count()


def test_a_scan_in_batches_smaller_than_the_population_reads_everyone_exactly_once(
    binding: Any, purpose: Any, country: Any, low_income: Any
) -> None:
    people = [parent_of(country, 1 + i % 2, consent=purpose) for i in range(5)]
    done = scan.scan_run(scan_id=scan.scan_start(service_code="child-benefit").pk, batch_size=2)
    assert done.status == "done" and done.scanned == 5 and done.offers == 5
    assert done.cursor == str(max(p.pk for p in people))
    assert [ledgered(p) for p in people] == [1] * 5
    assert LedgerEntry.objects.count() == 5  # nobody else, not even the children
    assert sorted(Offer.objects.values_list("person_id", flat=True)) == sorted(p.pk for p in people)
    amounts = {o.person_id: str(o.amount) for o in Offer.objects.all()}
    assert amounts[people[0].pk] == "120.00" and amounts[people[1].pk] == "240.00"


def test_a_batch_exactly_as_large_as_the_rest_ends_the_scan_on_an_empty_batch(
    binding: Any, purpose: Any, country: Any, low_income: Any
) -> None:
    for _ in range(4):
        parent_of(country, 1, consent=purpose)
    started = scan.scan_start(service_code="child-benefit")
    first = scan.scan_run(scan_id=started.pk, batch_size=2, max_batches=2)
    assert first.status == "running" and first.scanned == 4
    done = scan.scan_run(scan_id=started.pk, batch_size=2)
    assert done.status == "done" and done.scanned == 4 and LedgerEntry.objects.count() == 4


def test_an_interrupted_scan_resumes_from_its_cursor_and_offers_nobody_twice(
    binding: Any, purpose: Any, country: Any, low_income: Any
) -> None:
    people = [parent_of(country, 1, consent=purpose) for _ in range(5)]
    started = scan.scan_start(service_code="child-benefit")
    half = scan.scan_run(scan_id=started.pk, batch_size=2, max_batches=1)
    assert half.status == "running" and half.scanned == 2 and half.offers == 2
    done = scan.scan_run(scan_id=started.pk, batch_size=2)
    assert done.status == "done" and done.scanned == 5 and done.offers == 5
    assert [ledgered(p) for p in people] == [1] * 5
    # A batch run again (as after a crash between its commit and the next cursor read):
    # the unique offer per person, benefit and version holds and the counter stays true.
    Scan.objects.filter(pk=started.pk).update(status="running", cursor="")
    again = scan.scan_run(scan_id=started.pk, batch_size=2)
    assert again.offers == 5 and Offer.objects.count() == 5
    assert Counter(Offer.objects.values_list("person_id", flat=True)).most_common(1)[0][1] == 1


def test_people_without_a_consent_in_force_are_not_read_at_all(
    binding: Any, purpose: Any, country: Any, low_income: Any
) -> None:
    from govdoor.organisations.tests.factories import OrganisationFactory

    scanned = parent_of(country, 1, consent=purpose)
    expired = parent_of(country, 1, consent=purpose)
    Consent.objects.filter(person=expired).update(expires_at=timezone.now() - dt.timedelta(1))
    deceased = parent_of(country, 1, consent=purpose)
    deceased.deceased_on = dt.date(2025, 1, 1)
    deceased.save()
    elsewhere = parent_of(country, 1)
    tax_office = OrganisationFactory(code="tax-office")
    purpose.requesting_organisations.add(tax_office)
    exchange_services.consent_give(
        person=elsewhere, purpose=purpose, organisation=tax_office, fields=["population.birth_date"]
    )
    never = parent_of(country, 1)
    done = scan.scan_run(scan_id=scan.scan_start(service_code="child-benefit").pk)
    assert done.scanned == 1 and ledgered(scanned) == 1
    assert [ledgered(p) for p in (expired, deceased, elsewhere, never)] == [0, 0, 0, 0]
    assert list(Offer.objects.values_list("person_id", flat=True)) == [scanned.pk]


def test_two_consents_of_one_person_make_one_household_and_one_ledger_entry(
    binding: Any, purpose: Any, country: Any, low_income: Any
) -> None:
    person = parent_of(country, 2, consent=purpose)
    exchange_services.consent_give(
        person=person,
        purpose=purpose,
        organisation=country["social"],
        fields=["population.birth_date"],
    )
    done = scan.scan_run(scan_id=scan.scan_start(service_code="child-benefit").pk)
    assert done.scanned == 1 and ledgered(person) == 1
    assert str(Offer.objects.get(person=person).amount) == "240.00"


def test_offers_reach_the_mailbox_in_bounded_follow_up_tasks_after_the_commit(
    binding: Any,
    purpose: Any,
    country: Any,
    low_income: Any,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from govdoor.rules import tasks

    sent: list[int] = []
    real = tasks.offers_notify.delay
    monkeypatch.setattr(scan, "NOTIFY_CHUNK", 2)
    monkeypatch.setattr(
        tasks.offers_notify, "delay", lambda **kw: sent.append(len(kw["offer_ids"])) or real(**kw)
    )
    people = [parent_of(country, 1, consent=purpose) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        scan.scan_run(scan_id=scan.scan_start(service_code="child-benefit").pk)
    assert sent == [] and not Message.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sorted(sent) == [1, 2]
    assert Message.objects.filter(person__in=people).count() == 3
    assert not Offer.objects.filter(message_id__isnull=True).exists()


@on_postgresql
def test_the_set_based_read_and_the_portable_read_see_the_same_households(
    binding: Any, purpose: Any, country: Any, monkeypatch: Any
) -> None:
    for i in range(7):
        parent_of(country, i % 4, consent=purpose)
    parent_of(country, 2)  # no consent
    day = dt.date(2026, 6, 1)
    fast = scan_sets.households_read(organisation=country["social"], after="", limit=5, on=day)
    monkeypatch.setattr(scan_sets, "set_based", lambda: False)
    slow = scan_sets.households_read(organisation=country["social"], after="", limit=5, on=day)
    assert fast.ids == slow.ids and len(fast.ids) == 5
    for name in ("person_household", "person_age", "person_is_child"):
        assert np.array_equal(getattr(fast.batch, name), getattr(slow.batch, name)), name
    for name, values in slow.batch.household_inputs.items():
        assert np.array_equal(fast.batch.household_inputs[name], values), name
    rest = scan_sets.households_read(
        organisation=country["social"], after=slow.ids[-1], limit=5, on=day
    )
    monkeypatch.setattr(scan_sets, "set_based", lambda: True)
    assert (
        scan_sets.households_read(
            organisation=country["social"], after=fast.ids[-1], limit=5, on=day
        ).ids
        == rest.ids
    )
    assert len(rest.ids) == 2


def test_the_demo_finances_keep_their_numbers_when_computed_for_many_ids_at_once() -> None:
    """The scalar formula the vectorised one replaced, as the reference."""

    def unit(person_id: str, salt: str) -> float:
        digest = hashlib.sha256(f"{salt}:{person_id}".encode()).digest()
        return int.from_bytes(digest[:4], "big") / 2**32

    ids = [str(uuid.UUID(int=n * 0x9E3779B97F4A7C15 % 2**128)) for n in range(20_000)]
    got = demo_finances(ids)
    for name, base, scale, salt in (
        ("household_income", 600, 4800, "income"),
        ("rent", 350, 800, "rent"),
        ("property_tax", 400, 1200, "tax"),
    ):
        expected = [base + round(scale * unit(p, salt), -1) for p in ids]
        assert got[name].tolist() == expected, name
    assert demo_finances([])["rent"].shape == (0,)


def test_ages_are_the_same_whole_years_as_age_on_around_every_birthday() -> None:
    born = [dt.date(2000, 2, 29) + dt.timedelta(days=n) for n in range(0, 1500, 7)]
    born += [dt.date(1999, 12, 31), dt.date(2000, 1, 1), dt.date(2000, 2, 28)]
    days = np.array([(b - dt.date(1970, 1, 1)).days for b in born], dtype=np.int64)
    for day in (dt.date(2025, 2, 28), dt.date(2024, 2, 29), dt.date(2025, 3, 1)):
        assert scan_sets.ages_on(days, day).tolist() == [age_on(b, day) for b in born]


def test_offer_ids_are_canonical_time_ordered_uuids() -> None:
    texts = scan_sets.uuid_texts(scan_sets.uuid7_many(1000))
    parsed = [uuid.UUID(t) for t in texts]
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in parsed)
    assert [str(u) for u in parsed] == texts and len(set(texts)) == 1000
    assert scan_sets.uuid_texts(b"") == []


def test_an_empty_population_finishes_the_scan_at_once(
    binding: Any, purpose: Any, country: Any
) -> None:
    PersonFactory()
    done = scan.scan_run(scan_id=scan.scan_start(service_code="child-benefit").pk)
    assert done.status == "done" and done.scanned == 0 and not LedgerEntry.objects.exists()
