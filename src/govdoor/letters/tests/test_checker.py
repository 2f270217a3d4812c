"""The public checker page, the published root and POST /api/v1/letters/verify."""

from __future__ import annotations

import pytest
from cryptography import x509
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govdoor.letters import pki
from govdoor.letters.rendering import letter_render
from govdoor.letters.services import letter_pdf
from govdoor.letters.tests.test_services import _content

pytestmark = pytest.mark.django_db
CHECK = "/letters/check/"
API = "/api/v1/letters/verify"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def _post(client, data: bytes, name: str = "letter.pdf"):
    return client.post(CHECK, {"pdf": SimpleUploadedFile(name, data, "application/pdf")})


def test_the_checker_page_explains_and_offers_an_upload(client) -> None:
    assert reverse("letters:check") == CHECK
    html = client.get(CHECK).content.decode()
    assert "Is this letter really from government?" in html
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html
    assert reverse("letters:ca") in html


def test_a_genuine_letter_is_confirmed_with_its_organisation(client, issue) -> None:
    response = _post(client, letter_pdf(letter=issue()))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This letter is genuine" in html and "Signed by Family Benefits Agency on" in html
    handlers = response.wsgi_request.upload_handlers
    assert [type(h).__name__ for h in handlers] == ["_MemoryOnly"]  # never a temporary file


def test_a_changed_letter_is_called_out(client, issue) -> None:
    pdf = bytearray(letter_pdf(letter=issue()))
    pdf[pdf.index(b"stream\n", 200) + 40] ^= 0x01
    html = _post(client, bytes(pdf)).content.decode()
    assert "changed after it was signed" in html and "This letter is genuine" not in html
    assert "Family Benefits Agency" not in html


def test_an_unsigned_pdf_is_called_out(client, organisation) -> None:
    html = _post(client, letter_render(_content("en"))).content.decode()
    assert "no electronic signature" in html


def test_garbage_or_no_file_answers_400_with_the_error_by_the_field(client) -> None:
    response = _post(client, b"MZ\x90\x00 this is an executable", name="letter.pdf")
    html = response.content.decode()
    assert response.status_code == 400
    assert "This file is not a PDF, or it is too damaged to read." in html
    assert 'href="#pdf"' in html and "govuk-file-upload--error" in html
    response = client.post(CHECK, {})
    assert (
        response.status_code == 400 and "Choose a PDF file to check." in response.content.decode()
    )


def test_a_file_over_the_limit_is_refused_unread(client) -> None:
    response = _post(client, b"%PDF-" + b"0" * (11 * 1024 * 1024))
    assert response.status_code == 400
    assert "too big" in response.content.decode()
    assert not response.wsgi_request.FILES  # dropped by the memory-only handler


def test_the_checker_is_rate_limited_per_address(client, settings) -> None:
    settings.GOVDOOR_LETTERS_CHECK_RATE = "2/min"
    for _ in range(2):
        assert _post(client, b"nonsense").status_code == 400
    response = _post(client, b"nonsense")
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "Too many checks" in response.content.decode()


def test_the_checker_speaks_french(client, issue) -> None:
    client.cookies["django_language"] = "fr"
    html = _post(client, letter_pdf(letter=issue())).content.decode()
    assert "Ce courrier vient-il vraiment de l’administration ?" in html
    assert "Ce courrier est authentique" in html


def test_the_root_certificate_is_published_as_pem(client) -> None:
    response = client.get("/letters/ca.pem")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-pem-file"
    certificate = x509.load_pem_x509_certificate(response.content)
    assert certificate == pki.authority().certificate
    assert certificate.subject.rfc4514_string().startswith("O=")
    assert "CN=govdoor Demo Root CA" in certificate.subject.rfc4514_string()
    assert "public" in response["Cache-Control"]


def test_without_a_configured_root_in_production_the_pages_answer_503(client, settings) -> None:
    settings.GOVDOOR_MODE = "production"
    response = client.get("/letters/ca.pem")
    assert response.status_code == 503 and "public" not in response.get("Cache-Control", "")
    assert _post(client, b"%PDF-1.7 whatever").status_code == 503
    assert client.post(API, b"%PDF-1.7", content_type="application/pdf").status_code == 503


def test_the_demo_root_is_the_same_after_a_restart() -> None:
    before = pki.authority().certificate
    pki._authority.cache_clear()
    assert pki.authority().certificate == before


# --- API ------------------------------------------------------------------------------------


def test_the_api_verifies_a_pdf_sent_as_the_body_without_credentials(client, issue) -> None:
    response = client.post(API, letter_pdf(letter=issue()), content_type="application/pdf")
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True and body["intact"] is True and body["status"] == "valid"
    assert body["signer_organisation"] == "Family Benefits Agency"
    assert body["on_record"] is True and body["signed_at"].endswith("Z")


def test_the_api_takes_a_multipart_upload_and_reports_a_changed_letter(client, issue) -> None:
    pdf = bytearray(letter_pdf(letter=issue()))
    pdf[pdf.index(b"stream\n", 200) + 40] ^= 0x01
    upload = SimpleUploadedFile("letter.pdf", bytes(pdf), "application/pdf")
    body = client.post(API, {"pdf": upload}).json()
    assert body["valid"] is False and body["intact"] is False and body["status"] == "modified"
    assert body["signer_organisation"] is None and body["signed_at"] is None


def test_the_api_answers_garbage_with_a_problem_naming_the_field(client) -> None:
    response = client.post(API, b"not a pdf at all", content_type="application/pdf")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["errors"] == [
        {"field": "pdf", "detail": "This file is not a PDF, or it is too damaged to read."}
    ]
    empty = client.post(API, b"", content_type="application/pdf")
    assert empty.status_code == 400 and empty.json()["errors"][0]["field"] == "pdf"


def test_the_api_refuses_other_media_types(client) -> None:
    response = client.post(API, {"pdf": "text"}, content_type="application/json")
    assert response.status_code == 415


def test_the_api_is_rate_limited(client, settings) -> None:
    settings.GOVDOOR_LETTERS_VERIFY_RATE = "2/min"
    for _ in range(2):
        assert client.post(API, b"x", content_type="application/pdf").status_code == 400
    assert client.post(API, b"x", content_type="application/pdf").status_code == 429
