"""govdoor's catalogue, forms and cases in the shapes the GovStack Registration spec names.

Why one module of pure functions: the spec's names (`fileId`, `eFormId`, `statusModel`…) live
only here, so the domain keeps its own words and a spec change touches one file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from govdoor.applications.definition import fields, pages, text
from govdoor.applications.models import FormVersion

STATUS_TITLES = {
    "PENDING": "Pending",
    "APPROVED": "Approved",
    "SENDBACK": "Sent back",
    "REJECTED": "Rejected",
}
OPEN_STATUSES = ("triage", "submitted", "in_review", "waiting")
TASK_NAME = "Review application"
NUMBER_TYPES = ("number", "money")


def iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def status_code(case: Any) -> str:
    """PENDING while the authority works on it, SENDBACK while it waits for the applicant,
    APPROVED or REJECTED once decided (a partial grant is an approval)."""
    if case.status == "waiting":
        return "SENDBACK"
    if case.outcome in ("granted", "partly_granted") and case.status in (
        "decided",
        "closed",
    ):
        return "APPROVED"
    if case.outcome == "refused" and case.status in ("decided", "closed"):
        return "REJECTED"
    return "PENDING"


def status_model(case: Any) -> dict[str, str]:
    code = status_code(case)
    return {"code": code, "title": STATUS_TITLES[code]}


def service_json(service: Any, *, executable: bool) -> dict[str, Any]:
    body = [
        ("owner", service.owner.name),
        ("competentLevel", service.competent_level),
        ("levelOfAssurance", str(service.loa)),
        ("slaDays", "" if service.sla_days is None else str(service.sla_days)),
        ("fee", str(service.fee)),
        ("legalBasis", service.legal_basis),
    ]
    return {
        "id": str(service.pk),
        "name": service.name,
        "version": str(service.version),
        "type": "Public",
        "isExecutable": executable,
        "isClosed": False,
        "description": service.localised("summary"),
        "serviceBody": [{"code": code, "value": value} for code, value in body],
    }


def eform_item(version: FormVersion, *, latest: bool) -> dict[str, Any]:
    definition = version.definition
    service = version.form.service
    return {
        "eFormId": str(version.pk),
        "name": text(definition.get("title")) or service.name,
        "description": service.localised("summary"),
        "version": str(version.number),
        "latest": latest,
    }


def _field_schema(spec: dict[str, Any]) -> dict[str, Any]:
    kind = spec["type"]
    rules = spec.get("validation", {})
    out: dict[str, Any] = {"title": text(spec["label"])}
    if spec.get("hint"):
        out["description"] = text(spec["hint"])
    if kind in NUMBER_TYPES:
        out["type"] = "number"
        for key, word in (("min", "minimum"), ("max", "maximum")):
            if key in rules:
                out[word] = float(rules[key])
    elif kind == "date":
        out.update(type="string", format="date")
    elif kind == "yesno":
        out["type"] = "boolean"
    elif kind == "choice":
        out.update(type="string", enum=[o["value"] for o in spec.get("options", [])])
    elif kind == "address":
        out.update(
            type="object",
            required=["line1", "town", "postcode"],
            properties={p: {"type": "string", "maxLength": 200} for p in ADDRESS},
            additionalProperties=False,
        )
    elif kind == "file":
        out.update(type="array", items={"type": "string"}, description="document URLs or ids")
    else:
        out["type"] = "string"
        if kind == "email":
            out["format"] = "email"
        out["maxLength"] = int(rules.get("max_length", 500))
        if "pattern" in rules:
            out["pattern"] = rules["pattern"]
    return out


ADDRESS = ("line1", "line2", "town", "postcode")


def eform_schema(definition: dict[str, Any]) -> dict[str, Any]:
    """A JSON Schema (2020-12) of the answers a client sends in `formData.data`.

    Fields filled from a base register are marked `readOnly` (the register is their source)
    and fields shown only under a condition are not listed as required, because whether
    they apply depends on other answers.
    """
    properties: dict[str, Any] = {}
    required: list[str] = []
    for page, spec in fields(definition):
        prop = _field_schema(spec)
        if spec.get("prefill"):
            prop["readOnly"] = True
            prop["x-govdoor-source"] = dict(spec["prefill"])
        properties[spec["name"]] = prop
        conditional = bool(page.get("condition") or spec.get("condition"))
        if spec.get("required") and not spec.get("prefill") and not conditional:
            required.append(spec["name"])
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": text(definition.get("title")),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
        "x-govdoor-pages": [p["name"] for p in pages(definition)],
    }


def values_of(answers: dict[str, Any]) -> dict[str, Any]:
    return {name: (item or {}).get("value") for name, item in answers.items()}


def document_url(request: Any, document_id: Any) -> str:
    path = reverse("govstack-registration-document", kwargs={"document_id": str(document_id)})
    return str(request.build_absolute_uri(path))


def application_data(case: Any, *, request: Any, document_ids: list[Any]) -> dict[str, Any]:
    return {
        "applicationName": case.title,
        "applicantId": str(case.applicant_id) if case.applicant_id else None,
        "created": iso(case.opened_at),
        "formData": {"eFormId": case.govstack_eform_id, "data": values_of(case.answers or {})},
        "documentUrls": [document_url(request, d) for d in document_ids],
    }


def file_json(case: Any, *, request: Any, document_ids: list[Any]) -> dict[str, Any]:
    return {
        "fileId": str(case.pk),
        "registered": iso(case.opened_at),
        "serviceId": str(case.service_id),
        "serviceName": case.service.name,
        "status": status_model(case),
        "ended": case.status in ("decided", "closed"),
        "applicationData": application_data(case, request=request, document_ids=document_ids),
    }


def _assignee(case: Any) -> tuple[str | None, str | None]:
    user = case.assignee
    if user is None:
        return None, None
    name = user.get_full_name() or user.get_username()
    return str(user.pk), name


def list_item(case: Any, *, request: Any, document_ids: list[Any]) -> dict[str, Any]:
    assignee_id, operator = _assignee(case)
    return {
        "fileId": str(case.pk),
        "mainTaskId": str(case.pk),
        "taskTitle": case.title or case.service.name,
        "roleId": "case_worker",
        "roleName": "Case worker",
        "assigneeId": assignee_id,
        "operatorName": operator,
        "status": status_model(case),
        "applicantId": str(case.applicant_id) if case.applicant_id else None,
        "created": iso(case.opened_at),
        "registered": iso(case.opened_at),
        "description": case.reference,
        "serviceName": case.service.name,
        "serviceId": str(case.service_id),
        "eformId": case.govstack_eform_id,
        "documentUrls": [document_url(request, d) for d in document_ids],
        "additionalMeta": {"data": {"reference": case.reference, "govdoorStatus": case.status}},
    }


def task_json(case: Any, *, detailed: bool = False) -> dict[str, Any]:
    assignee_id, _name = _assignee(case)
    out: dict[str, Any] = {
        "taskId": str(case.pk),
        "assigneeId": assignee_id,
        "roleId": "case_worker",
        "created": iso(case.opened_at),
        "description": case.reference,
        "serviceId": str(case.service_id),
        "serviceName": case.service.name,
        "fileId": str(case.pk),
        "eFormId": case.govstack_eform_id,
        "status": status_model(case),
    }
    if detailed:
        out["taskName"] = TASK_NAME
        out["formVariables"] = values_of(case.answers or {})
        out["data"] = {"reference": case.reference, "govdoorStatus": case.status}
    else:
        out["mainTaskId"] = str(case.pk)
        out["name"] = TASK_NAME
    return out
