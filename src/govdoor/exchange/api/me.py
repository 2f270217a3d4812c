"""/api/v1/me/consents and /api/v1/me/objections: the signed-in person's own consents and
objections (the portal's pages, as an API for the portal's scripts and apps).

Why only a signed-in person's session (with its CSRF check on writes): consent and objection
are the person's own decisions; no agency token may give or revoke them. Another person's id
answers 404, like an id that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govdoor.core.api.pagination import Pagination
from govdoor.core.errors import DomainError, NotFound
from govdoor.exchange import selectors, services
from govdoor.exchange.models import Consent, Objection, Purpose
from govdoor.organisations.models import Organisation
from govdoor.organisations.selectors import organisations_list
from govdoor.registries import selectors as registers

PROBLEM = OpenApiResponse(description="application/problem+json naming the field")


class SignedInPerson(BasePermission):
    message = "This endpoint is for signed-in people."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "person_id", None))


class MeView(APIView):
    authentication_classes = [SessionAuthentication]  # enforces CSRF on writes
    permission_classes = [SignedInPerson]

    def person(self, request: Request) -> Any:
        return request.user.person  # type: ignore[union-attr]


class ConsentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    purpose = serializers.CharField(source="purpose.code")
    purpose_name = serializers.CharField(source="purpose.name")
    organisation = serializers.CharField(source="organisation.code")
    organisation_name = serializers.CharField(source="organisation.name")
    fields = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]
    given_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


class ConsentInSerializer(serializers.Serializer):
    purpose = serializers.SlugField(max_length=80)
    organisation = serializers.SlugField(max_length=64)
    fields = serializers.ListField(  # type: ignore[assignment]
        child=serializers.CharField(max_length=130),
        required=False,
        max_length=50,
        help_text="register.field names the purpose uses; all of them when left out.",
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class ObjectionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    register = serializers.CharField(source="register_code", help_text="blank: any register")
    recipient = serializers.CharField(
        source="recipient.code", allow_null=True, default=None, help_text="null: anyone"
    )
    purpose = serializers.CharField(
        source="purpose.code", allow_null=True, default=None, help_text="null: any purpose"
    )
    created_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)


class ObjectionInSerializer(serializers.Serializer):
    register = serializers.SlugField(max_length=64, required=False, allow_blank=True, default="")
    recipient = serializers.SlugField(max_length=64, required=False, allow_blank=True, default="")
    purpose = serializers.SlugField(max_length=80, required=False, allow_blank=True, default="")


def _purpose(code: str, *, field: str = "purpose") -> Purpose:
    purpose = selectors.purpose_get(code)
    if purpose is None:
        raise DomainError(_("There is no purpose %(p)s.") % {"p": code}, field=field)
    return purpose


def _organisation(code: str, *, field: str) -> Organisation:
    org = organisations_list().prefetch_related(None).filter(code=code).first()
    if org is None:
        raise DomainError(_("There is no organisation %(o)s.") % {"o": code}, field=field)
    return org


def _page(view: APIView, request: Request, qs: Any, serializer: Any) -> Response:
    paginator = Pagination()
    page: list[Any] | None = paginator.paginate_queryset(qs, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


class MyConsentsView(MeView):
    @extend_schema(
        summary="My consents (in force, expired and revoked), newest first",
        responses={200: ConsentSerializer(many=True)},
        tags=["me"],
    )
    def get(self, request: Request) -> Response:
        qs = selectors.consents_of(person_id=self.person(request).pk).order_by("-given_at")
        return _page(self, request, qs, ConsentSerializer)

    @extend_schema(
        summary="Give consent: an organisation may use some of my data for one purpose",
        request=ConsentInSerializer,
        responses={201: ConsentSerializer, 400: PROBLEM, 403: PROBLEM},
        tags=["me"],
    )
    def post(self, request: Request) -> Response:
        body = ConsentInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        v = body.validated_data
        purpose = _purpose(v["purpose"])
        if not purpose.consent_required:
            raise DomainError(
                _("This purpose does not ask for consent: object to it instead."), field="purpose"
            )
        consent = services.consent_give(
            person=self.person(request),
            purpose=purpose,
            organisation=_organisation(v["organisation"], field="organisation"),
            fields=v.get("fields") or purpose.allowed_fields,
            expires_at=v.get("expires_at"),
        )
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


class MyConsentView(MeView):
    @extend_schema(
        summary="Revoke one of my consents (idempotent)",
        responses={204: None, 404: PROBLEM},
        tags=["me"],
    )
    def delete(self, request: Request, consent_id: str) -> Response:
        consent: Consent | None = selectors.consent_of(
            person_id=self.person(request).pk, consent_id=consent_id
        )
        if consent is None:
            raise NotFound(_("No such consent."))
        services.consent_revoke(consent=consent)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyObjectionsView(MeView):
    @extend_schema(
        summary="My objections (in force and withdrawn), newest first",
        responses={200: ObjectionSerializer(many=True)},
        tags=["me"],
    )
    def get(self, request: Request) -> Response:
        qs = selectors.objections_of(person_id=self.person(request).pk).order_by("-created_at")
        return _page(self, request, qs, ObjectionSerializer)

    @extend_schema(
        summary="Object: do not share my data from a register with an organisation for a "
        "purpose (each left blank means any); refused with the reason where the law requires it",
        request=ObjectionInSerializer,
        responses={201: ObjectionSerializer, 400: PROBLEM, 403: PROBLEM},
        tags=["me"],
    )
    def post(self, request: Request) -> Response:
        body = ObjectionInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        v = body.validated_data
        register = v["register"]
        if register:
            try:
                registers.register_get(code=register)
            except NotFound:
                raise DomainError(
                    _("There is no register %(r)s.") % {"r": register}, field="register"
                ) from None
        objection = services.objection_create(
            person=self.person(request),
            register_code=register,
            recipient=_organisation(v["recipient"], field="recipient") if v["recipient"] else None,
            purpose=_purpose(v["purpose"]) if v["purpose"] else None,
        )
        return Response(ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)


class MyObjectionView(MeView):
    @extend_schema(
        summary="Withdraw one of my objections (idempotent)",
        responses={204: None, 404: PROBLEM},
        tags=["me"],
    )
    def delete(self, request: Request, objection_id: str) -> Response:
        objection: Objection | None = selectors.objection_of(
            person_id=self.person(request).pk, objection_id=objection_id
        )
        if objection is None:
            raise NotFound(_("No such objection."))
        services.objection_withdraw(objection=objection)
        return Response(status=status.HTTP_204_NO_CONTENT)
