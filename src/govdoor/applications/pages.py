"""What the portal's form pages show: one entry per question, with its source or its note."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from govdoor.applications import definition as defs
from govdoor.applications.answers import display, raw_from_value
from govdoor.applications.filling import fields_visible, pages_visible
from govdoor.applications.models import Draft


def source_text(source: dict[str, Any]) -> str:
    """ "From the Population register, last changed 1 March 2026"."""
    name = source.get("register_name") or source.get("register", "")
    try:
        changed = date_format(dt.datetime.fromisoformat(source["changed_at"]).date(), "j F Y")
    except (KeyError, TypeError, ValueError):
        return _("From the %(register)s") % {"register": name}
    return _("From the %(register)s, last changed %(date)s") % {"register": name, "date": changed}


def question(
    spec: dict[str, Any],
    state: dict[str, Any],
    *,
    raw: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    name = spec["name"]
    item: dict[str, Any] = {
        "spec": spec,
        "name": name,
        "type": spec["type"],
        "label": defs.text(spec["label"]),
        "hint": defs.text(spec.get("hint")),
        "required": bool(spec.get("required")),
        "error": (errors or {}).get(name, ""),
        "options": [
            {"value": o["value"], "label": defs.text(o["label"])} for o in spec.get("options", [])
        ],
    }
    prefilled = state["prefill"].get(name)
    if prefilled is not None:
        item["prefilled"] = {
            "display": display(spec, prefilled["value"]),
            "source": source_text(prefilled["source"]),
        }
        correction = state["corrections"].get(name)
        if correction:
            item["correction"] = {"display": display(spec, correction["proposed"])}
        return item
    item["refused"] = state["refused"].get(name, "")
    if raw is not None and name in raw:
        item["raw"] = raw[name]
    else:
        item["raw"] = raw_from_value(spec, state["answers"].get(name))
    if spec["type"] == "file":
        item["files"] = state["answers"].get(name) or []
    return item


def page_url(draft: Draft, page: dict[str, Any]) -> str:
    return reverse("applications:page", args=[draft.pk, page["name"]])


def page_after(draft: Draft, current: str, state: dict[str, Any]) -> str:
    """The next visible page, or the review page after the last one."""
    visible = pages_visible(draft.version.definition, state)
    names = [p["name"] for p in visible]
    if current in names and names.index(current) + 1 < len(names):
        return page_url(draft, visible[names.index(current) + 1])
    return reverse("applications:review", args=[draft.pk])


def page_before(draft: Draft, current: str, state: dict[str, Any]) -> str | None:
    visible = pages_visible(draft.version.definition, state)
    names = [p["name"] for p in visible]
    if current in names and names.index(current) > 0:
        return page_url(draft, visible[names.index(current) - 1])
    return reverse("applications:start", args=[draft.form.service.code])


def review_rows(draft: Draft) -> list[dict[str, Any]]:
    """The "check your answers" summary: a section per page, a row per question."""
    state = draft.state_get()
    sections = []
    for page in pages_visible(draft.version.definition, state):
        rows = []
        for spec in fields_visible(page, state):
            name = spec["name"]
            prefilled = state["prefill"].get(name)
            row: dict[str, Any] = {"name": name, "label": defs.text(spec["label"])}
            if prefilled is not None:
                row["value"] = display(spec, prefilled["value"])
                row["source"] = source_text(prefilled["source"])
                correction = state["corrections"].get(name)
                if correction:
                    row["correction"] = display(spec, correction["proposed"])
                row["change_url"] = reverse("applications:correct", args=[draft.pk, name])
                row["change_label"] = _("Report wrong")
            else:
                row["value"] = display(spec, state["answers"].get(name))
                row["change_url"] = page_url(draft, page) + f"?change=1#field-{name}"
                row["change_label"] = _("Change")
            rows.append(row)
        sections.append({"title": defs.text(page["title"]), "rows": rows})
    return sections
