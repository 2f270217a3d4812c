"""PAdES signing and checking of PDF letters with pyHanko (pure functions, no database).

Why PAdES baseline B-B: the signature is a CAdES detached CMS with the signing certificate
attribute, which every PDF reader that checks signatures understands. There is no
time-stamping authority we can reach, so no B-T; the signer certificate and its chain are
embedded, so a reader needs only to trust the published root.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

logger = logging.getLogger(__name__)
SIGNATURE_BYTES = 12 * 1024


def _asn1_cert(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def pdf_sign(
    pdf: bytes,
    *,
    key_pem: str,
    certificate_pem: str,
    chain: Sequence[x509.Certificate],
    signer_name: str,
    reason: str,
    location: str = "",
) -> bytes:
    """Sign `pdf` (PAdES B-B, SHA-256) with the key; the certificate and `chain` are embedded."""
    key = serialization.load_pem_private_key(key_pem.encode(), None)
    key_info = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    certificate = _asn1_cert(x509.load_pem_x509_certificate(certificate_pem.encode()))
    signer = signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=key_info,
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in chain]),
    )
    meta = signers.PdfSignatureMetadata(
        field_name="GovdoorSignature",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location or None,
        name=signer_name,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    # A fixed reservation spares pyHanko a trial signature to measure the CMS (half the time);
    # a letter's CMS (two certificates and an ECDSA or RSA signature) is about 3 KB.
    out = signers.PdfSigner(meta, signer=signer).sign_pdf(writer, bytes_reserved=SIGNATURE_BYTES)
    return bytes(out.getbuffer())


class NotAPdf(ValueError):
    """The bytes are not a PDF, or one too damaged to read."""


@dataclass(frozen=True)
class SignatureCheck:
    """What pyHanko found, before it is put into words for people."""

    signed: bool
    intact: bool
    trusted: bool
    certificate: x509.Certificate | None
    signed_at: dt.datetime | None


def _reader(pdf: bytes) -> PdfFileReader:
    if not pdf.lstrip()[:5] == b"%PDF-":
        raise NotAPdf("not a PDF")
    try:
        return PdfFileReader(io.BytesIO(pdf), strict=False)
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise NotAPdf("unreadable PDF") from exc


def pdf_check(pdf: bytes, *, roots: Sequence[x509.Certificate]) -> SignatureCheck:
    """Check the last signature of `pdf` against `roots`; NotAPdf for anything unreadable.

    Intact means the digest matches and the signed byte range covers the whole file (nothing
    was added after signing). Trusted means the signature is cryptographically valid and
    its certificate chains up to one of `roots`.
    """
    reader = _reader(pdf)
    try:
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise NotAPdf("unreadable PDF") from exc
    if not signatures:
        return SignatureCheck(False, False, False, None, None)
    context = ValidationContext(
        trust_roots=[_asn1_cert(r) for r in roots],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    try:
        status = validate_pdf_signature(signatures[-1], signer_validation_context=context)
    except (PdfError, SigningError, ValueError, KeyError, TypeError) as exc:
        logger.info("letter signature could not be validated", extra={"error": type(exc).__name__})
        return SignatureCheck(True, False, False, None, None)
    intact = bool(
        status.intact and status.valid and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    )
    certificate = x509.load_der_x509_certificate(status.signing_cert.dump())
    return SignatureCheck(
        signed=True,
        intact=intact,
        trusted=bool(intact and status.trusted),
        certificate=certificate,
        signed_at=status.signer_reported_dt,
    )
