"""Reading the catalogue: lists, competence ("who handles this for me?") and search.

Competence: a service says which level of government handles a case (`competent_level`).
For a person's area, the competent organisation is the one at that level whose jurisdiction
covers the area (organisations.competent_organisations). When many organisations offer the
same kind of service (each municipality its own parking permit), the person is routed to
the variant owned by their competent organisation: visible as that municipality's service,
with its name and logo, not absorbed into a national one.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from govdoor.catalogue import text
from govdoor.catalogue.models import (
    Guide,
    GuideProgress,
    GuideStep,
    LifeEvent,
    SearchTerm,
    Service,
    Topic,
)
from govdoor.core.errors import NotFound
from govdoor.organisations.selectors import competent_organisations

PUBLISHED = Service.Status.PUBLISHED
MAX_RESULTS = 20
RELEVANCE_FLOOR = 4  # keep hits scoring at least 1/4 of the best


def _services() -> QuerySet[Service]:
    return Service.objects.select_related("owner").prefetch_related(
        Prefetch("life_events", queryset=LifeEvent.objects.order_by("position", "code")),
        Prefetch("topics", queryset=Topic.objects.order_by("code")),
    )


def services_list(
    *,
    life_event: str | None = None,
    topic: str | None = None,
    organisation: str | None = None,
    level: str | None = None,
    q: str | None = None,
    published_only: bool = True,
) -> QuerySet[Service]:
    """Services filtered by life event, topic, owning organisation (code), level and words."""
    queryset = _services()
    if published_only:
        queryset = queryset.filter(status=PUBLISHED)
    if life_event:
        queryset = queryset.filter(life_events__code=life_event)
    if topic:
        queryset = queryset.filter(topics__code=topic)
    if organisation:
        queryset = queryset.filter(owner__code=organisation)
    if level:
        queryset = queryset.filter(competent_level=level)
    if q:
        ids = [hit_id for hit_id, _score in _scores(text.terms(q), published_only).items()]
        queryset = queryset.filter(pk__in=ids)
    return queryset.order_by("name_en", "code")


def service_get(code: str, *, published_only: bool = True) -> Service:
    queryset = _services().filter(code=code)
    if published_only:
        queryset = queryset.filter(status=PUBLISHED)
    service = queryset.first()
    if service is None:
        raise NotFound(_("No service with this code."))
    return service


def services_of_organisations(organisation_ids: Iterable[Any]) -> QuerySet[Service]:
    """Every service (drafts too) of the given organisations: the back-office list."""
    return _services().filter(owner_id__in=list(organisation_ids)).order_by("name_en", "code")


def life_events_list() -> QuerySet[LifeEvent]:
    return LifeEvent.objects.order_by("position", "code")


def life_event_get(code: str) -> LifeEvent:
    event = LifeEvent.objects.filter(code=code).first()
    if event is None:
        raise NotFound(_("No life event with this code."))
    return event


def topics_list() -> QuerySet[Topic]:
    return Topic.objects.order_by("code")


# --- Competence -----------------------------------------------------------------------------


def service_competent_authority(
    *,
    service: Service,
    area: Any,
    candidates: Iterable[Service] = (),
    cache: dict[str, list[Any]] | None = None,
) -> tuple[Service, Any] | None:
    """The service variant and organisation that handle `service` for someone in `area`.

    None when no organisation at the service's level covers the area, or (for a kind of
    service) the competent organisation does not offer it. `candidates` (variants already
    loaded) and `cache` (competent organisations by level for this area) spare queries when
    many services are resolved for one area, as search does.
    """
    cache = {} if cache is None else cache
    level = service.competent_level
    if level not in cache:
        cache[level] = competent_organisations(area=area, level=level)
    organisations = cache[level]
    if any(o.pk == service.owner_id for o in organisations):
        return service, next(o for o in organisations if o.pk == service.owner_id)
    if not service.kind:
        return None
    for loaded in (True, False):
        if loaded:
            pool = [c for c in candidates if c.kind == service.kind and c.status == PUBLISHED]
        else:
            pool = list(
                _services().filter(kind=service.kind, owner__in=organisations, status=PUBLISHED)
            )
        variants: dict[Any, Service] = {}
        for variant in sorted(pool, key=lambda v: v.code):
            variants.setdefault(variant.owner_id, variant)
        for organisation in organisations:  # most local first
            if organisation.pk in variants:
                return variants[organisation.pk], organisation
    return None


def person_municipality(person: Any) -> Any:
    """The municipality (Area) of the person's current address, or None.

    Why read addresses here: identity has no selector for the current address yet; this
    is the one place the catalogue looks at it.
    """
    if person is None:
        return None
    address = (
        person.addresses.filter(valid_to__isnull=True)
        .select_related("municipality")
        .order_by("-valid_from")
        .first()
    )
    return address.municipality if address is not None else None


# --- Search ---------------------------------------------------------------------------------


def _scores(terms: list[str], published_only: bool = True) -> dict[uuid.UUID, int]:
    """Score each service: the sum over the question's terms of the best weight it has.

    An exact term counts double a prefix match ("regist" → "registration"). A service
    scoring under a quarter of the best one is left out: a passing mention of "permit" in
    the tax return's description must not answer "parking permit".
    """
    if not terms:
        return {}
    base = SearchTerm.objects.all()
    if published_only:
        base = base.filter(service__status=PUBLISHED)
    totals: dict[uuid.UUID, int] = defaultdict(int)
    for term in terms:
        condition = Q(term=term)
        if len(term) >= text.MIN_PREFIX:
            condition |= Q(term__startswith=term)
        best: dict[uuid.UUID, int] = defaultdict(int)
        for service_id, found, weight in base.filter(condition).values_list(
            "service_id", "term", "weight"
        ):
            best[service_id] = max(best[service_id], weight * 2 if found == term else weight)
        for service_id, value in best.items():
            totals[service_id] += value
    if not totals:
        return {}
    floor = max(totals.values()) / RELEVANCE_FLOOR
    return {sid: score for sid, score in totals.items() if score >= floor}


@dataclass
class SearchHit:
    service: Service
    score: int
    organisation: Any = None  # the competent organisation for the area, if known
    variants: int = 1  # how many organisations offer this kind of service
    terms: list[str] = field(default_factory=list)


def service_search(*, q: str, area: Any = None, limit: int = MAX_RESULTS) -> list[SearchHit]:
    """Published services matching `q`, best first, each routed to its competent authority.

    Services of one kind appear once: as the variant of the person's own municipality (or
    region) when `area` is known, else as the kind with `organisation` None and `variants`
    telling the page to ask where the person lives.
    """
    terms = text.terms(q)
    scores = _scores(terms)
    if not scores:
        return []
    services = {s.pk: s for s in _services().filter(pk__in=list(scores))}
    grouped: dict[str, list[Service]] = defaultdict(list)
    for service in services.values():
        grouped[service.kind or f"code:{service.code}"].append(service)
    kind_counts = dict(
        Service.objects.filter(status=PUBLISHED, kind__in=[k for k in grouped if k[:5] != "code:"])
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    hits: list[SearchHit] = []
    cache: dict[str, list[Any]] = {}
    for key, members in grouped.items():
        members.sort(key=lambda s: s.code)
        score = max(scores[s.pk] for s in members)
        hit = SearchHit(service=members[0], score=score, terms=terms)
        hit.variants = int(kind_counts.get(key, 1))
        if area is not None:
            resolved = service_competent_authority(
                service=members[0], area=area, candidates=members, cache=cache
            )
            if resolved is None:
                continue  # not offered where the person lives: the wrong door
            hit.service, hit.organisation = resolved
        elif hit.variants == 1:
            hit.organisation = members[0].owner
        hits.append(hit)
    hits.sort(key=lambda h: (-h.score, h.service.name_en, h.service.code))
    return hits[:limit]


# --- Guides ---------------------------------------------------------------------------------


def guides_list(*, life_event: LifeEvent | None = None) -> QuerySet[Guide]:
    queryset = Guide.objects.select_related("life_event").order_by("code")
    if life_event is not None:
        queryset = queryset.filter(life_event=life_event)
    return queryset


def guide_get(code: str) -> Guide:
    guide = (
        Guide.objects.filter(code=code)
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=GuideStep.objects.select_related("service", "service__owner").order_by(
                    "position"
                ),
            )
        )
        .first()
    )
    if guide is None:
        raise NotFound(_("No guide with this code."))
    return guide


def guide_step_get(*, guide: Guide, step_id: Any) -> GuideStep:
    try:
        pk = uuid.UUID(str(step_id))
    except ValueError:
        pk = None
    step = GuideStep.objects.filter(guide=guide, pk=pk).first() if pk else None
    if step is None:
        raise NotFound(_("No such step in this guide."))
    return step


def guide_steps_done(*, guide: Guide, person: Any) -> set[uuid.UUID]:
    """Ids of the guide's steps the person has done."""
    if person is None:
        return set()
    return set(
        GuideProgress.objects.filter(person=person, step__guide=guide).values_list(
            "step_id", flat=True
        )
    )
