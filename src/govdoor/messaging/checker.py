"""The public page "Is this message really from government?" and the published keys.

Why a floor on the response time and the same queries for every input: a guessed code must
learn nothing from how long the answer took. Why a rate limit per client address: codes
are unguessable, and the limit keeps them so.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from govdoor.messaging import authenticity
from govdoor.messaging.forms import CheckForm
from govdoor.messaging.selectors import code_check


def _rate(spec: str) -> tuple[int, int]:
    count, _sep, period = spec.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[(period or "m")[0]]
    return int(count), seconds


def _limited(request: HttpRequest) -> bool:
    limit, window = _rate(settings.GOVDOOR_CHECKER_RATE)
    client = request.META.get("REMOTE_ADDR", "unknown")
    key = f"checker:{client}:{int(time.time() // window)}"
    cache.add(key, 0, window)
    try:
        return cache.incr(key) > limit
    except ValueError:
        return False


@require_http_methods(["GET", "POST"])
def check_message(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "messaging/check.html", {"form": CheckForm()})
    if _limited(request):
        response = render(
            request, "messaging/check.html", {"form": CheckForm(), "limited": True}, status=429
        )
        response["Retry-After"] = "60"
        return response
    started = time.monotonic()
    form = CheckForm(request.POST)
    result = code_check(form.data.get("code", "") if form.is_valid() else "")
    floor = float(settings.GOVDOOR_CHECKER_MIN_SECONDS)
    remaining = floor - (time.monotonic() - started)
    if remaining > 0:
        time.sleep(remaining)
    return render(
        request, "messaging/check.html", {"form": form, "checked": True, "result": result}
    )


@cache_control(public=True, max_age=3600)
def published_keys(request: HttpRequest) -> JsonResponse:
    return JsonResponse(authenticity.published_keys())
