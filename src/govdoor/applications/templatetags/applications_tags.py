"""`{% load applications_tags %}{% apply_online service %}`: the "Apply online" start button
when the service has a published form (nothing otherwise). For the catalogue's service page."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from govdoor.applications.selectors import service_has_published_form

register = template.Library()


@register.inclusion_tag("applications/includes/apply_online.html")
def apply_online(service: Any) -> dict[str, Any]:
    if service is None or not service_has_published_form(service):
        return {"url": None}
    return {"url": reverse("applications:start", args=[service.code]), "service": service}
