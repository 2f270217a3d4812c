"""/api/v1/registers: govdoor's own register API for agency systems and the back office.

Why ETags: two agency systems updating one record must not overwrite each other silently;
the loser of a race gets 412 and reads again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govdoor.core.api.pagination import Pagination
from govdoor.core.errors import DomainError, Refused
from govdoor.identity.agency import AgencyScopes
from govdoor.registries import bulk, exports, selectors, services
from govdoor.registries.api import serializers as s
from govdoor.registries.api.caller import caller_from
from govdoor.registries.models import Record, Register
from govdoor.registries.schema import SchemaViolation

READ, WRITE = ["registers:read"], ["registers:write"]


def etag_of(record: Record) -> str:
    return f'"{record.version}"'


def if_match_version(request: Request) -> int | None:
    """The record version the caller last saw (If-Match: "<version>"), if they sent one."""
    header = request.headers.get("If-Match")
    if not header or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise ValidationError({"If-Match": [_("must be an ETag this API gave you")]})
    return int(value)


def record_body(record: Record, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(record.pk),
        "register": record.register.code,
        "register_version": record.register.version,
        "version": record.version,
        "data": data,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "deleted_at": record.deleted_at,
    }


class RegistryAPIView(APIView):
    permission_classes = [AgencyScopes]

    @property
    def required_scopes(self) -> list[str]:
        return READ if self.request.method in ("GET", "HEAD", "OPTIONS") else WRITE

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, SchemaViolation):
            grouped: dict[str, list[str]] = {}
            for error in exc.errors:
                grouped.setdefault(error["field"], []).append(error["detail"])
            exc = ValidationError(grouped)
        return super().handle_exception(exc)

    def register(self, code: str, version: str) -> Register:
        return selectors.register_get(code=code, version=version)


class RegisterListView(RegistryAPIView):
    @extend_schema(responses=s.RegisterSerializer(many=True), operation_id="registers_list")
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.registers_list(), request, view=self)
        return paginator.get_paginated_response(s.RegisterSerializer(page, many=True).data)

    @extend_schema(request=s.RegisterCreateSerializer, responses={201: s.RegisterDetailSerializer})
    def post(self, request: Request) -> Response:
        body = s.RegisterCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        caller = caller_from(request)
        if caller.organisation is None or not (
            caller.is_agency or "register_keeper" in caller.roles
        ):
            raise Refused(_("Only a register keeper defines registers."))
        register = services.register_create(organisation=caller.organisation, **body.validated_data)
        return Response(s.RegisterDetailSerializer(register).data, status=201)


class RegisterDetailView(RegistryAPIView):
    @extend_schema(responses=s.RegisterDetailSerializer)
    def get(self, request: Request, code: str, version: str) -> Response:
        return Response(s.RegisterDetailSerializer(self.register(code, version)).data)


class RegisterSchemaView(RegistryAPIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="registers_schema_retrieve")
    def get(self, request: Request, code: str, version: str) -> Response:
        return Response(self.register(code, version).json_schema)

    @extend_schema(
        request=s.SchemaUpdateSerializer,
        responses=s.RegisterDetailSerializer,
        operation_id="registers_schema_update",
    )
    def put(self, request: Request, code: str, version: str) -> Response:
        body = s.SchemaUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        register = services.register_schema_update(
            register=self.register(code, version),
            json_schema=body.validated_data["json_schema"],
            actor=caller_from(request),
        )
        return Response(s.RegisterDetailSerializer(register).data)


SEARCH_PARAMS = [
    OpenApiParameter(
        "exact.<field>", str, description="exact match on a field (personal fields only if indexed)"
    ),
    OpenApiParameter("prefix.<field>", str, description="prefix match on a non-personal field"),
]


def search_terms(request: Request) -> tuple[dict[str, str], dict[str, str]]:
    params = {str(k): str(v) for k, v in request.query_params.items()}
    exact = {k.removeprefix("exact."): v for k, v in params.items() if k.startswith("exact.")}
    prefix = {k.removeprefix("prefix."): v for k, v in params.items() if k.startswith("prefix.")}
    return exact, prefix


class RecordListView(RegistryAPIView):
    @extend_schema(
        parameters=SEARCH_PARAMS,
        responses=s.RecordSerializer(many=True),
        operation_id="registers_records_search",
    )
    def get(self, request: Request, code: str, version: str) -> Response:
        register = self.register(code, version)
        caller = caller_from(request)
        selectors.register_access_check(register=register, caller=caller)
        exact, prefix = search_terms(request)
        qs = selectors.records_search(register=register, exact=exact, prefix=prefix)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs.select_related("register"), request, view=self)
        values = selectors.records_read_for(records=page or [], caller=caller)
        return paginator.get_paginated_response(
            [record_body(r, v) for r, v in zip(page or [], values, strict=True)]
        )

    @extend_schema(
        request=s.RecordWriteSerializer,
        responses={201: s.RecordSerializer},
        operation_id="registers_records_create",
    )
    def post(self, request: Request, code: str, version: str) -> Response:
        body = s.RecordWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        caller = caller_from(request)
        record = services.record_create(
            register=self.register(code, version),
            data=body.validated_data["data"],
            actor=caller,
            reason=body.validated_data["reason"],
        )
        data = selectors.record_read_for(record=record, caller=caller)
        return Response(record_body(record, data), status=201, headers={"ETag": etag_of(record)})


class RecordDetailView(RegistryAPIView):
    def record(self, code: str, version: str, record_id: str) -> Record:
        return selectors.record_get(register=self.register(code, version), record_id=record_id)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "as_of", OpenApiTypes.DATETIME, description="read the version valid at this moment"
            )
        ],
        responses=s.RecordSerializer,
        operation_id="registers_records_retrieve",
    )
    def get(self, request: Request, code: str, version: str, record_id: str) -> Response:
        caller = caller_from(request)
        as_of = request.query_params.get("as_of")
        if as_of:
            at = parse_datetime(as_of)
            if at is None:
                raise ValidationError({"as_of": [_("must be an ISO 8601 date-time")]})
            if at.tzinfo is None:
                at = at.replace(tzinfo=dt.UTC)
            record = selectors.record_get(
                register=self.register(code, version), record_id=record_id, include_deleted=True
            )
            data = selectors.record_read_as_of(record=record, at=at, caller=caller)
            return Response(record_body(record, data))
        record = self.record(code, version, record_id)
        data = selectors.record_read_for(record=record, caller=caller)
        return Response(record_body(record, data), headers={"ETag": etag_of(record)})

    def _write(
        self, request: Request, code: str, version: str, record_id: str, merge: bool
    ) -> Response:
        body = s.RecordWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        caller = caller_from(request)
        record = services.record_update(
            record=self.record(code, version, record_id),
            data=body.validated_data["data"],
            actor=caller,
            expected_version=if_match_version(request),
            reason=body.validated_data["reason"],
            merge=merge,
        )
        data = selectors.record_read_for(record=record, caller=caller)
        return Response(record_body(record, data), headers={"ETag": etag_of(record)})

    @extend_schema(
        request=s.RecordWriteSerializer,
        responses=s.RecordSerializer,
        operation_id="registers_records_update",
    )
    def put(self, request: Request, code: str, version: str, record_id: str) -> Response:
        return self._write(request, code, version, record_id, merge=False)

    @extend_schema(
        request=s.RecordWriteSerializer,
        responses=s.RecordSerializer,
        operation_id="registers_records_partial_update",
    )
    def patch(self, request: Request, code: str, version: str, record_id: str) -> Response:
        return self._write(request, code, version, record_id, merge=True)

    @extend_schema(responses={204: None}, operation_id="registers_records_destroy")
    def delete(self, request: Request, code: str, version: str, record_id: str) -> Response:
        services.record_delete(
            record=self.record(code, version, record_id),
            actor=caller_from(request),
            expected_version=if_match_version(request),
            reason=request.query_params.get("reason", ""),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class RecordHistoryView(RegistryAPIView):
    @extend_schema(
        responses=s.VersionSerializer(many=True), operation_id="registers_records_history"
    )
    def get(self, request: Request, code: str, version: str, record_id: str) -> Response:
        record = selectors.record_get(
            register=self.register(code, version), record_id=record_id, include_deleted=True
        )
        versions = selectors.record_history(record=record, caller=caller_from(request))
        return Response(s.VersionSerializer(versions, many=True).data)


class BulkUpsertView(RegistryAPIView):
    @extend_schema(
        request=s.BulkUpsertSerializer,
        responses={200: s.BulkReportSerializer, 400: s.BulkReportSerializer},
        parameters=[
            OpenApiParameter("partial", bool, description="let good rows land"),
            OpenApiParameter("dry_run", bool),
        ],
        operation_id="registers_records_bulk_upsert",
    )
    def post(self, request: Request, code: str, version: str) -> Response:
        body = s.BulkUpsertSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = bulk.records_bulk_upsert(
            register=self.register(code, version),
            rows=body.validated_data["rows"],
            actor=caller_from(request),
            partial=_flag(request, "partial"),
            dry_run=_flag(request, "dry_run"),
            reason=body.validated_data["reason"] or "bulk",
        )
        refused = bool(report.errors) and not report.applied and not report.dry_run
        payload = report.as_dict()
        if refused:
            payload |= {
                "type": "https://govdoor.example/problems/bulk-refused",
                "title": _("The batch was refused"),
                "status": 400,
                "detail": _("%(n)d row(s) break the schema; nothing was written.")
                % {"n": len(report.errors)},
            }
            return Response(payload, status=400, content_type="application/problem+json")
        return Response(payload)


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in ("1", "true", "yes")


class ExportView(RegistryAPIView):
    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # `?format=csv` names the file format here, not a DRF renderer.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["csv", "json"])],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/json"): OpenApiTypes.OBJECT,
        },
        operation_id="registers_export",
    )
    def get(self, request: Request, code: str, version: str) -> HttpResponse:
        fmt = request.query_params.get("format", "json")
        if fmt not in exports.FORMATS:
            raise DomainError(_("format must be csv or json"), field="format")
        register = self.register(code, version)
        content, content_type = exports.register_export(
            register=register, caller=caller_from(request), fmt=fmt
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{register.code}.{fmt}"'
        return response


def correction_body(correction: Any) -> dict[str, Any]:
    import json

    return {
        "id": correction.pk,
        "record_id": correction.record_id,
        "status": correction.status,
        "fields": sorted(json.loads(correction.proposed)),
        "created_at": correction.created_at,
        "decided_at": correction.decided_at,
    }


class CorrectionCreateView(RegistryAPIView):
    """A signed-in person asks for a correction of a record about them."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=s.CorrectionCreateSerializer,
        responses={201: s.CorrectionSerializer},
        operation_id="registers_records_corrections_create",
    )
    def post(self, request: Request, code: str, version: str, record_id: str) -> Response:
        body = s.CorrectionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = selectors.record_get(register=self.register(code, version), record_id=record_id)
        if str(getattr(request.user, "person_id", "") or "") != record.subject_id:
            raise selectors.NotFound(_("No such record."))  # another's record answers 404
        correction = services.correction_request_create(
            record=record,
            user=request.user,
            proposed=body.validated_data["proposed"],
            explanation=body.validated_data["explanation"],
        )
        return Response(correction_body(correction), status=201)


class CorrectionListView(RegistryAPIView):
    @extend_schema(
        responses=s.CorrectionSerializer(many=True), operation_id="registers_corrections_list"
    )
    def get(self, request: Request, code: str, version: str) -> Response:
        register = self.register(code, version)
        if not caller_from(request).keeps(register):
            raise Refused(_("Only the register keeper sees correction requests."))
        paginator = Pagination()
        page = paginator.paginate_queryset(
            selectors.corrections_open(register=register), request, view=self
        )
        return paginator.get_paginated_response([correction_body(c) for c in page or []])


class CorrectionDecisionView(RegistryAPIView):
    @extend_schema(
        request=s.CorrectionDecisionSerializer,
        responses=s.CorrectionSerializer,
        operation_id="registers_corrections_decide",
    )
    def post(self, request: Request, code: str, version: str, correction_id: str) -> Response:
        body = s.CorrectionDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        register = self.register(code, version)
        correction = selectors.correction_get(register=register, correction_id=correction_id)
        user = request.user if getattr(request.user, "is_authenticated", False) else None
        correction = services.correction_request_decide(
            correction=correction,
            accept=body.validated_data["accept"],
            actor=caller_from(request),
            decided_by=user,
            note=body.validated_data["note"],
        )
        return Response(correction_body(correction))
