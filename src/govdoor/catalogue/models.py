"""The service catalogue: services, life events, topics, step-by-step guides and progress.

Why English and French columns instead of a translation table: the demo country has two
official languages and every page shows both a name and a description; two columns keep a
service one row (one query per list) and `localised()` falls back to English when the
French text is missing. A third language is a migration, which is acceptable for a country.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from govdoor.core.ids import uuid7

LANGUAGES = ("en", "fr")


class Localised(models.Model):
    """Gives `obj.localised("name")`: the text in the active language, else English."""

    class Meta:
        abstract = True

    def localised(self, field: str) -> str:
        language = (get_language() or "en").split("-")[0]
        if language in LANGUAGES:
            text = str(getattr(self, f"{field}_{language}", "") or "")
            if text:
                return text
        return str(getattr(self, f"{field}_en", "") or "")

    @property
    def name(self) -> str:
        return self.localised("name")


class LifeEvent(Localised):
    """A moment in life that brings someone to government (having a baby, moving house …)."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    code = models.SlugField(max_length=64, unique=True)
    name_en = models.CharField(max_length=200)
    name_fr = models.CharField(max_length=200, blank=True, default="")
    description_en = models.TextField(blank=True, default="")
    description_fr = models.TextField(blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name_en

    @property
    def description(self) -> str:
        return self.localised("description")


class Topic(Localised):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    code = models.SlugField(max_length=64, unique=True)
    name_en = models.CharField(max_length=200)
    name_fr = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_en


class Service(Localised):
    """One public service, owned by one organisation at any level.

    `kind` groups the same service offered separately by many organisations (each
    municipality's parking permit is its own row, kind `parking-permit`), so a question can
    be routed to the right one for where the person lives. `competent_level` says which
    level of government handles a case: the organisation of that level whose jurisdiction
    covers the person's address area.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        PHONE = "phone", _("By phone")
        COUNTER = "counter", _("At a counter (with help)")
        POST = "post", _("By post")

    class Level(models.TextChoices):
        CENTRAL = "central", _("Central")
        REGIONAL = "regional", _("Regional")
        LOCAL = "local", _("Local")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    code = models.SlugField(max_length=80, unique=True)
    kind = models.SlugField(max_length=80, blank=True, default="", db_index=True)
    owner = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="services"
    )
    competent_level = models.CharField(max_length=10, choices=Level.choices)
    name_en = models.CharField(max_length=200)
    name_fr = models.CharField(max_length=200, blank=True, default="")
    summary_en = models.TextField()
    summary_fr = models.TextField(blank=True, default="")
    eligibility_en = models.TextField(blank=True, default="")
    eligibility_fr = models.TextField(blank=True, default="")
    fee_note_en = models.CharField(max_length=300, blank=True, default="")
    fee_note_fr = models.CharField(max_length=300, blank=True, default="")
    fee = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    loa = models.PositiveSmallIntegerField(default=2)  # identity.LevelOfAssurance value
    sla_days = models.PositiveIntegerField(null=True, blank=True)
    legal_basis = models.CharField(max_length=300, blank=True, default="")
    channels = models.JSONField(default=list)
    keywords = models.TextField(
        blank=True, default="", help_text=_("Other words people use for this service")
    )
    life_events = models.ManyToManyField(LifeEvent, related_name="services", blank=True)
    topics = models.ManyToManyField(Topic, related_name="services", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name_en", "code"]
        indexes = [models.Index(fields=["status", "competent_level"])]

    def __str__(self) -> str:
        return self.code

    @property
    def summary(self) -> str:
        return self.localised("summary")

    @property
    def eligibility(self) -> str:
        return self.localised("eligibility")

    @property
    def fee_note(self) -> str:
        return self.localised("fee_note")


class ServiceRevision(models.Model):
    """The text of a service as published, one row per published version (who saw what)."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    content = models.JSONField()
    published_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "version"], name="one_revision_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.service_id} v{self.version}"


class SearchTerm(models.Model):
    """One normalised word of a service with a weight: the "no wrong door" search index.

    Why a table rather than a database full-text index: it behaves the same on SQLite and
    PostgreSQL, and the weights (name over keyword over description) are ours to tune.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="search_terms")
    term = models.CharField(max_length=64, db_index=True)
    weight = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "term"], name="one_search_term_per_service")
        ]

    def __str__(self) -> str:
        return f"{self.term} ({self.weight})"


class Guide(Localised):
    """A step-by-step guide: ordered steps linking services across organisations."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    code = models.SlugField(max_length=64, unique=True)
    name_en = models.CharField(max_length=200)
    name_fr = models.CharField(max_length=200, blank=True, default="")
    summary_en = models.TextField(blank=True, default="")
    summary_fr = models.TextField(blank=True, default="")
    life_event = models.ForeignKey(
        LifeEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="guides"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def summary(self) -> str:
        return self.localised("summary")


class GuideStep(Localised):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="guide_steps")
    name_en = models.CharField(max_length=200)
    name_fr = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["guide", "position"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "position"], name="one_step_per_position")
        ]

    def __str__(self) -> str:
        return f"{self.guide_id} #{self.position}"


class GuideProgress(models.Model):
    """A person has done a step: ticked by the person, or set when an application is made."""

    class Source(models.TextChoices):
        PERSON = "person", _("Ticked by the person")
        SERVICE = "service", _("Recorded by the service")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    person = models.ForeignKey(
        "identity.Person", on_delete=models.CASCADE, related_name="guide_progress"
    )
    step = models.ForeignKey(GuideStep, on_delete=models.CASCADE, related_name="progress")
    done_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.PERSON)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "step"], name="one_progress_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.step_id}"
