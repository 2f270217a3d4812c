"""Proactive scans: consent gating, one ledger entry per person, offers, fixed version."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command

from govdoor.exchange import services as exchange_services
from govdoor.ledger.models import Entry as LedgerEntry
from govdoor.messaging.models import Message
from govdoor.rules import scan, services
from govdoor.rules.models import Offer, Scan
from govdoor.rules.tests.conftest import parent_of


def test_only_people_who_consented_are_scanned_and_ledgered(
    binding: Any, purpose: Any, country: Any, low_income: Any
) -> None:
    yes = parent_of(country, 2, consent=purpose)
    no = parent_of(country, 2)
    started = scan.scan_start(service_code="child-benefit")
    done = scan.scan_run(scan_id=started.pk)
    assert done.status == "done" and done.scanned == 1 and done.offers == 1
    offer = Offer.objects.get()
    assert offer.person_id == yes.pk and str(offer.amount) == "240.00"
    assert not Offer.objects.filter(person=no).exists()
    entries = LedgerEntry.objects.filter(subject_ref=str(yes.pk))
    assert entries.count() == 1 and '"proactive-eligibility"' in entries.get().body
    assert not LedgerEntry.objects.filter(subject_ref=str(no.pk)).exists()


def test_an_offer_reaches_the_mailbox_with_a_link_to_apply(
    binding: Any,
    purpose: Any,
    country: Any,
    low_income: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = parent_of(country, 1, consent=purpose)
    with django_capture_on_commit_callbacks(execute=True):
        scan.scan_run(scan_id=scan.scan_start(service_code="child-benefit").pk)
    message = Message.objects.get(person=person)
    assert message.message_type.code == "rules-proactive-offer"
    assert "/services/child-benefit/apply/" in message.body and "120.00" in message.body
    assert Offer.objects.get(person=person).message_id == message.pk


def test_a_revoked_consent_stops_the_scan(
    binding: Any, purpose: Any, country: Any, low_income: Any
) -> None:
    person = parent_of(country, 1, consent=purpose)
    from govdoor.exchange.selectors import consents_of

    exchange_services.consent_revoke(consent=consents_of(person_id=person.pk).get())
    done = scan.scan_run(scan_id=scan.scan_start(service_code="child-benefit").pk)
    assert done.scanned == 0 and not Offer.objects.exists()


def test_a_scan_keeps_its_version_when_another_is_switched_on_midway(
    binding: Any, purpose: Any, country: Any, low_income: Any
) -> None:
    for _ in range(3):
        parent_of(country, 1, consent=purpose)
    started = scan.scan_start(service_code="child-benefit")
    scan.scan_run(scan_id=started.pk, batch_size=1, max_batches=1)
    draft = services.release_register(
        package="demoland", version="2027.1", effective_from=dt.date(2027, 1, 1)
    )
    services.release_activate(release=draft, effective_from=dt.date(2020, 1, 2))
    done = scan.scan_run(scan_id=started.pk, batch_size=1)
    assert done.status == "done" and done.scanned == 3
    assert set(Offer.objects.values_list("version", flat=True)) == {"2026.1"}
    assert scan.scan_start(service_code="child-benefit").version == "2027.1"


def test_running_a_finished_scan_again_makes_no_second_offer(
    binding: Any, purpose: Any, country: Any, low_income: Any
) -> None:
    parent_of(country, 1, consent=purpose)
    first = scan.scan_run(scan_id=scan.scan_start(service_code="child-benefit").pk)
    again = scan.scan_run(scan_id=scan.scan_start(service_code="child-benefit").pk)
    assert first.offers == 1 and again.offers == 0 and Offer.objects.count() == 1


def test_people_without_children_or_above_the_limit_get_no_offer(
    binding: Any, purpose: Any, country: Any
) -> None:
    parent_of(country, 0, consent=purpose)
    done = scan.scan_run(scan_id=scan.scan_start(service_code="child-benefit").pk)
    assert done.scanned == 1 and done.offers == 0


def test_the_command_scans_a_benefit(
    binding: Any, purpose: Any, country: Any, low_income: Any, capsys: Any
) -> None:
    parent_of(country, 1, consent=purpose)
    call_command("rules_scan", "--benefit", "child-benefit")
    assert "1 people scanned, 1 offers" in capsys.readouterr().out
    assert Scan.objects.get().status == "done"


def test_the_command_names_an_unknown_benefit(db: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no-such"):
        call_command("rules_scan", "--benefit", "no-such")


def test_the_daily_task_skips_a_benefit_whose_scan_is_still_running(
    binding: Any, purpose: Any, country: Any, low_income: Any
) -> None:
    from govdoor.rules.tasks import scans_start_all

    parent_of(country, 1, consent=purpose)
    first = scans_start_all()
    assert len(first) == 1 and Scan.objects.get(pk=first[0]).status == "done"
    Scan.objects.create(
        service_code="child-benefit",
        package="demoland",
        version="2026.1",
        period="2026-03",
        started_at=Scan.objects.get().started_at,
    )
    assert scans_start_all() == []
