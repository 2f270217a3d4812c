"""Back-office pages: a service owner lists their services' forms, edits the draft JSON
(errors shown GOV.UK style, each naming its path), previews it and publishes a new version.

Why 404 for a service of another organisation: its forms and drafts are not public, and a
service owner has no business learning what another organisation is preparing.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govdoor.applications import definition as defs
from govdoor.applications import selectors, services
from govdoor.applications.models import FormVersion
from govdoor.backoffice.context import current_organisation, render_backoffice
from govdoor.catalogue.selectors import service_get, services_of_organisations
from govdoor.core.errors import DomainError, NotFound
from govdoor.identity.decorators import staff_required
from govdoor.organisations.selectors import user_has_role

PAGE_SIZE = 25
STARTER: dict[str, Any] = {
    "title": {"en": "Apply", "fr": "Faire une demande"},
    "pages": [
        {
            "name": "about_you",
            "title": {"en": "About you", "fr": "Vous concernant"},
            "fields": [
                {
                    "name": "email",
                    "type": "email",
                    "label": {"en": "Email address", "fr": "Adresse électronique"},
                    "required": True,
                }
            ],
        }
    ],
}


def _owner_of_current(request: HttpRequest) -> Any:
    organisation = current_organisation(request)
    if organisation is None or not user_has_role(
        request.user, organisation, services.SERVICE_OWNER
    ):
        return None
    return organisation


def _service(request: HttpRequest, code: str) -> Any:
    organisation = _owner_of_current(request)
    try:
        service = service_get(code, published_only=False)
    except NotFound:
        raise Http404 from None
    if organisation is None or service.owner_id != organisation.pk:
        raise Http404
    return service


@require_GET
@staff_required
def form_list(request: HttpRequest) -> HttpResponse:
    organisation = _owner_of_current(request)
    rows: list[dict[str, Any]] = []
    page = None
    if organisation is not None:
        page = Paginator(services_of_organisations([organisation.pk]), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        forms = {
            f.service_id: f
            for f in selectors.forms_of_organisations([organisation.pk]).filter(
                service__in=list(page.object_list)
            )
        }
        versions: dict[Any, list[FormVersion]] = {}
        for version in FormVersion.objects.filter(form__in=list(forms.values())).order_by(
            "-number"
        ):
            versions.setdefault(version.form_id, []).append(version)
        for service in page.object_list:
            form = forms.get(service.pk)
            held = versions.get(form.pk, []) if form else []
            rows.append(
                {
                    "service": service,
                    "published": next((v for v in held if v.status == "published"), None),
                    "draft": next((v for v in held if v.status == "draft"), None),
                }
            )
    context = {"organisation": organisation, "rows": rows, "page": page}
    return render_backoffice(request, "applications/backoffice/list.html", context)


def _editor_context(service: Any, text: str, errors: list[Any]) -> dict[str, Any]:
    form = selectors.form_of_service(service)
    return {
        "service": service,
        "text": text,
        "definition_errors": errors,
        "draft": selectors.version_draft(form) if form else None,
        "published": selectors.version_published(form) if form else None,
        "versions": list(selectors.versions_of(form)[:20]) if form else [],
    }


def _current_text(service: Any) -> str:
    form = selectors.form_of_service(service)
    version = None
    if form is not None:
        version = selectors.version_draft(form) or selectors.version_published(form)
    definition = version.definition if version else STARTER
    return json.dumps(definition, indent=2, ensure_ascii=False)


@require_http_methods(["GET", "POST"])
@staff_required
def form_edit(request: HttpRequest, code: str) -> HttpResponse:
    service = _service(request, code)
    if request.method == "GET":
        context = _editor_context(service, _current_text(service), [])
        return render_backoffice(request, "applications/backoffice/edit.html", context)
    text = request.POST.get("definition", "")
    errors: list[Any] = []
    try:
        definition = json.loads(text)
    except json.JSONDecodeError as exc:
        errors = [
            defs.DefinitionError(
                "", _("This is not valid JSON (line %(l)s, column %(c)s): %(m)s")
                % {"l": exc.lineno, "c": exc.colno, "m": exc.msg},
            )
        ]  # fmt: skip
    if not errors:
        try:
            services.form_draft_save(service=service, definition=definition, user=request.user)
        except services.DefinitionInvalid as exc:
            errors = exc.errors
        except DomainError as exc:
            errors = [defs.DefinitionError(exc.field or "", exc.detail)]
    if errors:
        context = _editor_context(service, text, errors)
        return render_backoffice(request, "applications/backoffice/edit.html", context, status=400)
    messages.success(request, _("The draft is saved. Preview it, then publish it."))
    return HttpResponseRedirect(reverse("applications:bo-form", args=[service.code]))


@require_GET
@staff_required
def form_preview(request: HttpRequest, code: str) -> HttpResponse:
    service = _service(request, code)
    form = selectors.form_of_service(service)
    version = (selectors.version_draft(form) or selectors.version_published(form)) if form else None
    if version is None:
        raise Http404
    pages = [
        {
            "title": defs.text(p["title"]),
            "condition": p.get("condition"),
            "fields": [
                {
                    **f,
                    "label_text": defs.text(f["label"]),
                    "hint_text": defs.text(f.get("hint")),
                    "option_labels": [defs.text(o["label"]) for o in f.get("options", [])],
                }
                for f in p["fields"]
            ],
        }
        for p in defs.pages(version.definition)
    ]
    context = {"service": service, "version": version, "pages": pages}
    return render_backoffice(request, "applications/backoffice/preview.html", context)


@require_POST
@staff_required
def form_publish(request: HttpRequest, code: str) -> HttpResponse:
    service = _service(request, code)
    try:
        version = services.form_publish(service=service, user=request.user)
    except services.DefinitionInvalid as exc:
        context = _editor_context(service, _current_text(service), exc.errors)
        return render_backoffice(request, "applications/backoffice/edit.html", context, status=400)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return HttpResponseRedirect(reverse("applications:bo-form", args=[service.code]))
    messages.success(
        request, _("Version %(n)s is published: people now fill it in.") % {"n": version.number}
    )
    return HttpResponseRedirect(reverse("applications:bo-form", args=[service.code]))
