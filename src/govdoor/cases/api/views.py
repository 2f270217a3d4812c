"""/api/v1/cases: an agency system reads its organisation's cases and records decisions.

OAuth2 client credentials with scope `cases` (identity.agency), or a signed-in staff
member (their current organisation). Another organisation's case answers 404. Reading a
case with its answers is ledgered; the list carries no personal values.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from govdoor.cases import selectors, services
from govdoor.cases.api import serializers as s
from govdoor.cases.models import Case
from govdoor.cases.notices import LEGAL_BASIS
from govdoor.core.errors import Refused
from govdoor.identity.agency import AgencyScopes, request_organisation
from govdoor.organisations.api.serializers import ProblemSerializer
from govdoor.organisations.models import Organisation, StaffRole

CASE_ROLES = (StaffRole.Role.CASE_WORKER, StaffRole.Role.ADMIN)

PROBLEM = "application/problem+json"
ERRORS = {
    (400, PROBLEM): OpenApiResponse(ProblemSerializer, description="Invalid input"),
    (403, PROBLEM): OpenApiResponse(ProblemSerializer, description="Not allowed"),
    (404, PROBLEM): OpenApiResponse(ProblemSerializer, description="No such case"),
    (409, PROBLEM): OpenApiResponse(ProblemSerializer, description="Not in a state to decide"),
}


def _organisation(request: Request) -> Organisation:
    organisation = request_organisation(request)
    assert organisation is not None  # AgencyScopes lets only callers with one in
    return organisation


def _actor(request: Request) -> Any:
    """The staff member acting, or None for an agency system (its organisation acts)."""
    user = request.user
    return user if getattr(user, "is_authenticated", False) and user.pk else None


def _require_case_worker(request: Request, organisation: Organisation) -> None:
    """A staff session (not an agency token) decides only with a case role there."""
    actor = _actor(request)
    if actor is None:
        return
    if not StaffRole.objects.filter(
        user=actor, organisation=organisation, role__in=CASE_ROLES
    ).exists():
        raise Refused(_("Deciding needs the case worker role in this organisation."))


class CaseList(generics.ListAPIView[Case]):
    permission_classes = [AgencyScopes]
    required_scopes = ["cases"]
    serializer_class = s.CaseSerializer

    def get_queryset(self) -> QuerySet[Case]:
        params = s.CaseFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        filters = selectors.QueueFilter(**params.validated_data)
        return selectors.case_queue(
            organisation=_organisation(self.request), user=None, filters=filters
        )

    @extend_schema(
        operation_id="cases_list",
        parameters=[s.CaseFilterSerializer],
        summary="Your organisation's cases, soonest deadline first",
        responses={200: s.CaseSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


def _ledgered_detail(case: Case, organisation: Organisation, actor: Any) -> dict[str, Any]:
    from govdoor.ledger.services import ledger_append

    with transaction.atomic():
        ledger_append(
            subject_id=str(case.applicant_id or case.business_id),
            actor_org=organisation.code,
            actor_user=str(actor.pk) if actor else None,
            action="read",
            purpose="case-handling",
            legal_basis=case.service.legal_basis or LEGAL_BASIS,
            fields=sorted(case.answers),
        )
        return dict(s.CaseDetailSerializer(case).data)


class CaseDetail(generics.GenericAPIView[Case]):
    permission_classes = [AgencyScopes]
    required_scopes = ["cases"]
    serializer_class = s.CaseDetailSerializer

    @extend_schema(
        operation_id="cases_retrieve",
        summary="One case with its answers (and their sources) and history",
        responses={200: s.CaseDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, pk: str) -> Response:
        organisation = _organisation(self.request)
        case = selectors.case_for_organisation(organisation=organisation, case_id=pk)
        return Response(_ledgered_detail(case, organisation, _actor(self.request)))


class CaseDecision(generics.GenericAPIView[Case]):
    permission_classes = [AgencyScopes]
    required_scopes = ["cases"]
    serializer_class = s.CaseDecisionSerializer

    @extend_schema(
        operation_id="cases_decide",
        request=s.CaseDecisionSerializer,
        summary="Decide a case: the signed decision letter goes to the person's mailbox",
        responses={200: s.CaseSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: str) -> Response:
        organisation = _organisation(self.request)
        case = selectors.case_for_organisation(organisation=organisation, case_id=pk)
        _require_case_worker(request, organisation)
        data = s.CaseDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decided = services.case_decide(
            case=case,
            outcome=data.validated_data["outcome"],
            reason=data.validated_data["reason"],
            decided_by=_actor(self.request),
            decision_ref=data.validated_data["decision_ref"],
        )
        return Response(s.CaseSerializer(decided).data, status=status.HTTP_200_OK)
