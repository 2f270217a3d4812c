"""/api/v1/organisations and /api/v1/areas: read-only, public data, any authenticated caller.

`organisations/competent` is the "no wrong door" routing primitive: which organisations
handle an area, the most local first.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govdoor.organisations import selectors
from govdoor.organisations.api.permissions import AuthenticatedOrAgencyToken
from govdoor.organisations.api.serializers import (
    AreaFilterSerializer,
    AreaSerializer,
    CompetentOrganisationsSerializer,
    CompetentQuerySerializer,
    OrganisationFilterSerializer,
    OrganisationSerializer,
    ProblemSerializer,
)
from govdoor.organisations.models import Area, Organisation

LEVEL = OpenApiParameter("level", OpenApiTypes.STR, enum=Organisation.Level.values)
SEARCH = OpenApiParameter("search", OpenApiTypes.STR, description="Part of the code or name")
PROBLEM = "application/problem+json"
BAD_REQUEST = {
    (400, PROBLEM): OpenApiResponse(
        ProblemSerializer, description="A parameter is missing or invalid (named in errors)"
    )
}
NOT_FOUND = {(404, PROBLEM): OpenApiResponse(ProblemSerializer, description="No such resource")}


class OrganisationListView(generics.ListAPIView[Organisation]):
    permission_classes = [AuthenticatedOrAgencyToken]
    serializer_class = OrganisationSerializer

    @extend_schema(
        operation_id="organisations_list",
        parameters=[LEVEL, OpenApiParameter("parent", OpenApiTypes.UUID), SEARCH],
        responses={200: OrganisationSerializer(many=True), **BAD_REQUEST},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Organisation]:
        filters = OrganisationFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.organisations_list(**filters.validated_data)


class OrganisationDetailView(APIView):
    permission_classes = [AuthenticatedOrAgencyToken]

    @extend_schema(
        operation_id="organisations_retrieve",
        responses={200: OrganisationSerializer, **NOT_FOUND},
    )
    def get(self, request: Request, organisation_id: str) -> Response:
        organisation = selectors.organisation_get(organisation_id)
        return Response(OrganisationSerializer(organisation).data)


class CompetentOrganisationsView(APIView):
    permission_classes = [AuthenticatedOrAgencyToken]

    @extend_schema(
        operation_id="organisations_competent",
        parameters=[
            OpenApiParameter("area", OpenApiTypes.STR, required=True, description="Area code"),
            LEVEL,
        ],
        responses={200: CompetentOrganisationsSerializer, **BAD_REQUEST, **NOT_FOUND},
    )
    def get(self, request: Request) -> Response:
        query = CompetentQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        area = selectors.area_get_by_code(query.validated_data["area"])
        organisations = selectors.competent_organisations(
            area=area, level=query.validated_data.get("level")
        )
        body = CompetentOrganisationsSerializer({"area": area, "organisations": organisations})
        return Response(body.data)


class AreaListView(generics.ListAPIView[Area]):
    permission_classes = [AuthenticatedOrAgencyToken]
    serializer_class = AreaSerializer

    @extend_schema(
        operation_id="areas_list",
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=Area.Kind.values),
            OpenApiParameter("parent", OpenApiTypes.STR, description="Code of the parent area"),
            SEARCH,
        ],
        responses={200: AreaSerializer(many=True), **BAD_REQUEST, **NOT_FOUND},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Area]:
        filters = AreaFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = dict(filters.validated_data)
        parent_code = data.pop("parent", None)
        parent = selectors.area_get_by_code(parent_code, field="parent") if parent_code else None
        return selectors.areas_list(parent=parent, **data)
