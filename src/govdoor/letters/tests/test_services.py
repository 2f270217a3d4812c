from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from cryptography import x509
from django.db import transaction
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from govdoor.core.errors import DomainError, Unavailable
from govdoor.core.ids import uuid7
from govdoor.letters import pki, services
from govdoor.letters.models import Letter, SigningIdentity
from govdoor.letters.rendering import LetterContent, letter_html
from govdoor.letters.selectors import letter_verify
from govdoor.letters.services import letter_pdf, signing_identity_for
from govdoor.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _reader(pdf: bytes) -> PdfFileReader:
    return PdfFileReader(io.BytesIO(pdf))


def test_an_issued_letter_verifies_as_intact_and_valid_with_the_right_organisation(issue) -> None:
    letter = issue()
    pdf = letter_pdf(letter=letter)
    assert pdf.startswith(b"%PDF-")
    verdict = letter_verify(pdf=pdf)
    assert verdict.valid and verdict.intact and verdict.signed and verdict.on_record
    assert verdict.status == "valid"
    assert verdict.signer_organisation == "Family Benefits Agency"
    assert verdict.signed_at is not None
    assert abs(verdict.signed_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    assert "Family Benefits Agency signed it on" in verdict.reason


def test_the_signature_is_pades_with_the_chain_up_to_the_root_embedded(issue) -> None:
    pdf = letter_pdf(letter=issue())
    signature = _reader(pdf).embedded_signatures[0]
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    embedded = {c.sha256 for c in signature.embedded_attr_certs} | {
        c.sha256 for c in signature.other_embedded_certs
    }
    root = pki.authority().certificate
    assert hashlib.sha256(root.public_bytes(pki.serialization.Encoding.DER)).digest() in embedded
    signer = x509.load_der_x509_certificate(signature.signer_cert.dump())
    assert pki.subject_organisation(signer) == "Family Benefits Agency"
    assert signer.issuer == root.subject


def test_the_pdf_is_kept_encrypted_and_its_digest_is_of_the_signed_bytes(issue) -> None:
    letter = issue()
    stored = bytes(Letter.objects.get(pk=letter.pk).pdf_sealed)
    pdf = letter_pdf(letter=letter)
    assert b"%PDF" not in stored and b"Lena" not in stored
    assert letter.sha256 == hashlib.sha256(pdf).hexdigest() and letter.size == len(pdf)


def test_a_sealed_pdf_moved_to_another_letter_does_not_open(issue) -> None:
    first, second = issue(), issue(reference="GD-2026-000124")
    second.pdf_sealed = first.pdf_sealed
    with pytest.raises(services.crypto.DecryptionError):
        letter_pdf(letter=second)


def test_flipping_one_byte_inside_the_signed_range_makes_it_not_intact(issue) -> None:
    pdf = bytearray(letter_pdf(letter=issue()))
    at = pdf.index(b"stream\n", 200) + 40  # inside the first page's content, signed bytes
    pdf[at] ^= 0x01
    verdict = letter_verify(pdf=bytes(pdf))
    assert verdict.signed and not verdict.intact and not verdict.valid
    assert verdict.status == "modified" and verdict.signer_organisation is None
    assert "changed after it was signed" in verdict.reason


def test_a_revision_added_after_signing_makes_it_not_intact(issue) -> None:
    pdf = letter_pdf(letter=issue())
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    info = writer.trailer["/Info"].get_object()
    info[generic.NameObject("/Title")] = generic.TextStringObject("You owe us EUR 5000")
    writer.update_container(info)
    out = io.BytesIO()
    writer.write(out)
    verdict = letter_verify(pdf=out.getvalue())
    assert verdict.signed and not verdict.intact and verdict.status == "modified"


def test_a_letter_signed_under_another_root_is_not_valid(issue, organisation, settings) -> None:
    pdf = letter_pdf(letter=issue())
    rogue_key = pki.rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings.GOVDOOR_LETTERS_CA_KEY_PEM = pki.key_to_pem(rogue_key)
    rogue_letter = issue(reference="GD-2026-999999")
    rogue_pdf = letter_pdf(letter=rogue_letter)
    settings.GOVDOOR_LETTERS_CA_KEY_PEM = ""
    verdict = letter_verify(pdf=rogue_pdf)
    assert verdict.signed and verdict.intact and not verdict.valid
    assert verdict.status == "not_trusted" and verdict.signer_organisation is None
    assert "not with a government certificate" in verdict.reason
    assert letter_verify(pdf=pdf).valid  # the genuine one still is


def test_an_unsigned_pdf_has_no_signature(organisation) -> None:
    from govdoor.letters.rendering import letter_render

    unsigned = letter_render(_content("en"))
    verdict = letter_verify(pdf=unsigned)
    assert not verdict.signed and not verdict.valid and not verdict.intact
    assert verdict.status == "no_signature" and "no electronic signature" in verdict.reason


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Choose a PDF file"),
        (b"GIF89a this is not a pdf", "not a PDF"),
        (b"%PDF-1.7\n garbage without any structure", "not a PDF"),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024), "too big"),
    ],
)
def test_what_is_not_a_readable_pdf_is_refused_naming_the_field(data, message) -> None:
    with pytest.raises(DomainError) as refused:
        letter_verify(pdf=data)
    assert refused.value.field == "pdf" and message in refused.value.detail


def _content(language: str) -> LetterContent:
    return LetterContent(
        organisation_name="Family Benefits Agency",
        organisation_logo="govdoor/logos/government.svg",
        organisation_lines=["Demopolis"],
        kind_label="Decision",
        language=language,
        title="Title",
        reference="GD-1",
        date=dt.date(2026, 11, 23),
        recipient_name="Lena Moreau",
        recipient_address_lines=["1 Main Street"],
        paragraphs=["Hello"],
        facts=[("Amount", "1")],
    )


def test_a_letter_in_french_uses_french_strings(issue) -> None:
    html = letter_html(_content("fr"))
    assert '<html lang="fr">' in html
    assert "Notre référence" in html and "23 novembre 2026" in html
    assert "Our reference" not in html and "Yours faithfully" not in html
    letter = issue(language="fr", kind="receipt", title="Accusé de réception")
    root = _reader(letter_pdf(letter=letter)).root
    assert str(root["/Lang"]) == "fr"
    english = letter_html(_content("en"))
    assert "Our reference" in english and "23 November 2026" in english


def test_the_pdf_embeds_no_network_references_and_inlines_the_logo(issue) -> None:
    html = letter_html(_content("en"))
    assert 'src="data:image/svg+xml;base64,' in html
    pdf = letter_pdf(letter=issue())
    for marker in (b"/URI", b"/Launch", b"/GoToR", b"/JavaScript", b"http://", b"https://"):
        assert marker not in pdf


def test_rendering_refuses_to_fetch_anything_but_data_urls() -> None:
    from weasyprint.urls import FatalURLFetchingError

    from govdoor.letters.rendering import OfflineFetcher, logo_data_uri

    with pytest.raises(FatalURLFetchingError):
        OfflineFetcher().fetch("https://example.org/logo.png")
    with pytest.raises(FatalURLFetchingError):
        OfflineFetcher().fetch("file:///etc/passwd")
    assert logo_data_uri("https://example.org/logo.png") == ""
    assert logo_data_uri("../../../../etc/passwd") == ""


def test_the_signing_identity_is_made_once_and_reused(issue, organisation) -> None:
    issue()
    issue(reference="GD-2026-000124")
    identities = SigningIdentity.objects.filter(organisation=organisation)
    assert identities.count() == 1
    identity = identities.get()
    assert identity.is_current and identity.ca_fingerprint == pki.authority().fingerprint
    assert "PRIVATE KEY" in identity.key_pem
    raw = SigningIdentity.objects.filter(pk=identity.pk).values_list("key_pem", flat=True)
    assert list(raw) == [identity.key_pem]  # decrypts through the field…
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT key_pem FROM letters_signingidentity")
        assert "PRIVATE KEY" not in cursor.fetchone()[0]  # …and is sealed in the table


def test_a_new_root_retires_the_old_identity_and_old_letters_keep_theirs(issue, settings) -> None:
    old_letter = issue()
    settings.GOVDOOR_LETTERS_CA_KEY_PEM = pki.key_to_pem(
        pki.rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    new_letter = issue(reference="GD-2026-000124")
    assert new_letter.signing_identity_id != old_letter.signing_identity_id
    old_letter.signing_identity.refresh_from_db()
    assert not old_letter.signing_identity.is_current
    assert SigningIdentity.objects.filter(is_current=True).count() == 1


def test_a_concurrent_first_letter_uses_the_identity_the_other_request_made(
    organisation, monkeypatch
) -> None:
    winner = signing_identity_for(organisation)
    real = services._current_identity
    calls = []

    def not_yet_seen(org):  # the other request had not committed when we looked
        calls.append(org)
        return None if len(calls) == 1 else real(org)

    monkeypatch.setattr(services, "_current_identity", not_yet_seen)
    with transaction.atomic():
        assert signing_identity_for(organisation) == winner
    assert SigningIdentity.objects.filter(organisation=organisation).count() == 1


def test_each_organisation_signs_with_its_own_certificate(issue) -> None:
    other = OrganisationFactory(name="Riverton Municipal Council", code="riverton")
    mine, theirs = issue(), issue(organisation=other)
    assert mine.signing_identity_id != theirs.signing_identity_id
    assert letter_verify(pdf=letter_pdf(letter=theirs)).signer_organisation == (
        "Riverton Municipal Council"
    )


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"kind": "threat"}, "kind"),
        ({"language": "de"}, "language"),
        ({"title": "  "}, "title"),
        ({"reference": "x" * 65}, "reference"),
        ({"recipient_name": ""}, "recipient_name"),
        ({"recipient_address_lines": "12 Rue des Lilas"}, "recipient_address_lines"),
        ({"paragraphs": ["ok", 3]}, "paragraphs[1]"),
        ({"facts": [("only a label",)]}, "facts[0]"),
        ({"person_id": "0190a000-0000-7000-8000-000000000000"}, "person_id"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_kept(issue, override, field) -> None:
    with pytest.raises(DomainError) as refused:
        issue(**override)
    assert refused.value.field == field
    assert not Letter.objects.exists()


def test_production_without_a_signing_authority_refuses_to_sign(issue, settings) -> None:
    settings.GOVDOOR_MODE = "production"
    with pytest.raises(Unavailable) as refused:
        issue()
    assert "GOVDOOR_LETTERS_CA_KEY_PEM" in refused.value.detail
    assert not Letter.objects.exists()


def test_production_never_derives_a_root_for_a_key_the_demo_already_used(settings) -> None:
    settings.GOVDOOR_LETTERS_CA_KEY_PEM = pki.key_to_pem(
        pki.rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    assert pki.authority().certificate.issuer == pki.authority().certificate.subject  # demo
    settings.GOVDOOR_MODE = "production"
    with pytest.raises(Unavailable) as refused:
        pki.authority()
    assert "GOVDOOR_LETTERS_CA_CERT_PEM" in refused.value.detail


def test_production_with_a_configured_authority_signs_under_it(issue, settings, tmp_path) -> None:
    key = pki.rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = pki._derived_root(key)
    (tmp_path / "ca.pem").write_text(pki.cert_to_pem(root))
    settings.GOVDOOR_MODE = "production"
    settings.GOVDOOR_LETTERS_CA_KEY_PEM = pki.key_to_pem(key)
    settings.GOVDOOR_LETTERS_CA_CERT_PEM = str(tmp_path / "ca.pem")
    letter = issue()
    assert pki.authority().fingerprint == pki.fingerprint(root)
    assert letter_verify(pdf=letter_pdf(letter=letter)).valid
    settings.GOVDOOR_LETTERS_CA_CERT_PEM = ""
    with pytest.raises(Unavailable):
        pki.authority()


def test_an_organisation_may_bring_its_own_pkcs12(issue, organisation, settings, tmp_path) -> None:
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    ca = pki.authority()
    pair = pki.organisation_certificate_issue(
        ca, name="Family Benefits Agency", code="family-agency", now=dt.datetime.now(dt.UTC)
    )
    key = pki.serialization.load_pem_private_key(pair.key_pem.encode(), None)
    cert = x509.load_pem_x509_certificate(pair.certificate_pem.encode())
    blob = pkcs12.serialize_key_and_certificates(
        b"family",
        key,
        cert,
        None,
        BestAvailableEncryption(b"s3cret"),  # type: ignore[arg-type]
    )
    (tmp_path / "family-agency.p12").write_bytes(blob)
    settings.GOVDOOR_LETTERS_ORGANISATION_PKCS12_DIR = str(tmp_path)
    settings.GOVDOOR_LETTERS_ORGANISATION_PKCS12_PASSWORD = "s3cret"
    letter = issue()
    assert letter.signing_identity.source == SigningIdentity.Source.PKCS12
    assert letter.signing_identity.serial_number == format(cert.serial_number, "x")
    assert letter_verify(pdf=letter_pdf(letter=letter)).valid


def test_a_cases_letters_are_listed_newest_first_without_their_pdfs(issue) -> None:
    from govdoor.letters.selectors import letters_of_case, letters_of_person

    case_id = uuid7()
    receipt = issue(kind="receipt", case_id=case_id)
    decision = issue(kind="decision", case_id=case_id)
    issue(kind="decision", case_id=uuid7())
    listed = list(letters_of_case(case_id=case_id))
    assert listed == [decision, receipt]
    assert "pdf_sealed" in listed[0].get_deferred_fields()
    assert list(letters_of_case(case_id="not-a-uuid")) == []
    assert len(letters_of_person(person_id=receipt.person_id)) == 3
