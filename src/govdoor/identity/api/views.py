"""/api/v1/me: the signed-in person, whom they act for, and their mandates."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from govdoor.core.errors import DomainError, Refused
from govdoor.identity.api.serializers import (
    MandateGrantSerializer,
    MandateRevokeSerializer,
    MandateSerializer,
    MeSerializer,
)
from govdoor.identity.decorators import SESSION_IDP, SESSION_LOA
from govdoor.identity.middleware import acting_for_of
from govdoor.identity.models import LevelOfAssurance, Mandate, Person
from govdoor.identity.selectors import mandate_of_party, mandates_of, person_by_national_id
from govdoor.identity.services import mandate_grant, mandate_revoke


class IsPerson(BasePermission):
    message = "This endpoint is for signed-in people."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "person_id", None))


def _person(request: Request) -> Person:
    person = request.user.person  # type: ignore[union-attr]
    assert person is not None
    return person


def _session_loa(request: Request) -> int | None:
    session = getattr(request, "session", None)
    value = session.get(SESSION_LOA) if session is not None else None
    return int(value) if value else None


class MeView(GenericAPIView):  # type: ignore[type-arg]
    permission_classes = [IsPerson]
    serializer_class = MeSerializer

    def get(self, request: Request) -> Response:
        person = _person(request)
        acting = acting_for_of(request._request)
        data = {
            "user_id": request.user.pk,
            "person_id": person.pk,
            "display_name": person.full_name,
            "language": person.language,
            "level_of_assurance": _session_loa(request),
            "identity_provider": request.session.get(SESSION_IDP)
            if hasattr(request, "session")
            else None,
            "acting_for": None
            if acting is None
            else {
                "kind": acting.kind,
                "id": acting.id,
                "display_name": acting.display_name,
                "mandate_id": acting.mandate.pk,
            },
        }
        return Response(MeSerializer(data).data)


class MandateListView(ListAPIView):  # type: ignore[type-arg]
    """Mandates I hold and mandates I gave, newest first."""

    permission_classes = [IsPerson]
    serializer_class = MandateSerializer

    def get_queryset(self) -> Any:
        return mandates_of(_person(self.request))

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "person": _person(self.request)}

    @extend_schema(request=MandateGrantSerializer, responses={201: MandateSerializer})
    def post(self, request: Request) -> Response:
        """Give a mandate for myself; needs a sign-in at level Substantial or higher."""
        if (_session_loa(request) or 0) < LevelOfAssurance.SUBSTANTIAL:
            raise Refused(_("Giving a mandate needs a sign-in at level Substantial or higher."))
        body = MandateGrantSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        representative = person_by_national_id(data["representative_national_id"])
        if representative is None:
            raise DomainError(
                _("No one is registered with this national number."),
                field="representative_national_id",
            )
        try:
            mandate = mandate_grant(
                grantor=_person(request),
                representative=representative,
                kind=data["kind"],
                scope=data["scope"],
                valid_from=data["valid_from"],
                valid_until=data.get("valid_until"),
            )
        except DomainError as exc:
            if exc.field == "representative":
                exc.field = "representative_national_id"
            raise
        mandate = Mandate.objects.select_related(
            "representative", "represented_person", "represented_business"
        ).get(pk=mandate.pk)
        return Response(self.get_serializer(mandate).data, status=status.HTTP_201_CREATED)


class MandateRevokeView(GenericAPIView):  # type: ignore[type-arg]
    permission_classes = [IsPerson]
    serializer_class = MandateSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "person": _person(self.request)}

    @extend_schema(request=MandateRevokeSerializer, responses={200: MandateSerializer})
    def post(self, request: Request, mandate_id: str) -> Response:
        body = MandateRevokeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        person = _person(request)
        mandate = mandate_of_party(person=person, mandate_id=mandate_id)
        mandate = mandate_revoke(mandate=mandate, by=person, reason=body.validated_data["reason"])
        mandate = mandate_of_party(person=person, mandate_id=mandate.pk)
        return Response(self.get_serializer(mandate).data)
