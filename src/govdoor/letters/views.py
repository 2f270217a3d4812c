"""Letters on the web: a person's letters, staff downloads, the public checker and the root.

Why the checker reads uploads into memory only: "never stores the upload" includes the
temporary files Django writes for large uploads, so the view swaps in a memory-only upload
handler with its own size limit (before anything reads the request body, hence the
csrf_exempt outer view with a csrf_protect inner one, as Django's documentation shows).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from govdoor.backoffice.context import current_organisation, render_backoffice
from govdoor.core.errors import DomainError, NotFound, Unavailable
from govdoor.identity.decorators import person_required, staff_required
from govdoor.letters import pki, selectors
from govdoor.letters.models import Letter
from govdoor.letters.services import letter_pdf
from govdoor.organisations.models import Organisation

LEDGER_PURPOSE = "letters: staff opened a signed letter"
LEDGER_LEGAL_BASIS = "Administrative procedure: the case file of the issuing organisation"


def _unavailable(request: HttpRequest) -> HttpResponse:
    """Fail closed: no signing authority, or the data-use ledger cannot record the access."""
    response = render(request, "govdoor/error.html", {"status": 503}, status=503)
    response["Retry-After"] = "120"
    return response


def _pdf_response(letter: Letter, pdf: bytes) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    safe = "".join(ch for ch in letter.reference if ch.isalnum() or ch in "-_") or "letter"
    response["Content-Disposition"] = f'attachment; filename="{safe}-{letter.kind}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _readable_person_ids(request: HttpRequest) -> list[uuid.UUID]:
    """The signed-in person, and whom they act for now under a mandate (if a person)."""
    ids: list[uuid.UUID] = [request.user.person_id]  # type: ignore[union-attr,list-item]
    acting = getattr(request, "acting_for", None)
    if acting is not None and acting.kind == "person":
        ids.append(acting.id)
    return ids


@person_required()
@require_GET
def my_letters(request: HttpRequest) -> HttpResponse:
    acting = getattr(request, "acting_for", None)
    if acting is not None and acting.kind != "person":
        acting = None  # letters are addressed to people; a business's are not listed here
    person_id = acting.id if acting is not None else request.user.person_id  # type: ignore[union-attr]
    page = Paginator(selectors.letters_of_person(person_id=person_id), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "letters/my_letters.html", {"page": page, "letters_for": acting})


@person_required()
@require_GET
def my_letter_pdf(request: HttpRequest, letter_id: uuid.UUID) -> HttpResponse:
    try:
        letter = selectors.letter_for_person(
            person_ids=_readable_person_ids(request), letter_id=letter_id
        )
    except NotFound:
        raise Http404 from None
    return _pdf_response(letter, letter_pdf(letter=letter))


def _staff_organisation(request: HttpRequest) -> Organisation:
    """The organisation chosen in the back office's switcher (one the user has a role in)."""
    organisation = current_organisation(request)
    if organisation is None:
        raise Http404
    return organisation


@staff_required
@require_GET
def staff_letters(request: HttpRequest) -> HttpResponse:
    organisation = _staff_organisation(request)
    page = Paginator(selectors.letters_issued_by(organisation=organisation), 50).get_page(
        request.GET.get("page")
    )
    return render_backoffice(
        request, "letters/backoffice/letters.html", {"page": page, "org": organisation}
    )


@staff_required
@require_GET
def staff_letter_pdf(request: HttpRequest, letter_id: uuid.UUID) -> HttpResponse:
    """The issuing organisation's case workers and auditors; each download is ledgered."""
    from govdoor.ledger.services import ledger_append

    organisation = _staff_organisation(request)
    try:
        letter = selectors.letter_for_staff(
            user=request.user, organisation=organisation, letter_id=letter_id
        )
    except NotFound:
        raise Http404 from None
    try:
        with transaction.atomic():
            if letter.person_id is not None:
                ledger_append(
                    subject_id=str(letter.person_id),
                    actor_org=organisation.code,
                    actor_user=str(request.user.pk),
                    action="read",
                    purpose=LEDGER_PURPOSE,
                    legal_basis=LEDGER_LEGAL_BASIS,
                    fields=["letter"],
                )
            pdf = letter_pdf(letter=letter)
    except Unavailable:
        return _unavailable(request)
    return _pdf_response(letter, pdf)


# --- Public: "Is this letter really from government?" and the root certificate ----------


class _MemoryOnly(MemoryFileUploadHandler):
    """Keeps an upload in memory when small enough, and drops it (never to disk) otherwise."""

    def handle_raw_input(self, *args: Any, **kwargs: Any) -> None:
        super().handle_raw_input(*args, **kwargs)
        content_length = args[2] if len(args) > 2 else kwargs.get("content_length", 0)
        self.activated = content_length <= selectors.MAX_CHECK_BYTES + 64 * 1024


def _rate_limited(request: HttpRequest) -> bool:
    spec = str(getattr(settings, "GOVDOOR_LETTERS_CHECK_RATE", "20/min"))
    count, _sep, period = spec.partition("/")
    window = {"s": 1, "m": 60, "h": 3600, "d": 86400}[(period or "m")[0]]
    key = f"letters-check:{request.META.get('REMOTE_ADDR', 'unknown')}:{int(time.time() // window)}"
    cache.add(key, 0, window)
    try:
        return cache.incr(key) > int(count)
    except ValueError:
        return False


@csrf_exempt
@require_http_methods(["GET", "POST"])
def check_letter(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        request.upload_handlers = [_MemoryOnly(request)]
    return _check_letter(request)


@csrf_protect
def _check_letter(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"max_mb": selectors.MAX_CHECK_BYTES // (1024 * 1024)}
    if request.method == "GET":
        return render(request, "letters/check.html", context)
    if _rate_limited(request):
        response = render(request, "letters/check.html", {**context, "limited": True}, status=429)
        response["Retry-After"] = "60"
        return response
    upload = request.FILES.get("pdf")
    try:
        if upload is None and int(request.META.get("CONTENT_LENGTH") or 0) > (
            selectors.MAX_CHECK_BYTES
        ):
            raise selectors.too_big()
        verdict = selectors.letter_verify(pdf=upload.read() if upload is not None else b"")
    except Unavailable:
        return _unavailable(request)
    except DomainError as exc:
        return render(request, "letters/check.html", {**context, "error": exc.detail}, status=400)
    return render(request, "letters/check.html", {**context, "verdict": verdict})


@require_GET
def root_certificate(request: HttpRequest) -> HttpResponse:
    try:
        pem = pki.authority().pem()
    except Unavailable:
        return _unavailable(request)
    response = HttpResponse(pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = 'inline; filename="govdoor-root-ca.pem"'
    patch_cache_control(response, public=True, max_age=3600)
    return response
