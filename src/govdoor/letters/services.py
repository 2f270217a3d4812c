"""Issuing signed letters: render (WeasyPrint), sign (pyHanko, PAdES), keep encrypted.

Why real time (not core.clock) for certificates: a certificate's validity is checked by
other people's PDF readers against their own clocks, so it must follow the real one even
when a test freezes govdoor's clock. The date printed on the letter follows core.clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
import uuid
from collections.abc import Sequence
from typing import Any

from cryptography import x509
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from govdoor.core import clock, crypto
from govdoor.core.errors import DomainError
from govdoor.core.ids import uuid7
from govdoor.letters import pki, sealing
from govdoor.letters.models import Letter, SigningIdentity
from govdoor.letters.rendering import LetterContent, letter_render
from govdoor.letters.signing import pdf_sign
from govdoor.organisations.models import Organisation

logger = logging.getLogger(__name__)

MAX_PARAGRAPHS = 60
MAX_PARAGRAPH_CHARS = 6000
MAX_ADDRESS_LINES = 8
MAX_FACTS = 40


# --- Signing identities ------------------------------------------------------------------


def _current_identity(organisation: Organisation) -> SigningIdentity | None:
    return SigningIdentity.objects.filter(organisation=organisation, is_current=True).first()


def _usable(identity: SigningIdentity, ca_fingerprint: str, now: dt.datetime) -> bool:
    if identity.not_after - pki.RENEW_BEFORE <= now:
        return False
    return identity.source == SigningIdentity.Source.PKCS12 or (
        identity.ca_fingerprint == ca_fingerprint
    )


def _new_identity(organisation: Organisation, now: dt.datetime) -> SigningIdentity:
    ca = pki.authority()
    pair = pki.organisation_pkcs12(organisation.code)
    source = SigningIdentity.Source.PKCS12
    if pair is None:
        pair = pki.organisation_certificate_issue(
            ca, name=organisation.name, code=organisation.code, now=now
        )
        source = SigningIdentity.Source.ISSUED
    leaf = x509.load_pem_x509_certificates(pair.certificate_pem.encode())[0]
    return SigningIdentity(
        organisation=organisation,
        certificate_pem=pair.certificate_pem,
        key_pem=pair.key_pem,
        ca_fingerprint=ca.fingerprint if source == SigningIdentity.Source.ISSUED else "",
        serial_number=format(leaf.serial_number, "x")[:64],
        source=source,
        not_before=leaf.not_valid_before_utc,
        not_after=leaf.not_valid_after_utc,
        is_current=True,
        created_at=clock.now(),
    )


def signing_identity_for(organisation: Organisation) -> SigningIdentity:
    """The organisation's current signing identity, created (or renewed) on first need.

    Concurrency: two first letters at once both try to insert; the partial unique
    constraint lets one win and the other reads the winner. Unavailable when no signing
    authority is configured (production without GOVDOOR_LETTERS_CA_*).
    """
    ca = pki.authority()
    now = dt.datetime.now(dt.UTC)
    current = _current_identity(organisation)
    if current is not None and _usable(current, ca.fingerprint, now):
        return current
    fresh = _new_identity(organisation, now)
    try:
        with transaction.atomic():
            if current is not None:
                SigningIdentity.objects.filter(pk=current.pk, is_current=True).update(
                    is_current=False
                )
            fresh.save(force_insert=True)
    except IntegrityError:
        winner = _current_identity(organisation)
        if winner is None:
            raise
        return winner
    logger.info(
        "letters signing identity created",
        extra={"organisation": organisation.code, "source": fresh.source},
    )
    return fresh


def _chain(identity: SigningIdentity) -> list[x509.Certificate]:
    """What is embedded beside the signer's certificate: its own chain, then our root."""
    bundled = x509.load_pem_x509_certificates(identity.certificate_pem.encode())[1:]
    return [*bundled, pki.authority().certificate]


# --- Letters ------------------------------------------------------------------------------


def _text(value: Any, *, field: str, limit: int, required: bool = True) -> str:
    if not isinstance(value, str):
        raise DomainError(_("This must be text."), field=field)
    value = value.strip()
    if required and not value:
        raise DomainError(_("This cannot be empty."), field=field)
    if len(value) > limit:
        raise DomainError(
            _("This is too long (at most %(limit)s characters).") % {"limit": limit}, field=field
        )
    return value


def _lines(values: Any, *, field: str, most: int, limit: int) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise DomainError(_("This must be a list of texts."), field=field)
    if len(values) > most:
        raise DomainError(_("At most %(most)s items.") % {"most": most}, field=field)
    return [_text(v, field=f"{field}[{i}]", limit=limit) for i, v in enumerate(values)]


def _facts(values: Any) -> list[tuple[str, str]]:
    if isinstance(values, str) or not isinstance(values, Sequence) or len(values) > MAX_FACTS:
        raise DomainError(
            _("Facts are at most %(most)s label and value pairs.") % {"most": MAX_FACTS},
            field="facts",
        )
    out = []
    for i, pair in enumerate(values):
        if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise DomainError(_("Each fact is a label and a value."), field=f"facts[{i}]")
        label = _text(pair[0], field=f"facts[{i}]", limit=200)
        out.append((label, _text(pair[1], field=f"facts[{i}]", limit=2000, required=False)))
    return out


def _check_choices(kind: str, language: str, person_id: uuid.UUID | None) -> None:
    if kind not in Letter.Kind.values:
        raise DomainError(_("Unknown kind of letter: %(kind)s") % {"kind": kind}, field="kind")
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise DomainError(
            _("Letters are written in %(langs)s only.")
            % {"langs": ", ".join(code for code, _name in settings.LANGUAGES)},
            field="language",
        )
    if person_id is not None:
        from govdoor.identity.selectors import person_get

        try:
            person_get(person_id)
        except DomainError:
            raise DomainError(_("No such person."), field="person_id") from None


def _organisation_lines(organisation: Organisation) -> list[str]:
    lines = []
    if organisation.home_area_id is not None and organisation.home_area is not None:
        lines.append(organisation.home_area.name)
    if organisation.website:
        lines.append(organisation.website)
    return lines


def _context(letter_id: uuid.UUID) -> str:
    return f"letters.letter.{letter_id}"


def _content(organisation: Organisation, kind: str, language: str, **text: Any) -> LetterContent:
    """The letter's content, each field checked (DomainError naming it)."""
    with translation.override(language):
        kind_label = str(Letter.Kind(kind).label)
    return LetterContent(
        organisation_name=organisation.name,
        organisation_logo=organisation.logo,
        organisation_lines=_organisation_lines(organisation),
        kind_label=kind_label,
        language=language,
        title=_text(text["title"], field="title", limit=200),
        reference=_text(text["reference"], field="reference", limit=64),
        date=clock.today(),
        recipient_name=_text(text["recipient_name"], field="recipient_name", limit=200),
        recipient_address_lines=_lines(
            text["recipient_address_lines"],
            field="recipient_address_lines",
            most=MAX_ADDRESS_LINES,
            limit=200,
        ),
        paragraphs=_lines(
            text["paragraphs"], field="paragraphs", most=MAX_PARAGRAPHS, limit=MAX_PARAGRAPH_CHARS
        ),
        facts=_facts(text["facts"]),
    )


def _signed(content: LetterContent, organisation: Organisation) -> tuple[bytes, SigningIdentity]:
    identity = signing_identity_for(organisation)
    with translation.override(content.language):
        reason = _("Letter %(reference)s from %(organisation)s") % {
            "reference": content.reference,
            "organisation": organisation.name,
        }
    signed = pdf_sign(
        letter_render(content),
        key_pem=identity.key_pem,
        certificate_pem=identity.certificate_pem,
        chain=_chain(identity),
        signer_name=organisation.name,
        reason=reason[:200],
        location=str(getattr(settings, "GOVDOOR_COUNTRY_NAME", "")),
    )
    return signed, identity


@transaction.atomic
def letter_issue(
    *,
    organisation: Organisation,
    kind: str,
    language: str,
    title: str,
    reference: str,
    recipient_name: str,
    recipient_address_lines: Sequence[str],
    paragraphs: Sequence[str],
    facts: Sequence[tuple[str, str]] = (),
    person_id: uuid.UUID | None = None,
    case_id: uuid.UUID | None = None,
) -> Letter:
    """Render, sign with the organisation's key and keep (encrypted) one letter.

    Refuses with DomainError naming the field for bad input; Unavailable (503) when no
    signing authority is configured. The caller sends it (messaging) and links it (cases).
    """
    started = time.perf_counter()
    _check_choices(kind, language, person_id)
    content = _content(
        organisation,
        kind,
        language,
        title=title,
        reference=reference,
        recipient_name=recipient_name,
        recipient_address_lines=recipient_address_lines,
        paragraphs=paragraphs,
        facts=facts,
    )
    signed, identity = _signed(content, organisation)
    letter_id = uuid7()
    letter = Letter.objects.create(
        id=letter_id,
        organisation=organisation,
        kind=kind,
        language=language,
        reference=content.reference,
        title=content.title,
        case_id=case_id,
        person_id=person_id,
        signing_identity=identity,
        sha256=hashlib.sha256(signed).hexdigest(),
        size=len(signed),
        pdf_sealed=sealing.seal(signed, context=_context(letter_id)),
        created_at=clock.now(),
    )
    elapsed = round((time.perf_counter() - started) * 1000)
    logger.info(
        "letter issued",
        extra={
            "letter": str(letter.pk),
            "organisation": organisation.code,
            "kind": kind,
            "ms": elapsed,
        },
    )
    return letter


def letter_pdf(*, letter: Letter) -> bytes:
    """The signed PDF exactly as issued (decrypted; its digest is checked against `sha256`)."""
    pdf = sealing.unseal(bytes(letter.pdf_sealed), context=_context(letter.pk))
    if hashlib.sha256(pdf).hexdigest() != letter.sha256:
        raise crypto.DecryptionError("the stored letter does not match its digest")
    return pdf
