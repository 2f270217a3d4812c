"""GovStack Registration building block endpoints over the catalogue, forms and cases.

Agency systems (an eRegistrations front office, a counter application) call these with an
agency token holding the `applications` scope; they see and act on their organisation's
cases only, as they would in govdoor's own API.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response

from govdoor.applications import selectors as forms
from govdoor.applications.govstack import mapping
from govdoor.applications.govstack.base import (
    RegistrationView,
    actor,
    page_args,
    system_error,
)
from govdoor.applications.govstack.submit import FieldErrors, govstack_submit
from govdoor.applications.models import FormVersion, Submission
from govdoor.cases import handling
from govdoor.cases import selectors as case_selectors
from govdoor.cases import services as cases
from govdoor.catalogue import selectors as catalogue
from govdoor.catalogue.models import Service
from govdoor.core.errors import DomainError, NotFound
from govdoor.core.ids import uuid_or_none
from govdoor.documents import services as uploads
from govdoor.identity import selectors as people

SORTS = {"created": "opened_at", "registered": "opened_at", "status": "status"}


def _service(service_id: Any) -> Service:
    pk = uuid_or_none(service_id)
    service = catalogue.services_list().filter(pk=pk).first() if pk else None
    if service is None:
        raise NotFound(_("Service was not found"))
    return service


def _annotate(request: Request, cases_: list[Any]) -> list[tuple[Any, list[Any]]]:
    """Each case with its eForm (the submission's form version) and its documents, in one
    query for the whole page instead of two per case."""
    refs = [c.source_ref for c in cases_ if c.source == "application"]
    submissions = {
        str(s.pk): s
        for s in Submission.objects.filter(pk__in=[r for r in refs if uuid_or_none(r)]).only(
            "id", "version_id", "document_ids"
        )
    }
    out = []
    for case in cases_:
        found = submissions.get(case.source_ref) if case.source == "application" else None
        case.govstack_eform_id = str(found.version_id) if found else None
        out.append((case, list(found.document_ids) if found else []))
    return out


class ServicesView(RegistrationView):
    def get(self, request: Request) -> Response:
        qs = catalogue.services_list().select_related("owner").order_by("name_en", "code")
        name = request.query_params.get("name", "").strip()
        if name:
            qs = qs.filter(name_en__icontains=name) | qs.filter(name_fr__icontains=name)
        services = list(qs[:500])
        executable = set(
            FormVersion.objects.filter(
                form__service__in=services, status=FormVersion.Status.PUBLISHED
            ).values_list("form__service_id", flat=True)
        )
        return Response([mapping.service_json(s, executable=s.pk in executable) for s in services])


class ServiceView(RegistrationView):
    def get(self, request: Request, service_id: str) -> Response:
        service = _service(service_id)
        return Response(
            mapping.service_json(service, executable=forms.service_has_published_form(service))
        )


class ServiceEFormsView(RegistrationView):
    def get(self, request: Request, service_id: str) -> Response:
        service = _service(service_id)
        form = forms.form_of_service(service)
        if form is None:
            return Response([])
        latest = forms.version_published(form)
        published = forms.versions_of(form).filter(status=FormVersion.Status.PUBLISHED)
        return Response(
            [
                mapping.eform_item(v, latest=latest is not None and v.pk == latest.pk)
                for v in published
            ]
        )


def _published_version(eform_id: Any) -> FormVersion:
    pk = uuid_or_none(eform_id)
    version = (
        FormVersion.objects.select_related("form__service")
        .filter(pk=pk, status=FormVersion.Status.PUBLISHED)
        .first()
        if pk
        else None
    )
    if version is None:
        raise NotFound(_("Not Found"))
    return version


class EFormView(RegistrationView):
    def get(self, request: Request, eform_id: str) -> Response:
        version = _published_version(eform_id)
        latest = forms.version_published(version.form)
        body = mapping.eform_item(version, latest=latest is not None and latest.pk == version.pk)
        body["schema"] = mapping.eform_schema(version.definition)
        return Response(body)


def _may_handle(organisation: Any, service: Service, person: Any) -> bool:
    """The service's owner, or the organisation competent for this person (a counter
    taking an application for its own area)."""
    if service.owner_id == organisation.pk:
        return True
    area = catalogue.person_municipality(person)
    found = catalogue.service_competent_authority(service=service, area=area) if area else None
    return bool(found and found[1].pk == organisation.pk)


class ServiceApplicationsView(RegistrationView):
    def post(self, request: Request, service_id: str) -> Response:
        service = _service(service_id)
        body = request.data if isinstance(request.data, dict) else {}
        person_id = uuid_or_none(body.get("applicantId"))
        if person_id is None:
            raise DomainError(_("applicantId must be a govdoor person id."), field="applicantId")
        try:
            person = people.person_get(person_id)
        except NotFound as exc:
            raise DomainError(_("No person with this applicantId."), field="applicantId") from exc
        organisation = self.organisation()
        if not _may_handle(organisation, service, person):
            return system_error(
                403,
                _("Your organisation neither owns this service nor handles it here."),
                kind="forbidden",
            )
        form_data = body.get("formData") or {}
        if not isinstance(form_data, dict):
            raise DomainError(_("formData must be an object."), field="formData")
        version = (
            _published_version(form_data.get("eFormId"))
            if form_data.get("eFormId")
            else self._current(service)
        )
        if version.form.service_id != service.pk:
            raise DomainError(_("This eForm belongs to another service."), field="formData.eFormId")
        try:
            submission = govstack_submit(
                version=version,
                person=person,
                user=actor(request),
                data=form_data.get("data") or {},
                document_urls=body.get("documentUrls"),
                idempotency_key=request.headers.get("Idempotency-Key", "")[:64],
            )
        except FieldErrors as exc:
            return system_error(
                400,
                _("Some answers are not valid."),
                kind="invalid",
                errors=[{"field": k, "message": v} for k, v in sorted(exc.errors.items())],
            )
        case = case_selectors.case_get(submission.case_id)
        [(case, docs)] = _annotate(request, [case])
        return Response(mapping.file_json(case, request=request, document_ids=docs))

    @staticmethod
    def _current(service: Service) -> FormVersion:
        form = forms.form_of_service(service)
        version = forms.version_published(form) if form else None
        if version is None:
            raise NotFound(_("Service was not found"))
        return version


def _metadata_person(raw: str) -> Any:
    value: Any = raw
    if raw.strip().startswith("{"):
        try:
            value = json.loads(raw).get("applicantId")
        except (ValueError, AttributeError):
            value = None
    elif "=" in raw or ":" in raw:
        value = raw.replace(":", "=").split("=", 1)[1]
    person_id = uuid_or_none(str(value).strip()) if value else None
    if person_id is None:
        raise DomainError(
            _("additionalMetadata must name the applicant: applicantId=<person id>."),
            field="additionalMetadata",
        )
    try:
        return people.person_get(person_id)
    except NotFound as exc:
        raise DomainError(
            _("No person with this applicantId."), field="additionalMetadata"
        ) from exc


class DocumentsView(RegistrationView):
    def post(self, request: Request) -> Response:
        person = _metadata_person(request.query_params.get("additionalMetadata", ""))
        files = request.FILES.getlist("file")
        if not files:
            return system_error(400, _("Attach the file in the `file` part."), kind="invalid")
        urls = []
        for upload in files:
            try:
                document = uploads.document_upload(
                    owner_person_id=person.pk,
                    uploaded_by=actor(request),
                    filename=upload.name or "document",
                    content=upload,
                    purpose="govstack-registration",
                )
            except DomainError as exc:
                if exc.status_code >= 500:
                    raise
                # The spec answers every refused upload (size, type, malware) with 400.
                return system_error(400, str(exc.detail), kind="invalid", field="file")
            urls.append(mapping.document_url(request, document.pk))
        return Response(
            {
                "code": 200,
                "type": "success",
                "message": _("File successfully uploaded"),
                "url": urls[0],
                "urls": urls,
            }
        )


class DocumentView(RegistrationView):
    """A document the caller's organisation may read: shared with it through a case."""

    def get(self, request: Request, document_id: str) -> Any:
        from django.http import HttpResponse

        user = request.user
        document, content = uploads.document_open_for_agency(
            document_id=document_id,
            organisation=self.organisation(),
            content=True,
            actor_user=str(user.pk) if getattr(user, "is_authenticated", False) else None,
        )
        response = HttpResponse(content, content_type=document.content_type)
        response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


def _org_cases(view: RegistrationView, *, open_only: bool) -> QuerySet[Any]:
    filters = case_selectors.QueueFilter(status="open" if open_only else "all")
    return (
        case_selectors.case_queue(
            organisation=view.organisation(), user=view.request.user, filters=filters
        )
        .defer(None)
        .select_related("service", "assignee")
    )


def _filtered(request: Request, qs: QuerySet[Any], *, file_param: str = "") -> QuerySet[Any]:
    for param, column in (
        ("serviceId", "service_id"),
        ("applicantId", "applicant_id"),
        ("assigneeId", "assignee_id"),
        (file_param, "pk"),
        ("mainTaskId", "pk"),
    ):
        if not param or param not in request.query_params:
            continue
        value = uuid_or_none(request.query_params[param])
        if value is None and column != "assignee_id":
            raise DomainError(_("%(p)s must be a UUID.") % {"p": param}, field=param)
        qs = qs.filter(**{column: value if value is not None else request.query_params[param]})
    sort = SORTS.get(request.query_params.get("sortBy", "created"))
    if sort is None:
        raise DomainError(_("sortBy must be created, registered or status."), field="sortBy")
    order = request.query_params.get("sortOrder", "desc").lower()
    if order not in ("asc", "desc"):
        raise DomainError(_("sortOrder must be asc or desc."), field="sortOrder")
    return qs.order_by(sort if order == "asc" else f"-{sort}", "id")


class ApplicationsView(RegistrationView):
    def get(self, request: Request) -> Response:
        first, size = page_args(request)
        qs = _filtered(request, _org_cases(self, open_only=False))
        page = list(qs[first : first + size])
        return Response(
            [
                mapping.list_item(c, request=request, document_ids=d)
                for c, d in _annotate(request, page)
            ]
        )


class ApplicationView(RegistrationView):
    def _case(self, file_id: str) -> Any:
        case = case_selectors.case_for_organisation(
            organisation=self.organisation(), case_id=file_id
        )
        return case

    def get(self, request: Request, file_id: str) -> Response:
        try:
            case = self._case(file_id)
        except NotFound as exc:
            raise NotFound(_("Application file was not found")) from exc
        [(case, docs)] = _annotate(request, [case])
        return Response(mapping.file_json(case, request=request, document_ids=docs))

    def put(self, request: Request, file_id: str) -> Response:
        try:
            case = self._case(file_id)
        except NotFound as exc:
            raise NotFound(_("Application file was not found")) from exc
        body = request.data if isinstance(request.data, dict) else {}
        data = (
            (body.get("formData") or {}).get("data")
            if isinstance(body.get("formData"), dict)
            else None
        )
        if not isinstance(data, dict) or not data:
            raise DomainError(
                _("formData.data must hold the operator's input."), field="formData.data"
            )
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        if len(text) > 4000:
            raise DomainError(_("The operator's input is too long."), field="formData.data")
        cases.case_note_add(
            case=case, author=actor(request), text=_("Operator input: %(d)s") % {"d": text}
        )
        [(case, docs)] = _annotate(request, [self._case(file_id)])
        return Response(mapping.file_json(case, request=request, document_ids=docs))


class TasksView(RegistrationView):
    def get(self, request: Request) -> Response:
        first, size = page_args(request)
        qs = _filtered(request, _org_cases(self, open_only=True), file_param="fileId")
        page = list(qs[first : first + size])
        return Response([mapping.task_json(c) for c, _d in _annotate(request, page)])


def _open_task(view: RegistrationView, task_id: str) -> Any:
    try:
        case = case_selectors.case_for_organisation(
            organisation=view.organisation(), case_id=task_id
        )
    except NotFound as exc:
        raise NotFound(_("Task was not found")) from exc
    if case.status not in mapping.OPEN_STATUSES:
        raise NotFound(_("Task was not found"))
    return case


class TaskView(RegistrationView):
    def get(self, request: Request, task_id: str) -> Response:
        [(case, _d)] = _annotate(request, [_open_task(self, task_id)])
        return Response(mapping.task_json(case, detailed=True))


DECISIONS = {"APPROVED": "granted", "REJECTED": "refused"}


class TaskCompleteView(RegistrationView):
    def post(self, request: Request, task_id: str) -> Response:
        case = _open_task(self, task_id)
        body = request.data if isinstance(request.data, dict) else {}
        raw = body.get("data")
        data: dict[str, Any] = raw if isinstance(raw, dict) else {}
        decision = str(data.get("decision", "")).upper()
        reason = str(data.get("reason", "")).strip()
        if decision not in ("APPROVED", "REJECTED", "SENDBACK"):
            raise DomainError(
                _("data.decision must be APPROVED, REJECTED or SENDBACK."), field="data.decision"
            )
        if not reason:
            raise DomainError(_("data.reason is required."), field="data.reason")
        if case.status in ("triage", "waiting"):
            raise DomainError(
                _("Route this application first.")
                if case.status == "triage"
                else _("This application waits for the applicant's answer."),
                field="taskId",
            )
        with transaction.atomic():  # review and decision land together, or neither
            if case.status == "submitted":
                case = handling.case_start_review(case=case, by=actor(request))
            if decision == "SENDBACK":
                case = handling.case_request_information(
                    case=case, by=actor(request), request_text=reason
                )
            else:
                case = cases.case_decide(
                    case=case, outcome=DECISIONS[decision], reason=reason, decided_by=actor(request)
                )
        return Response(
            {
                "taskId": str(case.pk),
                "fileId": str(case.pk),
                "serviceId": str(case.service_id),
                "status": mapping.status_model(case),
                "variables": {"decision": {"data": {"decision": decision, "reason": reason}}},
            }
        )
