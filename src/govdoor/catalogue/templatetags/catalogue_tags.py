"""`{{ organisation.logo|logo_url }}`: a logo is a static path or a full URL."""

from __future__ import annotations

from django import template

from govdoor.catalogue.api.serializers import logo_url as _logo_url

register = template.Library()


@register.filter
def logo_url(path: str) -> str:
    return _logo_url(path or "")
