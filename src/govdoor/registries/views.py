"""Back-office pages for register keepers: registers, correction tasks, file imports."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govdoor.core.errors import DomainError
from govdoor.identity.decorators import person_required, staff_required
from govdoor.registries import selectors, services
from govdoor.registries.adapters.files import coerce
from govdoor.registries.api.caller import caller_from
from govdoor.registries.imports import register_import
from govdoor.registries.schema import SchemaViolation

MAX_UPLOAD = 20 * 1024 * 1024


@staff_required
def register_list(request: HttpRequest) -> HttpResponse:
    caller = caller_from(request)
    registers = [(r, caller.keeps(r)) for r in selectors.registers_list()]
    return render(request, "registries/list.html", {"registers": registers})


@staff_required
def register_detail(request: HttpRequest, code: str, version: str) -> HttpResponse:
    try:
        register = selectors.register_get(code=code, version=version)
    except DomainError:
        return render(request, "registries/list.html", {"registers": []}, status=404)
    caller = caller_from(request)
    keeps = caller.keeps(register)
    context = {
        "register": register,
        "keeps": keeps,
        "count": selectors.records_search(register=register).count(),
        "corrections": list(selectors.corrections_open(register=register)) if keeps else [],
        "run": None,
    }
    if request.method == "POST" and keeps:
        upload = request.FILES.get("file")
        if upload is None or (upload.size or 0) > MAX_UPLOAD:
            messages.error(request, _("Choose a CSV or XLSX file of at most 20 MB."))
        else:
            try:
                context["run"] = register_import(
                    register=register,
                    filename=upload.name or "upload.csv",
                    stream=upload,
                    actor=caller,
                    dry_run=request.POST.get("mode") != "apply",
                    partial=request.POST.get("partial") == "on",
                )
            except DomainError as exc:
                messages.error(request, exc.detail)
    return render(request, "registries/detail.html", context)


@staff_required
@require_POST
def correction_decide(
    request: HttpRequest, code: str, version: str, correction_id: str
) -> HttpResponse:
    register = selectors.register_get(code=code, version=version)
    try:
        correction = selectors.correction_get(register=register, correction_id=correction_id)
        services.correction_request_decide(
            correction=correction,
            accept=request.POST.get("decision") == "accept",
            actor=caller_from(request),
            decided_by=request.user,
            note=request.POST.get("note", "")[:500],
        )
        messages.success(request, _("The correction request was decided."))
    except DomainError as exc:
        messages.error(request, exc.detail)
    return HttpResponseRedirect(reverse("registries:detail", args=[code, version]))


# --- the person's side: which registers hold data about me, and asking for a correction ---


@person_required()
def my_registers(request: HttpRequest) -> HttpResponse:
    """Which registers hold a record about me; values stay with the keeper (no disclosure)."""
    person_id = getattr(request.user, "person_id", None)
    records = list(selectors.records_about(person_id=person_id))
    return render(request, "registries/my_registers.html", {"records": records})


@person_required()
def my_correction(request: HttpRequest, record_id: str) -> HttpResponse:
    person_id = str(getattr(request.user, "person_id", "") or "")
    record = selectors.records_about(person_id=person_id).filter(pk=record_id).first()
    if record is None:
        raise Http404
    register = record.register
    error = None
    if request.method == "POST":
        field = request.POST.get("field", "")
        kind = register.json_schema.get("properties", {}).get(field, {}).get("type")
        value = coerce(request.POST.get("value", ""), kind)
        try:
            if field not in register.field_names or value is None:
                raise DomainError(_("Choose a field and give the correct value."), field="field")
            services.correction_request_create(
                record=record,
                user=request.user,
                proposed={field: value},
                explanation=request.POST.get("explanation", "")[:2000],
            )
        except DomainError as exc:
            error = exc.detail
            if isinstance(exc, SchemaViolation):
                error = "; ".join(e["detail"] for e in exc.errors)
        else:
            messages.success(request, _("Your request was sent to the keeper of the register."))
            return HttpResponseRedirect(reverse("registries:my-registers"))
    return render(
        request,
        "registries/my_correction.html",
        {"record": record, "register": register, "error": error},
    )
