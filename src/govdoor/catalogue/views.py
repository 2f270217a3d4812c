"""Portal pages of the catalogue: browse by life event and topic, a service, a guide, search.

Every page that names an authority resolves it for the person's own municipality (their
current address when signed in, or the one they pick), so a municipal service shows that
municipality's name and logo.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from govdoor.catalogue import selectors, services
from govdoor.catalogue.models import Service
from govdoor.core.errors import NotFound
from govdoor.identity.decorators import person_required
from govdoor.organisations.selectors import area_get_by_code, areas_list


def _person(request: HttpRequest) -> Any:
    user = request.user
    return getattr(user, "person", None) if user.is_authenticated else None


def _area(request: HttpRequest) -> tuple[Any, bool]:
    """The area pages route to, and whether it is the signed-in person's own address."""
    code = request.GET.get("area", "").strip()
    if code:
        try:
            return area_get_by_code(code), False
        except NotFound:
            return None, False
    own = selectors.person_municipality(_person(request))
    return own, own is not None


def _area_context(request: HttpRequest) -> dict[str, Any]:
    area, own = _area(request)
    return {
        "area": area,
        "own_area": own,
        "municipalities": list(areas_list(kind="municipality")),
    }


def _collapse(services_: Iterable[Service]) -> list[Service]:
    """One entry per kind: the municipality's own variants are routed on the service page."""
    seen: set[str] = set()
    out: list[Service] = []
    for service in services_:
        key = service.kind or f"code:{service.code}"
        if key not in seen:
            seen.add(key)
            out.append(service)
    return out


@require_GET
def services_home(request: HttpRequest) -> HttpResponse:
    topic_code = request.GET.get("topic", "").strip()
    topics = list(selectors.topics_list())
    topic = next((t for t in topics if t.code == topic_code), None)
    listed = _collapse(selectors.services_list(topic=topic.code)) if topic else []
    context = {
        "life_events": selectors.life_events_list(),
        "topics": topics,
        "topic": topic,
        "services": listed,
    }
    return render(request, "catalogue/home.html", context)


@require_GET
def life_event_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        event = selectors.life_event_get(code)
    except NotFound:
        raise Http404 from None
    context = {
        "life_event": event,
        "services": _collapse(selectors.services_list(life_event=event.code)),
        "guides": selectors.guides_list(life_event=event),
    }
    return render(request, "catalogue/life_event.html", context)


@require_GET
def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        service = selectors.service_get(code)
    except NotFound:
        raise Http404 from None
    channels = dict(Service.Channel.choices)
    context = {
        "service": service,
        "channel_labels": [channels[c] for c in service.channels if c in channels],
        **_area_context(request),
    }
    if context["area"] is not None:
        resolved = selectors.service_competent_authority(service=service, area=context["area"])
        context["resolved"] = resolved is not None
        if resolved is not None:
            context["local_service"], context["authority"] = resolved
    return render(request, "catalogue/service.html", context)


@require_GET
def guide_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        guide = selectors.guide_get(code)
    except NotFound:
        raise Http404 from None
    person = _person(request)
    done = selectors.guide_steps_done(guide=guide, person=person)
    context = _area_context(request)
    steps = []
    cache: dict[str, list[Any]] = {}  # competent organisations by level, for this area
    for step in guide.steps.all():
        resolved = (
            selectors.service_competent_authority(
                service=step.service, area=context["area"], cache=cache
            )
            if context["area"] is not None
            else None
        )
        service, authority = resolved if resolved else (step.service, None)
        steps.append({"step": step, "service": service, "authority": authority,
                      "done": step.pk in done})  # fmt: skip
    context.update(
        {
            "guide": guide,
            "steps": steps,
            "person": person,
            "done_count": sum(1 for s in steps if s["done"]),
        }
    )
    return render(request, "catalogue/guide.html", context)


@require_POST
@person_required()
def guide_step_tick(request: HttpRequest, code: str, step_id: str) -> HttpResponse:
    try:
        guide = selectors.guide_get(code)
        step = selectors.guide_step_get(guide=guide, step_id=step_id)
    except NotFound:
        raise Http404 from None
    services.guide_step_tick(
        person=_person(request), step=step, done=request.POST.get("done") == "1"
    )
    return HttpResponseRedirect(reverse("catalogue:guide", args=[guide.code]) + f"#step-{step.pk}")


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    context = {"q": q, **_area_context(request)}
    context["hits"] = selectors.service_search(q=q, area=context["area"]) if q else []
    return render(request, "catalogue/search.html", context)
