"""POST /api/v1/letters/verify: a PDF in, the verdict out. Public, rate-limited per address."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from govdoor.letters import selectors
from govdoor.letters.views import _MemoryOnly


class PdfParser(BaseParser):
    """The request body is the PDF itself (Content-Type: application/pdf)."""

    media_type = "application/pdf"

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        return {"pdf": stream.read(selectors.MAX_CHECK_BYTES + 1) if stream else b""}


class VerifyThrottle(SimpleRateThrottle):
    scope = "letters-verify"

    def get_rate(self) -> str:
        return str(getattr(settings, "GOVDOOR_LETTERS_VERIFY_RATE", "30/min"))

    def get_cache_key(self, request: Request, view: Any) -> str:
        return f"throttle:letters-verify:{self.get_ident(request)}"


class LetterVerdict(serializers.Serializer):  # type: ignore[type-arg]
    valid = serializers.BooleanField(help_text="Intact and signed under a government root.")
    intact = serializers.BooleanField(
        help_text="The digest matches and the signature covers the whole file."
    )
    signed = serializers.BooleanField()
    status = serializers.ChoiceField(choices=["valid", "not_trusted", "modified", "no_signature"])
    signer_organisation = serializers.CharField(allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True)
    on_record = serializers.BooleanField(
        help_text="govdoor holds a letter with exactly these bytes."
    )
    reason = serializers.CharField()


def _bytes_of(data: Any) -> bytes:
    value = data.get("pdf") if hasattr(data, "get") else None
    if isinstance(value, bytes):
        return value
    if value is not None and hasattr(value, "read"):
        return bytes(value.read(selectors.MAX_CHECK_BYTES + 1))
    return b""


class LetterVerify(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [VerifyThrottle]
    parser_classes = [PdfParser, MultiPartParser]

    @extend_schema(
        request={
            "application/pdf": OpenApiTypes.BINARY,
            "multipart/form-data": {
                "type": "object",
                "properties": {"pdf": {"type": "string", "format": "binary"}},
                "required": ["pdf"],
            },
        },
        responses={
            200: LetterVerdict,
            400: OpenApiResponse(
                description="Not a readable PDF, empty or too big (problem+json naming `pdf`)"
            ),
            415: OpenApiResponse(description="Send application/pdf or multipart/form-data"),
            429: OpenApiResponse(description="Too many checks from this address"),
        },
        summary="Is this letter really from government? Check a signed PDF letter",
        examples=[
            OpenApiExample(
                "A genuine letter",
                response_only=True,
                value={
                    "valid": True,
                    "intact": True,
                    "signed": True,
                    "status": "valid",
                    "signer_organisation": "Family Benefits Agency",
                    "signed_at": "2026-11-23T10:15:00Z",
                    "on_record": True,
                    "reason": "This letter is genuine: ...",
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        request._request.upload_handlers = [_MemoryOnly(request._request)]
        pdf = _bytes_of(request.data)
        if not pdf and int(request.META.get("CONTENT_LENGTH") or 0) > selectors.MAX_CHECK_BYTES:
            raise selectors.too_big()  # the upload handler dropped it unread
        verdict = selectors.letter_verify(pdf=pdf)
        return Response(LetterVerdict(verdict).data)
