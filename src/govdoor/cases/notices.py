"""What a case sends the person: a signed letter (letters) in a mailbox message (messaging),
and deadlines with reminders (messaging obligations).

Why a letter and a message: the mailbox message is the legal delivery (sent, made
available, opened), the signed PDF is the document itself that any PDF reader verifies.
The letter is written in the person's language; the organisation's name and address are the
case's. Writing a letter reads the person's name and address: that use is ledgered.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from govdoor.cases.models import Case, CaseEvent, Outcome
from govdoor.cases.workflow import history_add
from govdoor.identity.models import Person

log = logging.getLogger(__name__)

LETTER_LANGUAGES = ("en", "fr")
LEGAL_BASIS = "Administrative procedure: case handling"
MESSAGE_TYPES = {
    "receipt": "case-receipt",
    "appeal_receipt": "case-receipt",
    "decision": "case-decision",
    "information_request": "case-information-request",
}
OBLIGATION_SOURCE_APPEAL = "cases.appeal"
OBLIGATION_SOURCE_INFO = "cases.information"


def language_of(case: Case) -> str:
    language = (case.applicant.language if case.applicant else "en") or "en"
    language = language.split("-")[0]
    return language if language in LETTER_LANGUAGES else "en"


def _recipient(case: Case) -> tuple[str, list[str]]:
    if case.applicant is not None:
        person: Person = case.applicant
        address = (
            person.addresses.filter(valid_to__isnull=True)
            .select_related("municipality")
            .order_by("-valid_from")
            .first()
        )
        lines = (
            [f"{address.street} {address.house_number}", f"{address.postcode} {address.town}"]
            if address
            else []
        )
        return person.full_name, lines
    assert case.business is not None
    return case.business.name, [case.business.municipality.name]


def _ledger_letter(case: Case) -> None:
    from govdoor.ledger.services import ledger_append

    subject = case.applicant_id or case.business_id
    ledger_append(
        subject_id=str(subject),
        actor_org=case.organisation.code,
        actor_user=None,
        action="read",
        purpose="case-handling: letter",
        legal_basis=LEGAL_BASIS,
        fields=["address", "name"],
    )


def _facts(case: Case) -> list[tuple[str, str]]:
    facts = [
        (_("Case reference"), case.reference),
        (_("Service"), case.service.name),
        (_("Handled by"), case.organisation.name),
        (_("Received on"), date_format(case.opened_at, "DATE_FORMAT")),
    ]
    if case.due_at:
        facts.append((_("We aim to decide by"), date_format(case.due_at, "DATE_FORMAT")))
    return facts


def _paragraphs(case: Case, kind: str, extra: dict[str, str]) -> tuple[str, list[str]]:
    service = case.service.name
    if kind in ("receipt", "appeal_receipt"):
        title = (
            _("We have received your appeal")
            if kind == "appeal_receipt"
            else _("We have received your application")
        )
        return title, [
            _("We have received your request for “%(service)s”. Its reference is %(ref)s.")
            % {"service": service, "ref": case.reference},
            _(
                "We will let you know in your govdoor mailbox when there is news. "
                "You can follow your case in My govdoor."
            ),
        ]
    if kind == "information_request":
        return _("We need more information"), [
            _("To decide on your request for “%(service)s” we need more information from you.")
            % {"service": service},
            extra["request"],
            _("Please answer by %(due)s by replying to this message in your govdoor mailbox.")
            % {"due": extra["due_on"]},
        ]
    outcome = str(Outcome(case.outcome).label)
    paragraphs = [
        _("We have decided on your request for “%(service)s”: %(outcome)s.")
        % {"service": service, "outcome": outcome.lower()},
        _("Reasons: %(reason)s") % {"reason": case.decision_reason},
    ]
    if case.automated:
        paragraphs.append(
            _(
                "This decision was made automatically by applying the published rules. "
                "You may ask for it to be reviewed by a person."
            )
        )
    if case.appeal_until:
        paragraphs.append(
            _("If you disagree, you may appeal until %(date)s from My govdoor.")
            % {"date": date_format(case.appeal_until, "DATE_FORMAT")}
        )
    return _("Decision on your request"), paragraphs


def letter_and_message(case: Case, kind: str, **extra: str) -> tuple[Any, Any]:
    """Issue the letter of `kind` and deliver it to the mailbox; history records both."""
    from govdoor.letters.services import letter_issue, letter_pdf
    from govdoor.messaging.services import NewAttachment, message_send, message_type_get

    language = language_of(case)
    name, address_lines = _recipient(case)
    _ledger_letter(case)
    with translation.override(language):
        title, paragraphs = _paragraphs(case, kind, extra)
        facts = _facts(case)
        personalisation = {
            "reference": case.reference,
            "service": case.service.name,
            "organisation": case.organisation.name,
            "outcome": str(Outcome(case.outcome).label).lower() if case.outcome else "",
            "request": extra.get("request", ""),
            "due_on": extra.get("due_on", ""),
        }
    letter = letter_issue(
        organisation=case.organisation,
        kind=kind,
        language=language,
        title=title,
        reference=case.reference,
        recipient_name=name,
        recipient_address_lines=address_lines,
        paragraphs=paragraphs,
        facts=facts,
        person_id=case.applicant_id,
        case_id=case.pk,
    )
    pdf = letter_pdf(letter=letter)
    message = message_send(
        organisation=case.organisation,
        message_type=message_type_get(MESSAGE_TYPES[kind]),
        personalisation=personalisation,
        person=case.applicant,
        business=None if case.applicant else case.business,
        case_ref=case.reference,
        attachments=[
            NewAttachment(f"{case.reference}-{kind}.pdf".replace("_", "-"), "application/pdf", pdf)
        ],
    )
    history_add(
        case,
        CaseEvent.Kind.LETTER,
        actor_label="system",
        note=title,
        letter_id=letter.pk,
        message_id=message.pk,
    )
    return letter, message


def deadline_register(case: Case, *, source: str, title: str, due_on: dt.date) -> None:
    """A deadline the person must meet, with messaging's reminders (people only)."""
    from govdoor.messaging.reminders import obligation_register

    if case.applicant is None:
        return
    obligation_register(
        person=case.applicant,
        source=source,
        source_ref=str(case.pk),
        title=title,
        due_on=due_on,
        org=case.organisation,
    )


def deadline_met(case: Case, *, source: str) -> None:
    from govdoor.core.errors import NotFound
    from govdoor.messaging.reminders import obligation_fulfil

    if case.applicant is None:
        return
    try:
        with transaction.atomic():
            obligation_fulfil(person=case.applicant, source=source, source_ref=str(case.pk))
    except NotFound:
        pass  # nothing was due (an obligation registered before this version, or none)
