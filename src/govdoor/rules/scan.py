"""Proactive eligibility scans: the people who consented, in batches, one version per scan.

- Only people with a consent in force for the purpose "proactive-eligibility" given to the
  service's organisation are read at all; nobody else is even loaded.
- The package version is chosen when the scan starts and stored on it: every batch uses
  that version, so switching a release on mid-scan never mixes versions within a scan.
- Each batch commits on its own (with its cursor), so a scan interrupted halfway resumes
  where it stopped and makes no second offer (one offer per person, benefit and version).
- Each scanned person gets ONE ledger entry (purpose "proactive-eligibility"), written in
  the batch's transaction with `ledger_append_for_subjects`.
- Offers go to the mailbox in follow-up tasks (5,000 offers each), after the batch commits.
- A batch is read and written as sets (`scan_sets`): on PostgreSQL one query reads the
  batch's people with their children, one INSERT writes its offers; SQLite, the embedded
  demo, takes the portable ORM path to the same result.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from govdoor.core import clock
from govdoor.core.errors import DomainError, NotFound
from govdoor.rules import engine, scan_sets, selectors
from govdoor.rules.batch import batch_calculate
from govdoor.rules.models import Offer, Scan
from govdoor.rules.scan_sets import PURPOSE

log = logging.getLogger(__name__)
LEDGER_FIELDS = ("population.birth_date", "population.parents", "household_finances")
# People per batch: one query, one simulation, one ledger write and one offer INSERT each.
# Large, because each of those costs little per person and something per batch; bounded,
# so a batch's arrays and its transaction stay a few hundred megabytes at most.
BATCH_SIZE = 200_000
NOTIFY_CHUNK = 5_000  # offer ids per follow-up mailbox task


def consenting_person_ids(
    *, organisation: Any, after: str = "", limit: int = BATCH_SIZE
) -> list[Any]:
    """People with a consent in force for proactive checks by `organisation`, by id."""
    return scan_sets.consenting_person_ids(organisation=organisation, after=after, limit=limit)


@transaction.atomic
def scan_start(*, service_code: str) -> Scan:
    binding = selectors.binding_for_code(service_code)
    if binding is None:
        raise NotFound(
            _("No rule decides the service %(service)r.") % {"service": service_code},
            field="benefit",
        )
    release = selectors.release_in_force(package=binding.package)
    if release is None:
        raise DomainError(_("No release of the rule package is in force."), field="release")
    return Scan.objects.create(
        service_code=binding.service.code,
        package=binding.package,
        version=release.version,
        period=engine.month_of(),
        started_at=clock.now(),
    )


def scan_run(*, scan_id: Any, batch_size: int = BATCH_SIZE, max_batches: int | None = None) -> Scan:
    """Run (or resume) a scan batch by batch until everyone who consented is done."""
    done = 0
    while max_batches is None or done < max_batches:
        scan = Scan.objects.get(pk=scan_id)
        if scan.status != Scan.Status.RUNNING:
            return scan
        try:
            more = scan_batch(scan=scan, batch_size=batch_size)
        except Exception as exc:
            Scan.objects.filter(pk=scan.pk).update(
                status=Scan.Status.FAILED, error=f"{type(exc).__name__}"[:500]
            )
            raise
        done += 1
        if not more:
            break
    return Scan.objects.get(pk=scan_id)


@transaction.atomic
def scan_batch(*, scan: Scan, batch_size: int = BATCH_SIZE) -> bool:
    """One batch: read, compute (one simulation), ledger, offers. False when finished."""
    from govdoor.ledger.services import ledger_append_for_subjects

    scan = Scan.objects.select_for_update().get(pk=scan.pk)
    binding = selectors.binding_for_code(scan.service_code)
    if binding is None:
        raise NotFound(_("The service is no longer bound to a rule."), field="benefit")
    organisation = binding.service.owner
    people = scan_sets.households_read(
        organisation=organisation, after=scan.cursor, limit=batch_size, on=clock.today()
    )
    if not people.ids:
        _finish(scan)
        return False
    system = engine.system_get(engine.package_get(scan.package), scan.version)
    amounts = batch_calculate(system, binding.variable, scan.period, people.batch)
    legal_basis = _legal_basis()
    ledger_append_for_subjects(
        subject_ids=people.ids,
        actor_org=organisation.code,
        actor_user=None,
        action="read",
        purpose=PURPOSE,
        legal_basis=legal_basis,
        fields=LEDGER_FIELDS,
    )
    if scan_sets.set_based():
        new_offers = scan_sets.offers_insert(scan=scan, person_ids=people.ids, amounts=amounts)
    else:
        new_offers = _offers_create(scan, people.ids, amounts)
    scan.cursor = people.ids[-1]
    scan.scanned += len(people.ids)
    scan.offers += len(new_offers)
    scan.save(update_fields=["cursor", "scanned", "offers"])
    if new_offers:
        transaction.on_commit(lambda: _notify_later(new_offers), robust=True)
    if len(people.ids) < batch_size:
        _finish(scan)
        return False
    return True


def _finish(scan: Scan) -> None:
    scan.status = Scan.Status.DONE
    scan.finished_at = clock.now()
    scan.save(update_fields=["status", "finished_at"])


def _legal_basis() -> str:
    from govdoor.exchange.selectors import purpose_get

    purpose = purpose_get(PURPOSE)
    return purpose.legal_basis if purpose else "Consent of the person"


def _offers_create(scan: Scan, ids: list[str], amounts: np.ndarray) -> list[str]:
    """The portable path (SQLite): who already has an offer, then a bulk INSERT."""
    now = clock.now()
    eligible = [(pid, amounts[i]) for i, pid in enumerate(ids) if amounts[i] > 0]
    if not eligible:
        return []
    already = set(
        str(p)
        for p in Offer.objects.filter(
            person_id__in=[p for p, _ in eligible],
            service_code=scan.service_code,
            version=scan.version,
        ).values_list("person_id", flat=True)
    )
    rows = [
        Offer(
            scan=scan,
            person_id=pid,
            service_code=scan.service_code,
            version=scan.version,
            amount=engine.money(amount),
            created_at=now,
        )
        for pid, amount in eligible
        if pid not in already
    ]
    Offer.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return [str(r.pk) for r in rows]


def _notify_later(offer_ids: list[str]) -> None:
    """Follow-up tasks of a bounded size, so no task message carries a whole batch."""
    from govdoor.rules.tasks import offers_notify

    for start in range(0, len(offer_ids), NOTIFY_CHUNK):
        offers_notify.delay(offer_ids=offer_ids[start : start + NOTIFY_CHUNK])


def offers_notify(*, offer_ids: list[str]) -> int:
    """Put each offer not yet sent in the person's mailbox; returns how many were sent."""
    from govdoor.rules.offers import offer_message_send

    sent = 0
    for offer in Offer.objects.filter(pk__in=offer_ids, message_id__isnull=True).select_related(
        "person"
    ):
        with transaction.atomic():
            locked = Offer.objects.select_for_update().get(pk=offer.pk)
            if locked.message_id is None:
                offer_message_send(offer=locked, person=offer.person)
                sent += 1
    return sent
