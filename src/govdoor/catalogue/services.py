"""Writing the catalogue: services (by their owners' service owners), guides and progress."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from govdoor.catalogue import text
from govdoor.catalogue.models import (
    Guide,
    GuideProgress,
    GuideStep,
    LifeEvent,
    SearchTerm,
    Service,
    ServiceRevision,
    Topic,
)
from govdoor.core import clock
from govdoor.core.errors import Conflict, DomainError, NotFound, Refused
from govdoor.core.events import event_publish
from govdoor.organisations.selectors import user_has_role

SERVICE_OWNER = "service_owner"

# Which words of a service count for how much in search (a word keeps its highest weight).
WEIGHT_NAME = 8
WEIGHT_KEYWORD = 6
WEIGHT_LIFE_EVENT = 3
WEIGHT_TOPIC = 3
WEIGHT_SUMMARY = 1

# Text fields a service owner may set; each has an English and a French column.
TEXT_FIELDS = ("name", "summary", "eligibility", "fee_note")
PLAIN_FIELDS = (
    "kind",
    "competent_level",
    "fee",
    "loa",
    "sla_days",
    "legal_basis",
    "channels",
    "keywords",
)
EDITABLE = tuple(f"{f}_{lang}" for f in TEXT_FIELDS for lang in ("en", "fr")) + PLAIN_FIELDS


def _require_service_owner(user: Any, organisation: Any) -> None:
    if not user_has_role(user, organisation, SERVICE_OWNER):
        raise Refused(_("Only a service owner of the owning organisation may change its services."))


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    """Check the plain values a service owner sends; each problem names its field."""
    unknown = set(values) - set(EDITABLE) - {"life_events", "topics"}
    if unknown:
        raise DomainError(_("Unknown field."), field=sorted(unknown)[0])
    cleaned = dict(values)
    if "channels" in cleaned:
        channels = list(dict.fromkeys(cleaned["channels"] or []))
        if not channels or set(channels) - set(Service.Channel.values):
            raise DomainError(_("Choose at least one valid channel."), field="channels")
        cleaned["channels"] = channels
    if "competent_level" in cleaned and cleaned["competent_level"] not in Service.Level.values:
        raise DomainError(_("Choose a valid level."), field="competent_level")
    if "loa" in cleaned and cleaned["loa"] not in (1, 2, 3):
        raise DomainError(_("The level of assurance must be 1, 2 or 3."), field="loa")
    if "fee" in cleaned:
        try:
            fee = Decimal(str(cleaned["fee"]))
        except InvalidOperation:
            raise DomainError(_("The fee must be an amount."), field="fee") from None
        if fee < 0 or not fee.is_finite():
            raise DomainError(_("The fee cannot be negative."), field="fee")
        cleaned["fee"] = fee
    if cleaned.get("sla_days") is not None and int(cleaned["sla_days"]) < 1:
        raise DomainError(_("The processing time must be at least one day."), field="sla_days")
    for field in ("name_en", "summary_en"):
        if field in cleaned and not str(cleaned[field]).strip():
            raise DomainError(_("This text is required in English."), field=field)
    return cleaned


def _set_links(service: Service, values: Mapping[str, Any]) -> None:
    if "life_events" in values:
        codes = list(values["life_events"] or [])
        events = list(LifeEvent.objects.filter(code__in=codes))
        if len(events) != len(set(codes)):
            raise DomainError(_("Unknown life event."), field="life_events")
        service.life_events.set(events)
    if "topics" in values:
        codes = list(values["topics"] or [])
        topics = list(Topic.objects.filter(code__in=codes))
        if len(topics) != len(set(codes)):
            raise DomainError(_("Unknown topic."), field="topics")
        service.topics.set(topics)


def search_terms_rebuild(*, service: Service) -> int:
    """Re-index one service's words (name, keywords, life events, topics, summary)."""
    weighted: dict[str, int] = {}

    def add(words: Iterable[str], weight: int) -> None:
        for word in words:
            for term in text.terms(word):
                weighted[term] = max(weighted.get(term, 0), weight)

    add([service.name_en, service.name_fr, service.kind.replace("-", " ")], WEIGHT_NAME)
    add([service.keywords], WEIGHT_KEYWORD)
    for event in service.life_events.all():
        add([event.name_en, event.name_fr], WEIGHT_LIFE_EVENT)
    for topic in service.topics.all():
        add([topic.name_en, topic.name_fr], WEIGHT_TOPIC)
    add([service.summary_en, service.summary_fr], WEIGHT_SUMMARY)
    SearchTerm.objects.filter(service=service).delete()
    SearchTerm.objects.bulk_create(
        [SearchTerm(service=service, term=t, weight=w) for t, w in sorted(weighted.items())]
    )
    return len(weighted)


@transaction.atomic
def service_create(
    *, user: Any, owner: Any, code: str, values: Mapping[str, Any], check: bool = True
) -> Service:
    """A new draft service of `owner`; `check=False` only for trusted loaders (demo data)."""
    if check:
        _require_service_owner(user, owner)
    cleaned = _clean(values)
    if not code or Service.objects.filter(code=code).exists():
        raise Conflict(_("A service with this code already exists."), field="code")
    for required in ("name_en", "summary_en", "competent_level"):
        if not cleaned.get(required):
            raise DomainError(_("This field is required."), field=required)
    cleaned.setdefault("channels", [Service.Channel.ONLINE])
    links: dict[str, Any] = {k: cleaned.pop(k) for k in ("life_events", "topics") if k in cleaned}
    service = Service.objects.create(code=code, owner=owner, updated_at=clock.now(), **cleaned)
    _set_links(service, links)
    search_terms_rebuild(service=service)
    return service


@transaction.atomic
def service_update(*, user: Any, service: Service, values: Mapping[str, Any]) -> Service:
    """Change a service's text or facts.

    A draft is edited in place. A published service stays published and moves on to its
    next version, kept as a revision. Why not hide it until re-published: people must still
    find a live service while its owner corrects a fee; and what a person was told (fee,
    processing time) when they applied stays readable in the revision they saw.
    """
    _require_service_owner(user, service.owner)
    service = Service.objects.select_for_update().select_related("owner").get(pk=service.pk)
    cleaned = _clean(values)
    links: dict[str, Any] = {k: cleaned.pop(k) for k in ("life_events", "topics") if k in cleaned}
    for field, value in cleaned.items():
        setattr(service, field, value)
    published = service.status == Service.Status.PUBLISHED
    if published:
        service.version += 1
    service.updated_at = clock.now()
    service.save()
    _set_links(service, links)
    search_terms_rebuild(service=service)
    if published:
        _revision_record(service)
    return service


def _revision_record(service: Service) -> None:
    now = clock.now()
    ServiceRevision.objects.update_or_create(
        service=service,
        version=service.version,
        defaults={"content": _snapshot(service), "published_at": now},
    )
    service.published_at = now
    service.save(update_fields=["published_at"])
    event_publish(
        topic="catalogue.service.published",
        payload={"service_id": str(service.pk), "code": service.code, "version": service.version},
    )


def _snapshot(service: Service) -> dict[str, Any]:
    content: dict[str, Any] = {f: getattr(service, f) for f in EDITABLE}
    content["fee"] = str(service.fee)
    content["owner"] = service.owner.code
    content["life_events"] = sorted(e.code for e in service.life_events.all())
    content["topics"] = sorted(t.code for t in service.topics.all())
    return content


@transaction.atomic
def service_publish(*, user: Any, service: Service, check: bool = True) -> Service:
    """Make the current version visible to the public and keep its text as a revision."""
    if check:
        _require_service_owner(user, service.owner)
    service = Service.objects.select_for_update().select_related("owner").get(pk=service.pk)
    if service.status == Service.Status.PUBLISHED:
        return service
    service.status = Service.Status.PUBLISHED
    service.save(update_fields=["status"])
    _revision_record(service)
    return service


# --- Guides and progress ------------------------------------------------------------------


@transaction.atomic
def guide_save(
    *,
    code: str,
    names: Mapping[str, str],
    summaries: Mapping[str, str],
    life_event: LifeEvent | None,
    steps: Sequence[tuple[str, Mapping[str, str]]],
) -> Guide:
    """Create or replace a guide and its steps (service code, step names by language)."""
    guide, _created = Guide.objects.update_or_create(
        code=code,
        defaults={
            "name_en": names["en"],
            "name_fr": names.get("fr", ""),
            "summary_en": summaries.get("en", ""),
            "summary_fr": summaries.get("fr", ""),
            "life_event": life_event,
        },
    )
    services = {s.code: s for s in Service.objects.filter(code__in=[c for c, _n in steps])}
    kept: list[Any] = []
    for position, (service_code, step_names) in enumerate(steps, start=1):
        if service_code not in services:
            raise DomainError(_("Unknown service."), field=f"steps[{position - 1}]")
        step, _c = GuideStep.objects.update_or_create(
            guide=guide,
            position=position,
            defaults={
                "service": services[service_code],
                "name_en": step_names["en"],
                "name_fr": step_names.get("fr", ""),
            },
        )
        kept.append(step.pk)
    GuideStep.objects.filter(guide=guide).exclude(pk__in=kept).delete()
    return guide


def _steps_for_service(service: Service) -> Any:
    """Steps this service fulfils: those naming it, or any service of the same kind."""
    if service.kind:
        return GuideStep.objects.filter(service__kind=service.kind)
    return GuideStep.objects.filter(service=service)


@transaction.atomic
def guide_step_mark_done(*, person: Any, service_code: str) -> int:
    """Record that `person` has used a service: every guide step it fulfils is done.

    Called by applications and cases when a person applies; a municipality's own variant of
    a service (same kind) fulfils the step. Returns how many steps became done.
    """
    service = Service.objects.filter(code=service_code).first()
    if service is None:
        raise NotFound(_("No service with this code."), field="service_code")
    now = clock.now()
    created = 0
    for step in _steps_for_service(service):
        _progress, made = GuideProgress.objects.get_or_create(
            person=person,
            step=step,
            defaults={"done_at": now, "source": GuideProgress.Source.SERVICE},
        )
        created += int(made)
    return created


@transaction.atomic
def guide_step_tick(*, person: Any, step: GuideStep, done: bool) -> GuideProgress | None:
    """The person ticks a step as done (or unticks it) on the guide page."""
    if not done:
        GuideProgress.objects.filter(person=person, step=step).delete()
        return None
    progress, _made = GuideProgress.objects.get_or_create(
        person=person, step=step, defaults={"done_at": clock.now()}
    )
    return progress
