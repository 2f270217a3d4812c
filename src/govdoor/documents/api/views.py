"""Documents API: agency systems read documents shared with them; a person uploads and lists.

Agency calls (client credentials, scope `documents:read`, or staff sessions) see a document
only when it was shared with their organisation for a case; every read — metadata or content
— is ledgered. Anything else answers 404, as if the document did not exist.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govdoor.core.api.pagination import Pagination
from govdoor.core.errors import DomainError, NotFound, Refused
from govdoor.documents import selectors, services
from govdoor.documents.api.serializers import DocumentSerializer, DocumentUploadSerializer
from govdoor.documents.uploads import SizeLimitUploadHandler, limit_uploads
from govdoor.documents.views import download_response
from govdoor.identity.agency import AgencyScopes, request_organisation
from govdoor.organisations.models import Organisation

PROBLEM = OpenApiResponse(description="application/problem+json with the reason")
SCOPE = "documents:read"


class AgencyDocumentView(APIView):
    permission_classes = [AgencyScopes]
    required_scopes = [SCOPE]

    def organisation(self, request: Request) -> Organisation:
        org = request_organisation(request)
        if org is None:
            raise Refused(_("No organisation speaks through this call."))
        return org

    def actor_user(self, request: Request) -> str | None:
        user = request.user
        return str(user.pk) if getattr(user, "is_authenticated", False) else None


class DocumentDetailView(AgencyDocumentView):
    @extend_schema(
        summary="A document shared with your organisation for a case (metadata; ledgered)",
        responses={200: DocumentSerializer, 403: PROBLEM, 404: PROBLEM, 503: PROBLEM},
        tags=["documents"],
    )
    def get(self, request: Request, document_id: UUID) -> Response:
        document, _content = services.document_open_for_agency(
            document_id=document_id,
            organisation=self.organisation(request),
            content=False,
            actor_user=self.actor_user(request),
        )
        return Response(DocumentSerializer(document).data)


class DocumentContentView(AgencyDocumentView):
    @extend_schema(
        summary="The content of a document shared with your organisation (ledgered)",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            403: PROBLEM,
            404: PROBLEM,
            503: PROBLEM,
        },
        tags=["documents"],
    )
    def get(self, request: Request, document_id: UUID) -> HttpResponse:
        document, content = services.document_open_for_agency(
            document_id=document_id,
            organisation=self.organisation(request),
            content=True,
            actor_user=self.actor_user(request),
        )
        assert content is not None
        return download_response(document, content)


def _owner_of(request: Request) -> UUID:
    """The person whose documents these are: the one acted for, or the signed-in person."""
    acting = getattr(request, "acting_for", None)  # set by identity middleware
    if acting is not None:
        if acting.kind != "person":
            raise Refused(_("Documents are kept for people, not businesses."))
        return UUID(str(acting.id))
    person_id = getattr(request.user, "person_id", None)
    if person_id is None:
        raise NotFound(_("Only a signed-in person has documents."))
    return UUID(str(person_id))


class MyDocumentsView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]
    pagination_class = Pagination
    size_guard: SizeLimitUploadHandler | None = None

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        # Before anything reads the body: an oversized file is skipped, never buffered.
        if request.method == "POST":
            self.size_guard = limit_uploads(request)
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        summary="Your documents (or those of the person you act for), newest first",
        parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses={200: DocumentSerializer(many=True), 404: PROBLEM},
        tags=["documents"],
    )
    def get(self, request: Request) -> Response:
        documents = selectors.documents_of_person(person_id=_owner_of(request))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(documents, request, view=self)
        return paginator.get_paginated_response(DocumentSerializer(page, many=True).data)

    @extend_schema(
        summary="Upload a document (multipart): type sniffed, size limited, scanned, encrypted",
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={
            201: DocumentSerializer,
            400: PROBLEM,
            413: PROBLEM,
            415: PROBLEM,
            422: PROBLEM,
            503: PROBLEM,
        },
        tags=["documents"],
    )
    def post(self, request: Request) -> Response:
        owner_id = _owner_of(request)
        upload = request.FILES.get("file")
        if self.size_guard is not None and self.size_guard.too_large:
            raise services.FileTooLarge(services.too_large_message(), field="file")
        if upload is None:
            raise DomainError(_("Select a file to upload."), field="file")
        data: Any = request.data
        purpose = str(data.get("purpose", ""))
        if len(purpose) > 100:
            raise DomainError(_("The purpose must be 100 characters or fewer."), field="purpose")
        document = services.document_upload(
            owner_person_id=owner_id,
            uploaded_by=request.user,  # type: ignore[arg-type]
            filename=upload.name or "",
            content=upload,
            purpose=purpose,
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)
