"""/api/v1/forms: service owners' agency systems (scope `forms`) and staff sessions.

An agency token speaks for its organisation and may edit the forms of that organisation's
services; a staff member must be a service owner there. Anyone else gets 404 (the forms of
another organisation are not theirs to learn about). An invalid definition answers 400 with
one problem entry per error, each naming its path (`definition.pages[0].fields[1].type`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max, Q
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govdoor.applications import selectors, services
from govdoor.applications.api.serializers import (
    DraftInSerializer,
    FormSummarySerializer,
    FormVersionSerializer,
)
from govdoor.catalogue.selectors import service_get
from govdoor.core.api.pagination import Pagination
from govdoor.core.errors import PROBLEM_CONTENT_TYPE, NotFound, problem
from govdoor.identity.agency import AgencyScopes, request_organisation
from govdoor.organisations.api.serializers import ProblemSerializer
from govdoor.organisations.models import StaffRole
from govdoor.organisations.selectors import roles_of

PROBLEM = "application/problem+json"
ERRORS = {
    (400, PROBLEM): OpenApiResponse(ProblemSerializer, description="Invalid definition"),
    (404, PROBLEM): OpenApiResponse(ProblemSerializer, description="No such form for you"),
    (409, PROBLEM): OpenApiResponse(ProblemSerializer, description="Nothing to publish"),
}


class FormsView(APIView):
    permission_classes = [AgencyScopes]
    required_scopes = ["forms"]

    def caller(self, request: Request) -> dict[str, Any]:
        token = getattr(request, "auth", None)
        if getattr(token, "application", None) is not None:
            return {"organisation": request_organisation(request), "user": None}
        return {"organisation": None, "user": request.user}

    def service(self, request: Request, code: str) -> Any:
        service = service_get(code, published_only=False)
        if not services.may_edit_form(service=service, **self.caller(request)):
            raise NotFound("No form for this service.")
        return service


def _invalid(exc: services.DefinitionInvalid) -> Response:
    errors = [
        {"field": f"definition.{e.path}" if e.path else "definition", "detail": e.message}
        for e in exc.errors
    ]
    body = problem(
        status_code=400,
        title="Invalid form definition",
        detail="; ".join(str(e) for e in exc.errors),
        type_="invalid-form-definition",
        errors=errors,
    )
    return Response(body, status=400, content_type=PROBLEM_CONTENT_TYPE)


class FormListView(FormsView):
    @extend_schema(
        operation_id="forms_list",
        summary="The forms of your organisation's services",
        responses={200: FormSummarySerializer(many=True)},
        tags=["forms"],
    )
    def get(self, request: Request) -> Response:
        caller = self.caller(request)
        organisation = caller["organisation"]
        if organisation is not None:
            owners = [organisation.pk]
        else:
            owners = list(
                r.organisation_id
                for r in roles_of(request.user)
                if r.role == StaffRole.Role.SERVICE_OWNER
            )
        forms = selectors.forms_of_organisations(owners).annotate(
            published=Max("versions__number", filter=Q(versions__status="published")),
            drafted=Max("versions__number", filter=Q(versions__status="draft")),
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(forms, request, view=self)
        rows = [
            {
                "service": f.service.code,
                "name": f.service.name,
                "published_version": f.published,
                "draft_version": f.drafted,
            }
            for f in page or []
        ]
        return paginator.get_paginated_response(FormSummarySerializer(rows, many=True).data)


class FormDraftView(FormsView):
    @extend_schema(
        operation_id="forms_draft_retrieve",
        summary="The draft version (404 when there is none)",
        responses={200: FormVersionSerializer, **ERRORS},
        tags=["forms"],
    )
    def get(self, request: Request, code: str) -> Response:
        service = self.service(request, code)
        form = selectors.form_of_service(service)
        draft = selectors.version_draft(form) if form else None
        if draft is None:
            raise NotFound("This form has no draft.")
        return Response(FormVersionSerializer(draft).data)

    @extend_schema(
        operation_id="forms_draft_update",
        summary="Save the draft version (the next version number after a publish)",
        request=DraftInSerializer,
        responses={200: FormVersionSerializer, **ERRORS},
        tags=["forms"],
    )
    def put(self, request: Request, code: str) -> Response:
        service = self.service(request, code)
        body = DraftInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            version = services.form_draft_save(
                service=service, definition=body.validated_data["definition"], check=False
            )
        except services.DefinitionInvalid as exc:
            return _invalid(exc)
        return Response(FormVersionSerializer(version).data)


class FormPublishView(FormsView):
    @extend_schema(
        operation_id="forms_publish",
        summary="Publish the draft: a new version people fill in; it never changes again",
        request=None,
        responses={200: FormVersionSerializer, **ERRORS},
        tags=["forms"],
    )
    def post(self, request: Request, code: str) -> Response:
        service = self.service(request, code)
        user = self.caller(request)["user"]
        try:
            version = services.form_publish(service=service, user=user, check=False)
        except services.DefinitionInvalid as exc:
            return _invalid(exc)
        return Response(FormVersionSerializer(version).data, status=status.HTTP_200_OK)


class FormVersionsView(FormsView):
    @extend_schema(
        operation_id="forms_versions_list",
        summary="Every version of a form, newest first",
        responses={200: FormVersionSerializer(many=True), **ERRORS},
        tags=["forms"],
    )
    def get(self, request: Request, code: str) -> Response:
        service = self.service(request, code)
        form = selectors.form_of_service(service)
        if form is None:
            raise NotFound("No form for this service.")
        qs = selectors.versions_of(form).select_related("form__service")
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(FormVersionSerializer(page, many=True).data)
