"""The ledger's HTTP API (specs/ledger.md): public checkpoint, key and proofs; entries for
auditors and the entry's own subject; a signed-in person's data uses.

Why no authentication on the public endpoints: they reveal nothing about anyone, and outside
verifiers call them without an account (and without a CSRF token).
"""

from __future__ import annotations

import base64
import uuid
from collections import OrderedDict
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govdoor.core.errors import NotFound
from govdoor.ledger import selectors, services
from govdoor.ledger.api.serializers import (
    ConsistencyProofSerializer,
    DataUseSerializer,
    EntrySerializer,
    InclusionProofSerializer,
)

TEXT = "text/plain; charset=utf-8"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class PublicView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]


class CheckpointView(PublicView):
    @extend_schema(
        summary="The latest signed checkpoint (C2SP signed note)",
        responses={(200, "text/plain"): OpenApiTypes.STR},
        tags=["ledger"],
    )
    def get(self, request: Request) -> HttpResponse:
        checkpoint = selectors.checkpoint_latest() or services.checkpoint_sign()
        return HttpResponse(checkpoint.note, content_type=TEXT)


class KeyView(PublicView):
    @extend_schema(
        summary="The verifier key string of the checkpoint signing key",
        responses={(200, "text/plain"): OpenApiTypes.STR},
        tags=["ledger"],
    )
    def get(self, request: Request) -> HttpResponse:
        return HttpResponse(services.verifier_key() + "\n", content_type=TEXT)


class InclusionProofView(PublicView):
    @extend_schema(
        summary="Inclusion proof of an entry in a tree of a given size (RFC 9162 2.1.3)",
        parameters=[
            OpenApiParameter("index", int, required=True),
            OpenApiParameter("tree_size", int, required=True),
        ],
        responses={200: InclusionProofSerializer},
        tags=["ledger"],
    )
    def get(self, request: Request) -> Response:
        index, size, hashes = selectors.inclusion_proof_get(
            index=request.query_params.get("index"),
            tree_size_arg=request.query_params.get("tree_size"),
        )
        return Response({"index": index, "tree_size": size, "hashes": [_b64(h) for h in hashes]})


class ConsistencyProofView(PublicView):
    @extend_schema(
        summary="Consistency proof between two tree sizes (RFC 9162 2.1.4)",
        parameters=[
            OpenApiParameter("first", int, required=True),
            OpenApiParameter("second", int, required=True),
        ],
        responses={200: ConsistencyProofSerializer},
        tags=["ledger"],
    )
    def get(self, request: Request) -> Response:
        first, second, hashes = selectors.consistency_proof_get(
            first=request.query_params.get("first"), second=request.query_params.get("second")
        )
        return Response({"first": first, "second": second, "hashes": [_b64(h) for h in hashes]})


class EntryView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="One ledger entry (auditors; or the person it is about)",
        parameters=[OpenApiParameter("index", int, OpenApiParameter.PATH)],
        responses={200: EntrySerializer},
        tags=["ledger"],
    )
    def get(self, request: Request, index: str) -> Response:
        entry = selectors.entry_get(index=index)
        if not selectors.entry_visible_to(user=request.user, entry=entry):
            raise NotFound(_("No ledger entry with this index."))
        return Response(
            {"index": entry.index, "leaf_hash": _b64(entry.leaf_hash), "record": entry.record}
        )


class DataUsePagination(PageNumberPagination):
    """`{"count", "next", "results"}` exactly, as the spec shows it."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None
        return Response(
            OrderedDict(
                [
                    ("count", self.page.paginator.count),
                    ("next", self.get_next_link()),
                    ("results", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["count", "next", "results"],
            "properties": {
                "count": {"type": "integer"},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }


def _uuid_text(value: Any) -> str | None:
    """A UUID in its canonical text (so any spelling of the id matches), or None; a value
    that is not a UUID gives "-", which matches nobody (404)."""
    if not value:
        return None
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return "-"


class MyDataUsesView(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = DataUsePagination

    @extend_schema(
        summary="Who used my data: entries about me, or about a person I hold a mandate for",
        parameters=[
            OpenApiParameter(
                "subject",
                OpenApiTypes.UUID,
                description="A person you hold a valid mandate for (default: yourself).",
            ),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: DataUseSerializer(many=True)},
        tags=["ledger"],
    )
    def get(self, request: Request) -> Response:
        person = getattr(request.user, "person", None)
        if person is None:
            raise NotFound(_("Only a signed-in person has data uses."))
        subject = _uuid_text(request.query_params.get("subject")) or str(person.pk)
        subjects = selectors.data_use_subjects(person)
        if subject not in subjects:
            # Someone you do not represent (or no such person): the same answer either way.
            raise NotFound(_("You hold no mandate for this person."))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.data_uses_queryset([subject]), request, view=self
        )
        rows = selectors.data_uses_rows(page or [], {subject: subjects[subject]})
        return paginator.get_paginated_response(DataUseSerializer(rows, many=True).data)
