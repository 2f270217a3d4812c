"""/api/v1/services, /life-events, /guides and /search: public reads, service-owner writes.

Why public reads: the catalogue is what government offers; anyone (and any search engine or
agency site) may read it. Writes need a service owner of the owning organisation.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govdoor.catalogue import selectors, services
from govdoor.catalogue.api.serializers import (
    GuideSerializer,
    LifeEventSerializer,
    SearchQuerySerializer,
    SearchResultSerializer,
    ServiceDetailSerializer,
    ServiceFilterSerializer,
    ServiceSerializer,
    ServiceWriteSerializer,
    TopicSerializer,
)
from govdoor.catalogue.models import LifeEvent, Service, Topic
from govdoor.core.errors import NotFound

# One problem+json component for the whole API (the schema would otherwise hold two).
from govdoor.organisations.api.serializers import ProblemSerializer
from govdoor.organisations.selectors import (
    area_get_by_code,
    organisation_get_by_code,
    user_has_role,
)

PROBLEM = "application/problem+json"
BAD_REQUEST = {(400, PROBLEM): OpenApiResponse(ProblemSerializer, description="Invalid input")}
FORBIDDEN = {(403, PROBLEM): OpenApiResponse(ProblemSerializer, description="Not allowed")}
NOT_FOUND = {(404, PROBLEM): OpenApiResponse(ProblemSerializer, description="No such resource")}
AREA = OpenApiParameter(
    "area",
    OpenApiTypes.STR,
    description="Area code (a municipality); defaults to a signed-in person's own municipality",
)


def person_of(request: Any) -> Any:
    user = request.user
    return getattr(user, "person", None) if user.is_authenticated else None


def area_for(request: Any, code: str | None) -> Any:
    """The area a question is about: the one asked for, else the signed-in person's own."""
    if code:
        try:
            return area_get_by_code(code)
        except NotFound:
            raise serializers.ValidationError({"area": [_("No area with this code.")]}) from None
    return selectors.person_municipality(person_of(request))


class ServiceListView(generics.ListCreateAPIView[Service]):
    serializer_class = ServiceSerializer

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(
        operation_id="services_list",
        parameters=[
            OpenApiParameter("life_event", OpenApiTypes.STR),
            OpenApiParameter("topic", OpenApiTypes.STR),
            OpenApiParameter("organisation", OpenApiTypes.STR, description="Owner code"),
            OpenApiParameter("level", OpenApiTypes.STR, enum=Service.Level.values),
            OpenApiParameter("q", OpenApiTypes.STR, description="Words to look for"),
        ],
        responses={200: ServiceSerializer(many=True), **BAD_REQUEST},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Service]:
        filters = ServiceFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.services_list(**filters.validated_data)

    @extend_schema(
        operation_id="services_create",
        request=ServiceWriteSerializer,
        responses={201: ServiceSerializer, **BAD_REQUEST, **FORBIDDEN},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = ServiceWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        code = values.pop("code")
        owner = organisation_get_by_code(values.pop("organisation"))
        service = services.service_create(user=request.user, owner=owner, code=code, values=values)
        return Response(ServiceSerializer(service).data, status=status.HTTP_201_CREATED)


def _service_for_owner(request: Request, code: str) -> Service:
    """A service in any state for its owners; others see only published ones (else 404)."""
    service = selectors.service_get(code, published_only=False)
    if service.status != Service.Status.PUBLISHED and not user_has_role(
        request.user, service.owner, services.SERVICE_OWNER
    ):
        raise NotFound(_("No service with this code."))
    return service


class ServiceDetailView(APIView):
    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(
        operation_id="services_retrieve",
        parameters=[AREA],
        responses={200: ServiceDetailSerializer, **BAD_REQUEST, **NOT_FOUND},
    )
    def get(self, request: Request, code: str) -> Response:
        area = area_for(request, request.query_params.get("area"))
        service = selectors.service_get(code)
        authority = None
        if area is not None:
            resolved = selectors.service_competent_authority(service=service, area=area)
            authority = resolved[1] if resolved else None
        body = ServiceDetailSerializer(service, context={"competent_authority": authority})
        return Response(body.data)

    @extend_schema(
        operation_id="services_update",
        request=ServiceWriteSerializer(partial=True),
        responses={200: ServiceSerializer, **BAD_REQUEST, **FORBIDDEN, **NOT_FOUND},
    )
    def patch(self, request: Request, code: str) -> Response:
        service = _service_for_owner(request, code)
        body = ServiceWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        for fixed in ("code", "organisation"):
            if fixed in values:
                raise serializers.ValidationError({fixed: [_("This cannot be changed.")]})
        service = services.service_update(user=request.user, service=service, values=values)
        return Response(ServiceSerializer(selectors.service_get(code, published_only=False)).data)


class ServicePublishView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="services_publish",
        request=None,
        responses={200: ServiceSerializer, **FORBIDDEN, **NOT_FOUND},
    )
    def post(self, request: Request, code: str) -> Response:
        service = _service_for_owner(request, code)
        services.service_publish(user=request.user, service=service)
        return Response(ServiceSerializer(selectors.service_get(code)).data)


class LifeEventListView(generics.ListAPIView[LifeEvent]):
    permission_classes = [AllowAny]
    serializer_class = LifeEventSerializer

    @extend_schema(operation_id="life_events_list")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[LifeEvent]:
        return selectors.life_events_list()


class TopicListView(generics.ListAPIView[Topic]):
    permission_classes = [AllowAny]
    serializer_class = TopicSerializer

    @extend_schema(operation_id="topics_list")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Topic]:
        return selectors.topics_list()


class GuideDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="guides_retrieve",
        responses={200: GuideSerializer, **NOT_FOUND},
        description="Steps carry `done` for a signed-in person, null otherwise.",
    )
    def get(self, request: Request, code: str) -> Response:
        guide = selectors.guide_get(code)
        person = person_of(request)
        done = selectors.guide_steps_done(guide=guide, person=person) if person else None
        return Response(GuideSerializer(guide, context={"done": done}).data)


class SearchView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="catalogue_search",
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, required=True), AREA],
        responses={200: SearchResultSerializer, **BAD_REQUEST},
    )
    def get(self, request: Request) -> Response:
        query = SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        area = area_for(request, query.validated_data.get("area"))
        hits = selectors.service_search(q=query.validated_data["q"], area=area)
        body = {"q": query.validated_data["q"], "area": area.code if area else None}
        return Response(SearchResultSerializer({**body, "results": hits}).data)
