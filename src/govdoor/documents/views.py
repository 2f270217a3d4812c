"""Documents on the web: "My documents" (list, upload, download) and the staff download.

Views translate: the services check and decide; their refusals are shown next to the file
field and in the error summary (portal) or become the matching status code.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from govdoor.core.errors import DomainError, NotFound, Unavailable
from govdoor.documents import checks, selectors, services
from govdoor.documents.forms import UploadForm
from govdoor.documents.models import Document
from govdoor.documents.uploads import SizeLimitUploadHandler, limit_uploads
from govdoor.identity.agency import request_organisation
from govdoor.identity.decorators import person_required, staff_required

PAGE_SIZE = 25


def acting_person_id(request: HttpRequest) -> UUID | None:
    """The person the signed-in user acts for under a mandate (None: themself or a business)."""
    acting = getattr(request, "acting_for", None)
    return acting.id if acting is not None and acting.kind == "person" else None


def _owner_id(request: HttpRequest) -> UUID | None:
    """Whose documents the page shows: the represented person, or the user's own; None when
    acting for a business (documents belong to people)."""
    acting = getattr(request, "acting_for", None)
    if acting is not None:
        return acting.id if acting.kind == "person" else None
    return request.user.person_id  # type: ignore[union-attr]


def download_response(document: Document, content: bytes) -> HttpResponse:
    """The file as an attachment: its sniffed type, a safe name, never cached or sniffed."""
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    add_never_cache_headers(response)
    response["Cache-Control"] += ", private"
    return response


@csrf_exempt
@person_required()
@require_http_methods(["GET", "POST"])
def my_documents(request: HttpRequest) -> HttpResponse:
    """The size guard goes in before the CSRF check reads the body (Django's pattern)."""
    handler = limit_uploads(request) if request.method == "POST" else None
    return _my_documents(request, handler)


@csrf_protect
def _my_documents(request: HttpRequest, handler: SizeLimitUploadHandler | None) -> HttpResponse:
    owner_id = _owner_id(request)
    form = UploadForm()
    status = 200
    if request.method == "POST":
        if owner_id is None:
            raise PermissionDenied(_("Documents are kept for people, not businesses."))
        form, status = _upload(request, owner_id, handler)
        if status == 201:
            return redirect("documents:mine")
    documents = (
        selectors.documents_of_person(person_id=owner_id) if owner_id else Document.objects.none()
    )
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/my_documents.html",
        {
            "form": form,
            "page": page,
            "owner_id": owner_id,
            "allowed_types": checks.allowed_labels(),
            "accept": _accept(),
            "max_mb": services.max_upload_bytes() // (1024 * 1024),
            "retention_days": services.abandoned_days(),
        },
        status=status,
    )


def _upload(
    request: HttpRequest, owner_id: UUID, handler: SizeLimitUploadHandler | None
) -> tuple[UploadForm, int]:
    """Bind the form and upload; (form with errors, 4xx/503) or (form, 201) when stored."""
    form = UploadForm(request.POST, request.FILES)
    if handler is not None and handler.too_large:
        form.is_valid()
        form.errors["file"] = form.error_class([services.too_large_message()])
        return form, 413
    if not form.is_valid():
        return form, 400
    upload = form.cleaned_data["file"]
    try:
        document = services.document_upload(
            owner_person_id=owner_id,
            uploaded_by=request.user,  # type: ignore[arg-type]
            filename=upload.name or "",
            content=upload,
            purpose="my-documents",
        )
    except DomainError as refused:
        form.add_error("file", refused.detail)
        return form, refused.status_code
    flash.success(request, _("%(name)s has been uploaded.") % {"name": document.filename})
    return form, 201


def _accept() -> str:
    extensions = [f".{e}" for t in checks.ALLOWED_TYPES.values() for e in t.extensions]
    return ",".join([*extensions, *checks.ALLOWED_TYPES])


def _served(document_id: str, **kwargs: Any) -> HttpResponse:
    try:
        document, content = services.document_open(document_id=document_id, **kwargs)
    except NotFound:
        raise Http404 from None
    except Unavailable as down:
        return HttpResponse(down.detail, status=503, content_type="text/plain; charset=utf-8")
    return download_response(document, content)


@require_GET
@person_required()
def download(request: HttpRequest, document_id: str) -> HttpResponse:
    return _served(document_id, user=request.user, acting_person_id=acting_person_id(request))


@require_GET
@staff_required
def staff_download(request: HttpRequest, document_id: str) -> HttpResponse:
    """Staff of an organisation the document was shared with, for the current organisation of
    the back office; every download is ledgered by the service."""
    organisation = request_organisation(request)
    if organisation is None:
        raise Http404
    return _served(document_id, user=request.user, acting_person_id=None, organisation=organisation)
