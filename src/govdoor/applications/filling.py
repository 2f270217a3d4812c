"""Writes of people filling in forms: start (with prefill), save pages, correct a register
value, follow a newer version, and submit once.

Why the answers keep their sources: a prefilled value is the register's value, not the
person's statement; the case (and any rule deciding it) must know which is which. A value the
person says is wrong stays the register's value in the answers, with the correction request
beside it, so nothing silently diverges from the register.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from govdoor.applications import definition as defs
from govdoor.applications import selectors
from govdoor.applications.answers import value_fits
from govdoor.applications.models import Draft, FormVersion, Submission
from govdoor.applications.prefill import prefill_fetch
from govdoor.applications.selectors import Subject
from govdoor.core import clock
from govdoor.core.errors import Conflict, DomainError, NotFound
from govdoor.registries import selectors as registers
from govdoor.registries.services import correction_request_create

log = logging.getLogger(__name__)


def _published(service: Any) -> FormVersion:
    form = selectors.form_of_service(service)
    version = selectors.version_published(form) if form else None
    if version is None:
        raise NotFound(_("This service has no online form."))
    return version


def _subject(draft: Draft) -> Subject:
    if draft.business_id is not None:
        return Subject(kind="business", id=draft.business_id)
    assert draft.person_id is not None
    return Subject(kind="person", id=draft.person_id)


def _prefill_into(draft: Draft, state: dict[str, Any], only: set[str] | None = None) -> None:
    result = prefill_fetch(
        definition=draft.version.definition,
        owner=draft.form.service.owner,
        subject=_subject(draft),
        only=only,
    )
    state["prefill"].update(result.values)
    state["refused"].update(result.refused)


@transaction.atomic
def draft_start(*, service: Any, user: Any, subject: Subject) -> Draft:
    """The subject's open draft of this service's form, or a new one filled from the registers."""
    version = _published(service)
    existing = selectors.draft_open(form=version.form, subject=subject)
    if existing is not None:
        return existing
    now = clock.now()
    draft = Draft(
        form=version.form,
        version=version,
        person_id=subject.id if subject.kind == "person" else None,
        business_id=subject.id if subject.kind == "business" else None,
        subject_key=subject.key,
        started_by=user,
        created_at=now,
        updated_at=now,
    )
    state = draft.state_get()
    _prefill_into(draft, state)
    draft.state_set(state)
    try:
        with transaction.atomic():
            draft.save()
    except IntegrityError:  # a second tab started the same form at the same moment
        found = selectors.draft_open(form=version.form, subject=subject)
        if found is None:
            raise
        return found
    return draft


def answers_merged(state: Mapping[str, Any]) -> dict[str, Any]:
    """Typed answers and register values together (what conditions look at)."""
    merged = dict(state["answers"])
    merged.update({name: item["value"] for name, item in state["prefill"].items()})
    return merged


def pages_visible(definition: dict[str, Any], state: Mapping[str, Any]) -> list[dict[str, Any]]:
    merged = answers_merged(state)
    return [p for p in defs.pages(definition) if defs.condition_met(p.get("condition"), merged)]


def fields_visible(page: dict[str, Any], state: Mapping[str, Any]) -> list[dict[str, Any]]:
    merged = answers_merged(state)
    return [f for f in page["fields"] if defs.condition_met(f.get("condition"), merged)]


@transaction.atomic
def draft_page_save(*, draft: Draft, values: dict[str, Any]) -> Draft:
    """Keep the answers of one page (prefilled fields are never overwritten by typing)."""
    state = draft.state_get()
    for name, value in values.items():
        if name not in state["prefill"]:
            state["answers"][name] = value
    draft.state_set(state)
    draft.updated_at = clock.now()
    draft.save(update_fields=["state", "updated_at"])
    return draft


@transaction.atomic
def draft_follow_version(*, draft: Draft) -> dict[str, Any] | None:
    """Move a draft onto the newest published version, if the owner published one.

    Answers that still fit their field are kept; the others are dropped. Returns what
    changed ({"from", "to", "added", "removed", "dropped"}) for the person to read, or None.
    """
    newest = _published(draft.form.service)
    if newest.pk == draft.version_id:
        return None
    old, old_number = draft.version.definition, draft.version.number
    new_fields = defs.field_map(newest.definition)
    state = draft.state_get()
    added, removed = defs.fields_changed(old, newest.definition)
    dropped = []
    for name, value in list(state["answers"].items()):
        spec = new_fields.get(name)
        if spec is None or "prefill" in spec or not value_fits(spec, value):
            state["answers"].pop(name)
            if spec is not None:
                dropped.append(name)
    for bucket in ("prefill", "refused", "corrections"):
        for name in list(state[bucket]):
            if name not in new_fields or "prefill" not in new_fields[name]:
                state[bucket].pop(name)
    draft.version = newest
    fresh = {n for n, f in new_fields.items() if "prefill" in f and n not in state["prefill"]}
    if fresh:
        _prefill_into(draft, state, only=fresh)
    changes = {
        "from": old_number,
        "to": newest.number,
        "added": [defs.text(new_fields[n]["label"]) for n in added],
        "removed": [defs.text(defs.field_map(old)[n]["label"]) for n in removed],
        "dropped": [defs.text(new_fields[n]["label"]) for n in dropped],
    }
    state["changes"] = changes
    draft.state_set(state)
    draft.idempotency_key = ""
    draft.updated_at = clock.now()
    draft.save(update_fields=["version", "state", "idempotency_key", "updated_at"])
    return changes


@transaction.atomic
def draft_changes_seen(*, draft: Draft) -> None:
    state = draft.state_get()
    state["changes"] = None
    draft.state_set(state)
    draft.save(update_fields=["state"])


@transaction.atomic
def draft_correction_request(
    *, draft: Draft, field_name: str, proposed: Any, explanation: str, user: Any
) -> str:
    """The person says a register value is wrong: ask the keeper to correct it (a task for
    them) and record the request beside the register value in the draft."""
    state = draft.state_get()
    item = state["prefill"].get(field_name)
    if item is None:
        raise DomainError(_("This answer did not come from a register."), field=field_name)
    if proposed == item["value"]:
        raise DomainError(_("Enter a value different from the register's."), field=field_name)
    source = item["source"]
    register = registers.register_get(code=source["register"])
    record = (
        registers.records_search(register=register, exact={register.subject_field: _sid(draft)})
        .select_related("register")
        .first()
    )
    if record is None:
        raise NotFound(_("The register no longer holds this record."))
    correction = correction_request_create(
        record=record,
        user=user,
        proposed={source["field"]: proposed},
        explanation=explanation[:2000],
    )
    state["corrections"][field_name] = {"request_id": str(correction.pk), "proposed": proposed}
    draft.state_set(state)
    draft.updated_at = clock.now()
    draft.save(update_fields=["state", "updated_at"])
    return str(correction.pk)


def _sid(draft: Draft) -> str:
    return str(draft.person_id or draft.business_id)


def review_token(*, draft: Draft) -> str:
    """The idempotency key the review page carries; the same key until the draft changes."""
    if not draft.idempotency_key:
        draft.idempotency_key = secrets.token_urlsafe(32)
        draft.save(update_fields=["idempotency_key"])
    return draft.idempotency_key


def answers_with_sources(draft: Draft) -> tuple[dict[str, Any], list[str]]:
    """The contract's answer shape for the visible fields, and the uploaded document ids."""
    state = draft.state_get()
    definition = draft.version.definition
    out: dict[str, Any] = {}
    documents: list[str] = []
    for page in pages_visible(definition, state):
        for spec in fields_visible(page, state):
            name = spec["name"]
            if name in state["prefill"]:
                entry = dict(state["prefill"][name])
                if name in state["corrections"]:
                    entry["correction"] = state["corrections"][name]
                out[name] = entry
                continue
            value = state["answers"].get(name)
            if spec["type"] == "file" and value:
                documents.extend(value)
            out[name] = {"value": value, "source": {"declared": True}}
    return out, documents


def missing_answers(draft: Draft) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(page, field) of required visible questions without an answer, in order."""
    state = draft.state_get()
    out = []
    for page in pages_visible(draft.version.definition, state):
        for spec in fields_visible(page, state):
            name = spec["name"]
            known = name in state["prefill"] or state["answers"].get(name) not in (None, "", [])
            if spec.get("required") and not known:
                out.append((page, spec))
    return out


def draft_submit(*, draft: Draft, user: Any, idempotency_key: str) -> Submission:
    """Submit once: the same key returns the same submission (and its one case)."""
    found = selectors.submission_by_key(idempotency_key) if idempotency_key else None
    if found is not None:
        return found
    if not idempotency_key or idempotency_key != draft.idempotency_key:
        raise Conflict(
            _("This page is out of date: check your answers again, then send them."),
            field="idempotency_key",
        )
    if missing_answers(draft):
        raise DomainError(_("Answer every question before you send the form."), field="answers")
    try:
        return _submit(draft=draft, user=user, key=idempotency_key)
    except IntegrityError:  # the same key, sent twice at once: the first one won
        found = selectors.submission_by_key(idempotency_key)
        if found is None:
            raise
        return found


@transaction.atomic
def _submit(*, draft: Draft, user: Any, key: str) -> Submission:
    locked = Draft.objects.select_for_update().filter(pk=draft.pk).first()
    if locked is None or locked.submitted_at is not None:
        found = selectors.submission_by_key(key)
        if found is None:
            raise Conflict(_("This application was already sent."), field="idempotency_key")
        return found
    answers, documents = answers_with_sources(draft)
    submission = Submission.objects.create(
        version=draft.version,
        person_id=draft.person_id if draft.business_id is None else None,
        business_id=draft.business_id,
        submitted_by=user,
        answers=json.dumps(answers, sort_keys=True, default=str),
        document_ids=documents,
        idempotency_key=key,
        submitted_at=clock.now(),
    )
    case = _case_open(submission=submission, draft=draft, user=user, answers=answers)
    submission.case_id = case.pk
    submission.case_reference = case.reference
    submission.save(update_fields=["case_id", "case_reference"])
    locked.submitted_at = submission.submitted_at
    locked.save(update_fields=["submitted_at"])
    log.info("application submitted", extra={"submission_id": str(submission.pk)})
    return submission


def _case_open(*, submission: Submission, draft: Draft, user: Any, answers: dict[str, Any]) -> Any:
    from govdoor.cases.services import case_open  # the cases domain, through its service

    service = draft.form.service
    return case_open(
        service=service,
        applicant=draft.person if draft.business_id is None else None,
        business=draft.business,
        opened_by=user,
        source="application",
        source_ref=str(submission.pk),
        title=service.name,
        answers=answers,
        document_ids=list(submission.document_ids),
    )
