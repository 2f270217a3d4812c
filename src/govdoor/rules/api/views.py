"""Rules API: calculate with a rule package (agencies and the anonymous portal calculator),
and the bias reports as open data.

Why /calculate takes the situation as the whole body: it is OpenFisca's web API format
(entities, with null for the variables asked for), so tools written for OpenFisca work.
The calculation stores nothing and reads no register: it only computes what it is given.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from govdoor.core.api.pagination import Pagination
from govdoor.core.errors import DomainError
from govdoor.rules import bias, engine, explain, selectors

PROBLEM = OpenApiResponse(description="application/problem+json naming the failing field")


class CalculatorThrottle(AnonRateThrottle):
    """Anonymous calculator requests per client address (agency tokens are not limited)."""

    scope = "rules-calculate"

    def get_rate(self) -> str:
        return str(getattr(settings, "GOVDOOR_RULES_ANON_RATE", "60/min"))

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.auth is not None:  # an agency token (client credentials has no user)
            return True
        return bool(super().allow_request(request, view))


class CalculationSerializer(serializers.Serializer):  # type: ignore[type-arg]
    package = serializers.CharField()
    version = serializers.CharField()
    period = serializers.CharField()
    values = serializers.DictField(help_text="The situation's asked-for variables, filled in")
    explanation = serializers.DictField(help_text="Plain-language sentences per variable")
    trace = serializers.ListField(child=serializers.DictField())


def _version(package: Any, asked: str | None) -> str:
    if asked:
        return asked
    release = selectors.release_in_force(package=package.code)
    return release.version if release else package.versions[0]


class CalculateView(APIView):
    authentication_classes = APIView.authentication_classes
    permission_classes = [AllowAny]
    throttle_classes = [CalculatorThrottle]

    @extend_schema(
        summary="Calculate variables of a rule package for an OpenFisca situation",
        description=(
            "The body is an OpenFisca situation: entities (persons, households) with input "
            "values, and null for each variable to calculate. Nothing is stored. Agency systems "
            "call it with a client-credentials token; the portal calculator anonymously "
            "(rate-limited)."
        ),
        parameters=[
            OpenApiParameter("period", OpenApiTypes.STR, description="YYYY-MM (default: now)"),
            OpenApiParameter("version", OpenApiTypes.STR, description="default: in force"),
            OpenApiParameter("trace", OpenApiTypes.BOOL, description="default: true"),
            OpenApiParameter("language", OpenApiTypes.STR, description="en or fr"),
        ],
        request=OpenApiTypes.OBJECT,
        responses={200: CalculationSerializer, 400: PROBLEM, 404: PROBLEM, 429: PROBLEM},
        tags=["rules"],
    )
    def post(self, request: Request, package: str) -> Response:
        rule_package = engine.package_get(package)
        if not isinstance(request.data, dict):
            raise DomainError(_("The body must be a JSON object (a situation)."), field="body")
        version = _version(rule_package, request.query_params.get("version"))
        period = request.query_params.get("period") or engine.month_of()
        want_trace = request.query_params.get("trace", "true").lower() != "false"
        calculation = engine.calculate(
            package=rule_package,
            version=version,
            situation=dict(request.data),
            period=period,
            trace=True,
        )
        language = request.query_params.get("language", "en")
        asked = sorted({v for e in calculation.values.values() for a in e.values() for v in a})
        explanation = {
            variable: explain.explanation_sentences(
                package=rule_package,
                version=version,
                variable=variable,
                trace=calculation.trace,
                language=language,
            )
            for variable in asked
        }
        return Response(
            {
                "package": rule_package.code,
                "version": version,
                "period": period,
                "values": calculation.values,
                "explanation": explanation,
                "trace": calculation.trace if want_trace else [],
            }
        )


class BiasReportSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField()
    package = serializers.CharField(source="release.package")
    version = serializers.CharField(source="release.version")
    service = serializers.CharField(source="service_code")
    variable = serializers.CharField()
    period = serializers.CharField()
    population = serializers.IntegerField()
    method = serializers.CharField()
    created_at = serializers.DateTimeField()
    rows = serializers.ListField(child=serializers.DictField())


class BiasReportPageSerializer(serializers.Serializer):  # type: ignore[type-arg]
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = BiasReportSerializer(many=True)


class BiasReportsView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Bias reports of rule package releases (open data), newest first",
        parameters=[
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="at most 200"),
        ],
        responses={200: BiasReportPageSerializer},
        tags=["rules"],
    )
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.bias_reports_list(), request, view=self)
        return paginator.get_paginated_response(BiasReportSerializer(page, many=True).data)


class BiasReportCsvView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="One bias report as CSV (open data)",
        operation_id="rules_bias_report_csv",
        responses={(200, "text/csv"): OpenApiTypes.STR, 404: PROBLEM},
        tags=["rules"],
    )
    def get(self, request: Request, report_id: str) -> HttpResponse:
        report = selectors.bias_report_get(report_id)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=bias.CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in report.rows:
            writer.writerow(row)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        name = f"bias-{report.service_code}-{report.release.version}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
