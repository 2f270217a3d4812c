"""The signing PKI of letters: the national root, and certificates issued to organisations.

Why a root of our own: a letter is signed with its organisation's key, and anyone who tells
their PDF reader to trust the published root (/letters/ca.pem) sees every organisation's
signature as valid. In the demo (and in tests) the root's key is generated once and kept
with the other demo secrets (var/demo-secrets.json); its certificate is derived from the key
deterministically, so a restart publishes the same root. In production nothing is
generated: the root (or the national PKI's issuing CA) comes from settings or the
environment, as PEM text, a PEM file path or a PKCS#12 file, and without it govdoor refuses
to sign (`Unavailable`). An organisation may also bring its own key and certificate as
`<organisation code>.p12` in GOVDOOR_LETTERS_ORGANISATION_PKCS12_DIR.

Settings (read with getattr(settings, ...) and then the environment):
- GOVDOOR_LETTERS_CA_KEY_PEM, GOVDOOR_LETTERS_CA_CERT_PEM, GOVDOOR_LETTERS_CA_KEY_PASSWORD
- or GOVDOOR_LETTERS_CA_PKCS12 (path) and GOVDOOR_LETTERS_CA_PKCS12_PASSWORD
- GOVDOOR_LETTERS_ORGANISATION_PKCS12_DIR, GOVDOOR_LETTERS_ORGANISATION_PKCS12_PASSWORD
- GOVDOOR_LETTERS_TRUST_ROOTS: more PEM files (comma separated) the checker trusts
  (earlier roots, after a rotation)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils.translation import gettext as _

from govdoor.core.errors import Unavailable

DEMO_ROOT_NAME = "govdoor Demo Root CA"
DEMO_ROOT_VALIDITY = (
    dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    dt.datetime(2050, 1, 1, tzinfo=dt.UTC),
)
ORGANISATION_CERT_DAYS = 3 * 365
RENEW_BEFORE = dt.timedelta(days=30)


@dataclass(frozen=True)
class CertificateAuthority:
    """The issuing root: its certificate (the trust anchor) and, to issue, its key."""

    certificate: x509.Certificate
    key: CertificateIssuerPrivateKeyTypes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)

    def pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()


@dataclass(frozen=True)
class KeyPair:
    """An organisation's signing key and certificate, as PEM text."""

    key_pem: str
    certificate_pem: str


def fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def _setting(name: str) -> str:
    value = getattr(settings, name, None) or os.environ.get(name, "")
    return str(value).strip()


def _pem_or_path(value: str) -> bytes:
    """A setting holds PEM text itself or the path of a file that holds it."""
    if value.startswith("-----BEGIN"):
        return value.encode()
    return Path(value).read_bytes()


def _refuse(missing: str) -> Unavailable:
    return Unavailable(
        _("Letters cannot be signed: the signing certificate authority is not configured (%(m)s).")
        % {"m": missing}
    )


def _demo_mode() -> bool:
    return str(getattr(settings, "GOVDOOR_MODE", "demo")) != "production"


def _derived_root(key: CertificateIssuerPrivateKeyTypes) -> x509.Certificate:
    """The demo root's self-signed certificate, the same bytes every time for the same key.

    Why deterministic: only the key is a secret to keep; the certificate follows from it
    (fixed names, validity and serial; RSA PKCS#1 v1.5 signatures are deterministic).
    """
    public = key.public_key()
    spki = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    country = str(getattr(settings, "GOVDOOR_COUNTRY_NAME", "govdoor"))
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, DEMO_ROOT_NAME),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, country[:64]),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(int.from_bytes(hashlib.sha256(spki).digest()[:16], "big") >> 1)
        .not_valid_before(DEMO_ROOT_VALIDITY[0])
        .not_valid_after(DEMO_ROOT_VALIDITY[1])
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )


def _issuer_key(key: Any) -> CertificateIssuerPrivateKeyTypes:
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise _refuse("the key must be RSA or EC")
    return key


def _load_configured(
    key_pem: str, cert_pem: str, password: str, p12_path: str, p12_password: str, demo: bool
) -> CertificateAuthority:
    if p12_path:
        key, cert, _extra = pkcs12.load_key_and_certificates(
            Path(p12_path).read_bytes(), p12_password.encode() or None
        )
        if key is None or cert is None:
            raise _refuse("GOVDOOR_LETTERS_CA_PKCS12 holds no key and certificate")
        return CertificateAuthority(certificate=cert, key=_issuer_key(key))
    if not key_pem:
        raise _refuse("GOVDOOR_LETTERS_CA_KEY_PEM")
    key = _issuer_key(
        serialization.load_pem_private_key(_pem_or_path(key_pem), password.encode() or None)
    )
    if cert_pem:
        certificate = x509.load_pem_x509_certificate(_pem_or_path(cert_pem))
    elif demo:
        certificate = _derived_root(key)
    else:
        raise _refuse("GOVDOOR_LETTERS_CA_CERT_PEM")
    return CertificateAuthority(certificate=certificate, key=key)


@lru_cache(maxsize=4)
def _authority(config: tuple[str, str, str, str, str, bool]) -> CertificateAuthority:
    return _load_configured(*config)


def authority() -> CertificateAuthority:
    """The configured root; in the demo, generated once into var/demo-secrets.json."""
    key_pem = _setting("GOVDOOR_LETTERS_CA_KEY_PEM")
    p12_path = _setting("GOVDOOR_LETTERS_CA_PKCS12")
    if not key_pem and not p12_path:
        if not _demo_mode():
            raise _refuse("GOVDOOR_LETTERS_CA_KEY_PEM or GOVDOOR_LETTERS_CA_PKCS12")
        from govdoor.conf.env import secret

        key_pem = secret("GOVDOOR_LETTERS_CA_KEY_PEM")
    config = (
        key_pem,
        _setting("GOVDOOR_LETTERS_CA_CERT_PEM"),
        _setting("GOVDOOR_LETTERS_CA_KEY_PASSWORD"),
        p12_path,
        _setting("GOVDOOR_LETTERS_CA_PKCS12_PASSWORD"),
        _demo_mode(),
    )
    try:
        return _authority(config)
    except (OSError, ValueError) as exc:
        raise _refuse(type(exc).__name__) from exc


def trust_roots() -> list[x509.Certificate]:
    """What the checker trusts: the current root and any earlier ones still published."""
    roots = [authority().certificate]
    for path in filter(
        None, (p.strip() for p in _setting("GOVDOOR_LETTERS_TRUST_ROOTS").split(","))
    ):
        roots += x509.load_pem_x509_certificates(_pem_or_path(path))
    return roots


def organisation_pkcs12(code: str) -> KeyPair | None:
    """An organisation's own key and certificate from the configured folder, if it has one."""
    folder = _setting("GOVDOOR_LETTERS_ORGANISATION_PKCS12_DIR")
    if not folder or not code.replace("-", "").replace("_", "").isalnum():
        return None
    path = Path(folder) / f"{code}.p12"
    if not path.is_file():
        return None
    password = _setting("GOVDOOR_LETTERS_ORGANISATION_PKCS12_PASSWORD").encode() or None
    key, cert, _extra = pkcs12.load_key_and_certificates(path.read_bytes(), password)
    if key is None or cert is None:
        raise _refuse(f"{path.name} holds no key and certificate")
    return KeyPair(key_pem=key_to_pem(key), certificate_pem=cert_to_pem(cert))


def key_to_pem(key: Any) -> str:
    return str(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
    )


def cert_to_pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def organisation_certificate_issue(
    ca: CertificateAuthority, *, name: str, code: str, now: dt.datetime
) -> KeyPair:
    """A new P-256 key and a certificate for it, subject O=<organisation name>, issued by `ca`."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, name[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, code[:64]),
        ]
    )
    not_after = min(
        now + dt.timedelta(days=ORGANISATION_CERT_DAYS), ca.certificate.not_valid_after_utc
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .sign(ca.key, hashes.SHA256())
    )
    return KeyPair(key_pem=key_to_pem(key), certificate_pem=cert_to_pem(certificate))


def subject_organisation(certificate: x509.Certificate) -> str | None:
    values = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return str(values[0].value) if values else None
