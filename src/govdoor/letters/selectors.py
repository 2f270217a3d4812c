"""Reading letters (with the permission checks) and checking a PDF someone was sent."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from govdoor.core.errors import DomainError, NotFound
from govdoor.core.ids import uuid_or_none
from govdoor.letters import pki
from govdoor.letters.models import Letter
from govdoor.letters.signing import NotAPdf, pdf_check
from govdoor.organisations.models import Organisation

MAX_CHECK_BYTES = 10 * 1024 * 1024
STAFF_ROLES = ("case_worker", "auditor")


def _listed(letters: QuerySet[Letter]) -> QuerySet[Letter]:
    return letters.select_related("organisation").defer("pdf_sealed").order_by("-created_at", "-id")


def letters_of_person(*, person_id: object) -> QuerySet[Letter]:
    """A person's letters, newest first (without the PDFs)."""
    pk = uuid_or_none(person_id)
    return _listed(Letter.objects.filter(person_id=pk) if pk else Letter.objects.none())


def letters_of_case(*, case_id: object) -> QuerySet[Letter]:
    pk = uuid_or_none(case_id)
    return _listed(Letter.objects.filter(case_id=pk) if pk else Letter.objects.none())


def letters_issued_by(*, organisation: Organisation) -> QuerySet[Letter]:
    return _listed(Letter.objects.filter(organisation=organisation))


def letter_for_person(*, person_ids: list[uuid.UUID], letter_id: object) -> Letter:
    """A letter addressed to one of `person_ids` (the person, or whom they act for by mandate);
    any other letter answers NotFound, exactly as an unknown id does."""
    pk = uuid_or_none(letter_id)
    letter = (
        Letter.objects.select_related("organisation")
        .filter(pk=pk, person_id__in=person_ids)
        .first()
        if pk
        else None
    )
    if letter is None:
        raise NotFound(_("No such letter."))
    return letter


def letter_for_staff(*, user: Any, organisation: Organisation, letter_id: object) -> Letter:
    """A letter the organisation issued, for its case workers and auditors; else NotFound."""
    from govdoor.organisations.selectors import user_has_role

    pk = uuid_or_none(letter_id)
    allowed = any(user_has_role(user, organisation, role) for role in STAFF_ROLES)
    letter = (
        Letter.objects.select_related("organisation")
        .filter(pk=pk, organisation=organisation)
        .first()
        if pk and allowed
        else None
    )
    if letter is None:
        raise NotFound(_("No such letter."))
    return letter


@dataclass(frozen=True)
class LetterVerification:
    """The verdict on a PDF. `signer_organisation` is only given when the signature chains
    to a government root: an untrusted signature's name is a claim, not a fact.

    status: "valid", "not_trusted" (signed, not by government), "modified" (changed after
    signing), "no_signature".
    """

    valid: bool
    intact: bool
    signer_organisation: str | None
    signed_at: dt.datetime | None
    reason: str
    status: str
    signed: bool
    on_record: bool  # govdoor holds a letter with exactly these bytes


def _reason(status: str, organisation: str | None, signed_at: dt.datetime | None) -> str:
    if status == "valid":
        when = date_format(signed_at, "j F Y") if signed_at else "?"
        return _(
            "This letter is genuine: %(org)s signed it on %(date)s, and it has not been "
            "changed since."
        ) % {"org": organisation, "date": when}
    if status == "modified":
        return _("This PDF was changed after it was signed. Do not rely on what it says.")
    if status == "not_trusted":
        return _(
            "This PDF is signed, but not with a government certificate. It is not a letter "
            "from government."
        )
    return _(
        "This PDF has no electronic signature. Every letter we send is signed, so this one "
        "is not from government, or it was changed."
    )


def too_big() -> DomainError:
    return DomainError(
        _("The file is too big: letters are smaller than %(mb)s MB.")
        % {"mb": MAX_CHECK_BYTES // (1024 * 1024)},
        field="pdf",
    )


def letter_verify(*, pdf: bytes) -> LetterVerification:
    """Check a PDF against govdoor's signing roots; DomainError(field="pdf") if it is not
    a readable PDF (empty, too big, not a PDF, damaged beyond reading)."""
    if not pdf:
        raise DomainError(_("Choose a PDF file to check."), field="pdf")
    if len(pdf) > MAX_CHECK_BYTES:
        raise too_big()
    try:
        check = pdf_check(pdf, roots=pki.trust_roots())
    except NotAPdf:
        raise DomainError(
            _("This file is not a PDF, or it is too damaged to read."), field="pdf"
        ) from None
    if not check.signed:
        status = "no_signature"
    elif not check.intact:
        status = "modified"
    elif not check.trusted:
        status = "not_trusted"
    else:
        status = "valid"
    organisation = (
        pki.subject_organisation(check.certificate)
        if status == "valid" and check.certificate is not None
        else None
    )
    signed_at = check.signed_at if status == "valid" else None
    on_record = (
        status == "valid" and Letter.objects.filter(sha256=hashlib.sha256(pdf).hexdigest()).exists()
    )
    return LetterVerification(
        valid=status == "valid",
        intact=check.intact,
        signer_organisation=organisation,
        signed_at=signed_at,
        reason=_reason(status, organisation, signed_at),
        status=status,
        signed=check.signed,
        on_record=on_record,
    )
