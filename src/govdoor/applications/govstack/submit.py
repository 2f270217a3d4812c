"""An application sent by an agency system through the GovStack Registration API.

Why it goes through a draft: the portal's path already prefills from the registers (ledgered,
through the exchange), checks every answer and opens exactly one case per idempotency key.
Sending through the API is filling the same form at a counter, so it reuses that path: the
person's open draft of the form, if any, is the one completed (one application per person
and form, whichever door it came through).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from govdoor.applications import selectors
from govdoor.applications.answers import field_parse
from govdoor.applications.filling import (
    answers_merged,
    draft_page_save,
    draft_start,
    draft_submit,
    fields_visible,
    pages_visible,
)
from govdoor.applications.models import Draft, FormVersion, Submission
from govdoor.applications.selectors import Subject
from govdoor.core.errors import DomainError
from govdoor.core.ids import uuid_or_none
from govdoor.documents import selectors as documents

MAX_PASSES = 20  # conditions can reveal pages; a form has far fewer levels than this


@dataclass
class FieldErrors(Exception):
    errors: dict[str, str] = field(default_factory=dict)


def _raw(spec: dict[str, Any], value: Any) -> Any:
    """A JSON value in the shape the form's own parser reads from a posted page."""
    kind = spec["type"]
    if kind == "date":
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            return {"day": "", "month": "", "year": str(value)[:10]}
        return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}
    if kind == "yesno":
        return {True: "yes", False: "no"}.get(value, str(value))
    if kind == "address":
        if not isinstance(value, dict):
            return {"line1": "", "line2": "", "town": "", "postcode": ""}
        return {
            p: str(value.get(p, "") or "").strip() for p in ("line1", "line2", "town", "postcode")
        }
    if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
        return str(value)
    return str(value).strip() if isinstance(value, str) else value


def _blank(raw: Any) -> bool:
    if isinstance(raw, dict):
        return not any(raw.values())
    return raw in (None, "", [])


def _document_ids(values: Any, *, person_id: Any) -> list[str]:
    """Document URLs (…/documents/<id>) or bare ids, each the applicant's own upload."""
    if values in (None, ""):
        return []
    if not isinstance(values, list):
        raise DomainError(_("Give documents as a list of URLs."), field="documentUrls")
    out = []
    for value in values:
        doc_id = uuid_or_none(str(value).rstrip("/").rsplit("/", 1)[-1])
        owned = documents.documents_of_person(person_id=person_id)
        if doc_id is None or not owned.filter(pk=doc_id).exists():
            raise DomainError(
                _("%(url)s is not a document uploaded for this applicant.") % {"url": value},
                field="documentUrls",
            )
        out.append(str(doc_id))
    return out


def _parse_visible(draft: Draft, data: dict[str, Any], files: list[str]) -> dict[str, str]:
    """Save every visible answer; pages shown by earlier answers are reached on later passes."""
    errors: dict[str, str] = {}
    state = draft.state_get()
    files_field: str | None = None  # the file question the loose documentUrls answer
    for _pass in range(MAX_PASSES):
        before = answers_merged(state)
        values: dict[str, Any] = {}
        errors = {}
        for page in pages_visible(draft.version.definition, state):
            for spec in fields_visible(page, state):
                name = spec["name"]
                if name in state["prefill"]:
                    _check_register_value(spec, state["prefill"][name], data, errors)
                    continue
                if spec["type"] == "file":
                    given = _document_ids(data.get(name), person_id=draft.person_id)
                    if not given and files and files_field in (None, name):
                        given, files_field = files, name
                    values[name] = given or None
                    if spec.get("required") and not given:
                        errors[name] = _("Attach a document for this question.")
                    continue
                raw = _raw(spec, data.get(name))
                if _blank(raw):
                    values[name] = None
                    if spec.get("required"):
                        errors[name] = _("This answer is required.")
                    continue
                value, error = field_parse(spec, raw)
                if error:
                    errors[name] = error
                else:
                    values[name] = value
        state["answers"].update(values)
        if answers_merged(state) == before:
            break
    draft_page_save(draft=draft, values=state["answers"])
    if files and files_field is None:  # no visible file question took them
        errors["documentUrls"] = _("This form takes no documents.")
    unknown = sorted(
        set(data) - {s["name"] for p in draft.version.definition["pages"] for s in p["fields"]}
    )
    for name in unknown:
        errors[name] = _("This form has no question with this name.")
    return errors


def _check_register_value(
    spec: dict[str, Any], held: dict[str, Any], data: dict[str, Any], errors: dict[str, str]
) -> None:
    """A register value may be echoed back, never replaced: a change is a correction request."""
    name = spec["name"]
    if name in data and data[name] not in (None, "") and data[name] != held.get("value"):
        errors[name] = _(
            "This value comes from a base register and cannot be changed here; ask the "
            "register keeper for a correction."
        )


def govstack_submit(
    *,
    version: FormVersion,
    person: Any,
    user: Any,
    data: dict[str, Any],
    document_urls: Any,
    idempotency_key: str = "",
) -> Submission:
    """Fill and send the form for `person`; FieldErrors names every wrong answer."""
    key = idempotency_key or secrets.token_urlsafe(32)
    found = selectors.submission_by_key(key)
    if found is not None:
        return found
    if not isinstance(data, dict):
        raise DomainError(_("formData.data must be an object of answers."), field="formData.data")
    files = _document_ids(document_urls, person_id=person.pk)
    with transaction.atomic():
        draft = draft_start(
            service=version.form.service, user=user, subject=Subject(kind="person", id=person.pk)
        )
        if draft.version_id != version.pk:
            raise DomainError(
                _("This eForm version is no longer the one in use; fetch the latest eForm."),
                field="formData.eFormId",
            )
        errors = _parse_visible(draft, data, files)
        if errors:
            raise FieldErrors(errors)  # leaving the block rolls the draft's changes back
        draft.idempotency_key = key
        draft.save(update_fields=["idempotency_key"])
    return draft_submit(draft=draft, user=user, idempotency_key=key)
