"""Exchange API: agency systems (client credentials, scope `exchange`) and staff sessions.

Views only translate: the services decide, and their DomainErrors become problem+json
(403 with the reason for a refusal, 503 when the ledger cannot write, 400 for bad input).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govdoor.core.api.pagination import Pagination
from govdoor.core.errors import NotFound, Refused
from govdoor.exchange import cache, selectors, services, tellusonce
from govdoor.exchange.api.serializers import (
    AnswerSerializer,
    DataRequestInSerializer,
    DataRequestOutSerializer,
    DecisionSerializer,
    PolicyInSerializer,
    PolicySerializer,
    PurposeSerializer,
    SubscriptionCreatedSerializer,
    SubscriptionInSerializer,
    answer_representation,
    data_request_in,
)
from govdoor.identity.agency import AgencyScopes, request_organisation
from govdoor.organisations.models import Organisation

PROBLEM = OpenApiResponse(description="application/problem+json with the reason")


class TrustedClientCertificate(BasePermission):
    """Optional mTLS: when `GOVDOOR_EXCHANGE_MTLS_HEADER` names a header (e.g.
    "X-SSL-Client-Verify"), the TLS-terminating proxy must have set it to "SUCCESS".

    Why a header: TLS ends at the proxy in production; the proxy strips the header from
    outside requests and sets it from the verified client certificate.
    """

    message = "A verified client certificate is required."

    def has_permission(self, request: Request, view: Any) -> bool:
        header = getattr(settings, "GOVDOOR_EXCHANGE_MTLS_HEADER", "")
        if not header:
            return True
        return bool(request.headers.get(header, "") == "SUCCESS")


def _agency_organisation_prefill(request: Request) -> None:
    """Answer identity's per-request organisation lookup from the exchange's per-process cache
    (keyed by the token's OAuth application), so an agency call does not look it up each time.
    Harmless if identity stops reading the attribute: it then looks the organisation up."""
    application_id = getattr(getattr(request, "auth", None), "application_id", None)
    if application_id is None or hasattr(request, "_govdoor_agency_organisation"):
        return
    org = cache.cached(("agency-org", application_id), lambda: request_organisation(request))
    request._govdoor_agency_organisation = org  # type: ignore[attr-defined]


class ExchangeView(APIView):
    permission_classes = [TrustedClientCertificate, AgencyScopes]
    required_scopes = ["exchange"]

    def check_permissions(self, request: Request) -> None:
        _agency_organisation_prefill(request)
        super().check_permissions(request)

    def organisation(self, request: Request) -> Organisation:
        org = request_organisation(request)
        if org is None:
            raise Refused(_("No organisation speaks through this call."))
        return org

    def purpose(self, code: str) -> Any:
        purpose = selectors.purpose_get(code)
        if purpose is None:
            raise NotFound(_("No such purpose."))
        return purpose


class DataRequestsView(ExchangeView):
    @extend_schema(
        summary="Ask for a person's data for a purpose (exactly the allowed fields)",
        request=DataRequestInSerializer,
        responses={200: AnswerSerializer, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 503: PROBLEM},
        tags=["exchange"],
    )
    def post(self, request: Request) -> Response:
        org = self.organisation(request)
        v = data_request_in(request.data)
        answer = services.data_request_answer(
            requester=org,
            purpose_code=v["purpose"],
            fields=v["fields"],
            subject_id=str(v["subject"]) if v.get("subject") else None,
            national_id=v.get("national_id"),
        )
        return Response(answer_representation(answer.request, answer.data))

    @extend_schema(
        summary="Your organisation's requests, answered and refused (no data)",
        responses={200: DataRequestOutSerializer(many=True)},
        tags=["exchange"],
    )
    def get(self, request: Request) -> Response:
        qs = selectors.data_requests_of(self.organisation(request))
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(DataRequestOutSerializer(page, many=True).data)


class PurposesView(ExchangeView):
    @extend_schema(
        summary="Purposes with their legal basis and allowed fields",
        responses={200: PurposeSerializer(many=True)},
        tags=["exchange"],
    )
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.purposes_list(), request, view=self)
        return paginator.get_paginated_response(PurposeSerializer(page, many=True).data)


class PoliciesView(ExchangeView):
    @extend_schema(
        summary="Policies your organisation proposed or must decide as keeper",
        responses={200: PolicySerializer(many=True)},
        tags=["exchange"],
    )
    def get(self, request: Request) -> Response:
        qs = selectors.policies_involving(self.organisation(request)).order_by("-created_at")
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(PolicySerializer(page, many=True).data)

    @extend_schema(
        summary="Propose a policy (the requesting agency's side)",
        request=PolicyInSerializer,
        responses={201: PolicySerializer, 400: PROBLEM, 403: PROBLEM},
        tags=["exchange"],
    )
    def post(self, request: Request) -> Response:
        org = self.organisation(request)
        body = PolicyInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        v = body.validated_data
        user = request.user if getattr(request.user, "is_authenticated", False) else None
        policy = services.policy_propose(
            purpose=self.purpose(v["purpose"]),
            requester=org,
            register_code=v["register"],
            fields=v["fields"],
            valid_from=v["valid_from"],
            valid_to=v.get("valid_to"),
            proposed_by=user,
        )
        return Response(PolicySerializer(policy).data, status=status.HTTP_201_CREATED)


class PolicyDecisionView(ExchangeView):
    @extend_schema(
        summary="Approve or reject a proposed policy (a register keeper, signed in)",
        request=DecisionSerializer,
        responses={200: PolicySerializer, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
        tags=["exchange"],
    )
    def post(self, request: Request, policy_id: str) -> Response:
        org = self.organisation(request)
        policy = selectors.policy_get(policy_id)
        if policy is None or org.pk not in (policy.keeper_id, policy.requester_id):
            raise NotFound(_("No such policy."))
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        policy = services.policy_decide(
            policy=policy,
            approve=body.validated_data["approve"],
            decided_by=request.user,
            note=body.validated_data["note"],
        )
        return Response(PolicySerializer(policy).data)


class SubscriptionsView(ExchangeView):
    @extend_schema(
        summary="Subscribe to a register change topic (tell us once)",
        request=SubscriptionInSerializer,
        responses={201: SubscriptionCreatedSerializer, 400: PROBLEM, 403: PROBLEM},
        tags=["exchange"],
    )
    def post(self, request: Request) -> Response:
        org = self.organisation(request)
        body = SubscriptionInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        v = body.validated_data
        subscription, secret = tellusonce.subscription_create(
            organisation=org,
            purpose=self.purpose(v["purpose"]),
            topic=v["topic"],
            plugin=v["plugin"],
            url=v["url"],
            municipality=v["municipality"],
        )
        data = SubscriptionCreatedSerializer(subscription).data | {"secret": secret}
        return Response(data, status=status.HTTP_201_CREATED)
