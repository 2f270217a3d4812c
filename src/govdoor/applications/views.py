"""Portal pages for applying online: start, one page per question page, correct a register
value, what changed in the form, check your answers, send, confirmation.

Views only translate; `filling` decides. Every page needs the signed-in person at the
service's level of assurance (a lower sign-in is stepped up and comes back), and works on the
draft of whom the person acts for: anyone else's draft or application answers 404.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from govdoor.applications import definition as defs
from govdoor.applications import filling, selectors
from govdoor.applications.answers import field_parse, page_parse
from govdoor.applications.models import Draft
from govdoor.applications.pages import page_after, page_before, question, review_rows
from govdoor.catalogue.selectors import service_get
from govdoor.core.errors import DomainError, NotFound
from govdoor.identity.decorators import session_loa
from govdoor.identity.selectors import mandate_covers

UPLOAD_PURPOSE = "application"


def _sign_in(request: HttpRequest, loa: int) -> HttpResponse | None:
    signed_in = request.user.is_authenticated and getattr(request.user, "person_id", None)
    if signed_in and session_loa(request) >= loa:
        return None
    query = urlencode({"next": request.get_full_path(), "loa": int(loa)})
    return HttpResponseRedirect(f"{reverse('identity:sign-in')}?{query}")


def _subject(request: HttpRequest, service: Any) -> selectors.Subject:
    acting = getattr(request, "acting_for", None)
    if acting is not None and not mandate_covers(acting.mandate, service.code):
        raise Http404
    subject = selectors.subject_of(request.user, acting)
    if subject is None:
        raise Http404
    return subject


def _draft(request: HttpRequest, draft_id: Any) -> tuple[Draft | None, HttpResponse | None]:
    """The draft (followed to the newest version) or the response to send instead."""
    if not request.user.is_authenticated:
        return None, _sign_in(request, 1)
    acting = getattr(request, "acting_for", None)
    try:
        draft = selectors.draft_of(
            draft_id=draft_id, subject=selectors.subject_of(request.user, acting)
        )
    except NotFound:
        raise Http404 from None
    service = draft.form.service
    redirect = _sign_in(request, service.loa)
    if redirect is not None:
        return None, redirect
    _subject(request, service)  # the mandate still covers this service
    filling.draft_follow_version(draft=draft)
    if draft.state_get()["changes"] and request.resolver_match.url_name != "changes":  # type: ignore[union-attr]
        return None, HttpResponseRedirect(reverse("applications:changes", args=[draft.pk]))
    return draft, None


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, code: str) -> HttpResponse:
    try:
        service = service_get(code)
    except NotFound:
        raise Http404 from None
    form = selectors.form_of_service(service)
    version = selectors.version_published(form) if form else None
    if version is None:
        raise Http404
    redirect = _sign_in(request, service.loa)
    if redirect is not None:
        return redirect
    subject = _subject(request, service)
    if request.method == "POST":
        draft = filling.draft_start(service=service, user=request.user, subject=subject)
        first = filling.pages_visible(draft.version.definition, draft.state_get())[0]
        return HttpResponseRedirect(reverse("applications:page", args=[draft.pk, first["name"]]))
    context = {
        "service": service,
        "form_title": defs.text(version.definition.get("title")) or service.name,
        "draft": selectors.draft_open(form=version.form, subject=subject),
        "prefill_count": sum(1 for _p, f in defs.fields(version.definition) if "prefill" in f),
    }
    return render(request, "applications/start.html", context)


def _uploads(
    request: HttpRequest, draft: Draft, page: dict[str, Any], state: dict[str, Any]
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Store the files sent with this page; document ids per field, and errors."""
    from govdoor.documents.services import document_upload

    held: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    owner = draft.person_id if draft.business_id is None else request.user.person_id  # type: ignore[union-attr]
    assert owner is not None
    for spec in page["fields"]:
        if spec["type"] != "file":
            continue
        name = spec["name"]
        held[name] = list(state["answers"].get(name) or [])
        if request.POST.get(f"{name}-remove"):
            held[name] = []
        upload = request.FILES.get(name)
        if upload is None:
            continue
        try:
            document = document_upload(
                owner_person_id=owner,
                uploaded_by=request.user,  # type: ignore[arg-type]
                filename=upload.name or "upload",
                content=upload,
                purpose=UPLOAD_PURPOSE,
            )
        except DomainError as exc:
            errors[name] = exc.detail
            continue
        held[name] = [*held[name], str(document.pk)]
    return held, errors


@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, draft_id: str, page_name: str) -> HttpResponse:
    draft, response = _draft(request, draft_id)
    if response is not None:
        return response
    assert draft is not None
    state = draft.state_get()
    visible = filling.pages_visible(draft.version.definition, state)
    current = next((p for p in visible if p["name"] == page_name), None)
    if current is None:
        raise Http404
    raw: dict[str, Any] | None = None
    errors: dict[str, str] = {}
    if request.method == "POST":
        held, errors = _uploads(request, draft, current, state)
        merged = filling.answers_merged(state)
        parsed = page_parse(
            current, request.POST, answers=merged, skip=set(state["prefill"]), files=held
        )
        for name, value in held.items():  # uploads are kept even when another field fails
            if value:
                parsed.values.setdefault(name, value)
        errors = {**parsed.errors, **errors}
        filling.draft_page_save(
            draft=draft, values={k: v for k, v in parsed.values.items() if k not in errors}
        )
        if not errors:
            if request.POST.get("action") == "save":
                messages.success(request, _("Your answers are saved. Come back to finish."))
                return HttpResponseRedirect(
                    reverse("applications:start", args=[draft.form.service.code])
                )
            if request.GET.get("change"):
                return HttpResponseRedirect(reverse("applications:review", args=[draft.pk]))
            return HttpResponseRedirect(page_after(draft, page_name, draft.state_get()))
        raw, state = parsed.raw, draft.state_get()
    questions = [
        question(spec, state, raw=raw, errors=errors)
        for spec in filling.fields_visible(current, state)
    ]
    context = {
        "draft": draft,
        "service": draft.form.service,
        "page": current,
        "page_title": defs.text(current["title"]),
        "questions": questions,
        "errors": [q for q in questions if q["error"]],
        "back_url": page_before(draft, page_name, state),
        "multipart": any(q["type"] == "file" for q in questions),
        "step": [p["name"] for p in visible].index(page_name) + 1,
        "steps": len(visible),
    }
    return render(request, "applications/page.html", context)


@require_http_methods(["GET", "POST"])
def changes(request: HttpRequest, draft_id: str) -> HttpResponse:
    draft, response = _draft(request, draft_id)
    if response is not None:
        return response
    assert draft is not None
    state = draft.state_get()
    if request.method == "POST" or not state["changes"]:
        filling.draft_changes_seen(draft=draft)
        return HttpResponseRedirect(reverse("applications:review", args=[draft.pk]))
    context = {"draft": draft, "service": draft.form.service, "changes": state["changes"]}
    return render(request, "applications/changes.html", context)


@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest, draft_id: str, field_name: str) -> HttpResponse:
    draft, response = _draft(request, draft_id)
    if response is not None:
        return response
    assert draft is not None
    state = draft.state_get()
    spec = defs.field_map(draft.version.definition).get(field_name)
    if spec is None or field_name not in state["prefill"]:
        raise Http404
    error: str | None = ""
    explanation = ""
    item = question(spec, state)
    raw: Any = item.get("raw", "")
    if request.method == "POST":
        raw = _correction_raw(spec, request.POST)
        explanation = request.POST.get("explanation", "").strip()[:2000]
        value, error = field_parse(spec, raw) if raw else (None, _("Enter the correct value"))
        if not error:
            try:
                filling.draft_correction_request(
                    draft=draft,
                    field_name=field_name,
                    proposed=value,
                    explanation=explanation,
                    user=request.user,
                )
            except DomainError as exc:
                error = exc.detail
            else:
                messages.success(
                    request,
                    _("We have asked the register keeper to correct this. Your application "
                      "keeps the register's value with your correction beside it."),
                )  # fmt: skip
                return HttpResponseRedirect(_after_correction(request, draft, field_name))
    item.update({"error": error, "raw": raw})
    context = {"draft": draft, "service": draft.form.service, "q": item, "explanation": explanation}
    return render(request, "applications/correct.html", context)


def _after_correction(request: HttpRequest, draft: Draft, field_name: str) -> str:
    """Back to the question page it came from (`?from=page`), else to the review."""
    if request.GET.get("from") == "page":
        for page_spec, spec in defs.fields(draft.version.definition):
            if spec["name"] == field_name:
                return reverse("applications:page", args=[draft.pk, page_spec["name"]])
    return reverse("applications:review", args=[draft.pk])


def _correction_raw(spec: dict[str, Any], data: Any) -> Any:
    name = spec["name"]
    if spec["type"] == "date":
        parts = {p: data.get(f"{name}-{p}", "").strip() for p in ("day", "month", "year")}
        return parts if any(parts.values()) else ""
    return str(data.get(name, "")).strip()


@require_http_methods(["GET"])
def review(request: HttpRequest, draft_id: str) -> HttpResponse:
    draft, response = _draft(request, draft_id)
    if response is not None:
        return response
    assert draft is not None
    missing = filling.missing_answers(draft)
    context = {
        "draft": draft,
        "service": draft.form.service,
        "sections": review_rows(draft),
        "missing": [
            {
                "label": defs.text(f["label"]),
                "url": reverse("applications:page", args=[draft.pk, p["name"]])
                + f"#field-{f['name']}",
            }
            for p, f in missing
        ],  # fmt: skip
        "token": filling.review_token(draft=draft) if not missing else "",
    }
    return render(request, "applications/review.html", context)


@require_POST
def submit(request: HttpRequest, draft_id: str) -> HttpResponse:
    key = request.POST.get("idempotency_key", "")
    acting = getattr(request, "acting_for", None)
    subject = selectors.subject_of(request.user, acting) if request.user.is_authenticated else None
    done = selectors.submission_by_key(key) if key else None
    if done is not None:  # a double click or a retry: the one application already sent
        try:
            selectors.submission_of(submission_id=done.pk, subject=subject)
        except NotFound:
            raise Http404 from None
        return HttpResponseRedirect(reverse("applications:confirmation", args=[done.pk]))
    draft, response = _draft(request, draft_id)
    if response is not None:
        return response
    assert draft is not None
    try:
        submission = filling.draft_submit(draft=draft, user=request.user, idempotency_key=key)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return HttpResponseRedirect(reverse("applications:review", args=[draft.pk]))
    return HttpResponseRedirect(reverse("applications:confirmation", args=[submission.pk]))


def confirmation(request: HttpRequest, submission_id: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return _sign_in(request, 1) or HttpResponseRedirect("/")
    acting = getattr(request, "acting_for", None)
    try:
        submission = selectors.submission_of(
            submission_id=submission_id, subject=selectors.subject_of(request.user, acting)
        )
    except NotFound:
        raise Http404 from None
    context = {"submission": submission, "service": submission.version.form.service}
    return render(request, "applications/confirmation.html", context)
