"""The installable web app: its manifest, its icons and its service worker (web push).

Why served by views and not as static files: the service worker must live at the site's
root to control "/" (the app starts at /my/), the manifest names the country, and the icons
are drawn here from the brand colour, so no binary files need to be kept in the repository.
Everything is same-origin, so the strict Content-Security-Policy needs no exception.
"""

from __future__ import annotations

import io
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

THEME = "#0e2a3b"  # the portal's <meta name="theme-color">
BACKGROUND = "#ffffff"
ICON_SIZES = (192, 512)


def manifest_document() -> dict[str, object]:
    country = str(getattr(settings, "GOVDOOR_COUNTRY_NAME", ""))
    icons: list[dict[str, str]] = []
    for size in ICON_SIZES:
        for purpose in ("any", "maskable"):
            icons.append(
                {
                    "src": reverse("messaging:icon", kwargs={"size": size, "purpose": purpose}),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                    "purpose": purpose,
                }
            )
    return {
        "id": "/my/",
        "name": f"govdoor · {country}" if country else "govdoor",
        "short_name": "govdoor",
        "description": _("One door to government: your messages, deadlines and services."),
        "lang": get_language() or settings.LANGUAGE_CODE,
        "start_url": "/my/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME,
        "background_color": BACKGROUND,
        "icons": icons,
    }


@require_safe
def manifest(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        json.dumps(manifest_document(), ensure_ascii=False, indent=1),
        content_type="application/manifest+json",
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, at the root so its scope is the whole portal."""
    path = finders.find("messaging/sw.js")
    if not path:
        raise Http404
    with open(path, "rb") as handle:  # noqa: PTH123
        response = HttpResponse(handle.read(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"  # browsers look for updates on every visit
    response["Service-Worker-Allowed"] = "/"
    return response


@lru_cache(maxsize=8)
def icon_png(size: int, purpose: str) -> bytes:
    """A door on the brand colour; "maskable" keeps the door inside the central safe zone."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (size, size), THEME)
    draw = ImageDraw.Draw(image)
    scale = 0.6 if purpose == "maskable" else 0.8  # maskable: the outer 10% may be cut off
    width, height = size * scale * 0.42, size * scale * 0.78
    left, top = (size - width) / 2, (size - height) / 2
    line = max(2, round(size / 32))
    draw.rounded_rectangle(
        (left, top, left + width, top + height),
        radius=width / 2,
        outline=BACKGROUND,
        width=line,
    )
    knob = max(2, round(size / 40))
    cx, cy = left + width * 0.72, top + height * 0.55
    draw.ellipse((cx - knob, cy - knob, cx + knob, cy + knob), fill=BACKGROUND)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@require_safe
def icon(request: HttpRequest, size: int, purpose: str) -> HttpResponse:
    if size not in ICON_SIZES or purpose not in ("any", "maskable"):
        raise Http404
    response = HttpResponse(icon_png(size, purpose), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response
