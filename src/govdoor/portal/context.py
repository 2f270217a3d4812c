"""Template context shared by the portal and the back office."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def govdoor(request: HttpRequest) -> dict[str, Any]:
    return {
        "country_name": settings.GOVDOOR_COUNTRY_NAME,
        "acting_for": getattr(request, "acting_for", None),
        "demo_mode": settings.GOVDOOR_MODE == "demo",
    }
