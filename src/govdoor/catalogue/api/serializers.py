"""The catalogue's public shape: services, life events, guides and search hits.

Text fields answer in the request's language (Accept-Language), English when untranslated;
the back office writes both languages explicitly (`name_en`, `name_fr`, …).
"""

from __future__ import annotations

from typing import Any

from django.templatetags.static import static
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from govdoor.catalogue.models import Guide, GuideStep, LifeEvent, Service, Topic


def logo_url(path: str) -> str:
    if not path or path.startswith(("http://", "https://", "/")):
        return path
    return static(path)


class OrganisationRefSerializer(serializers.Serializer[Any]):
    """An authority as a person sees it: its own name and logo, never absorbed."""

    id = serializers.UUIDField()
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    logo = serializers.SerializerMethodField()
    website = serializers.CharField()

    @extend_schema_field(serializers.CharField())
    def get_logo(self, organisation: Any) -> str:
        return logo_url(organisation.logo)


class LifeEventSerializer(serializers.ModelSerializer[LifeEvent]):
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)

    class Meta:
        model = LifeEvent
        fields = ["code", "name", "description"]


class TopicSerializer(serializers.ModelSerializer[Topic]):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Topic
        fields = ["code", "name"]


class ServiceSerializer(serializers.ModelSerializer[Service]):
    name = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    eligibility = serializers.CharField(read_only=True)
    fee_note = serializers.CharField(read_only=True)
    owner = OrganisationRefSerializer(read_only=True)
    life_events = serializers.SlugRelatedField[LifeEvent](
        slug_field="code", many=True, read_only=True
    )
    topics = serializers.SlugRelatedField[Topic](slug_field="code", many=True, read_only=True)
    channels = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Service
        fields = [
            "id",
            "code",
            "kind",
            "name",
            "summary",
            "eligibility",
            "owner",
            "competent_level",
            "loa",
            "sla_days",
            "fee",
            "fee_note",
            "legal_basis",
            "channels",
            "life_events",
            "topics",
            "status",
            "version",
            "published_at",
        ]


class ServiceDetailSerializer(ServiceSerializer):
    competent_authority = serializers.SerializerMethodField()

    class Meta(ServiceSerializer.Meta):
        fields = [*ServiceSerializer.Meta.fields, "competent_authority"]

    @extend_schema_field(OrganisationRefSerializer(allow_null=True))
    def get_competent_authority(self, service: Service) -> dict[str, Any] | None:
        organisation = self.context.get("competent_authority")
        return OrganisationRefSerializer(organisation).data if organisation else None


class ServiceWriteSerializer(serializers.Serializer[Any]):
    """What a service owner sends; on update every field is optional."""

    code = serializers.SlugField(max_length=80)
    organisation = serializers.SlugField(max_length=64, help_text="Owning organisation code")
    kind = serializers.SlugField(max_length=80, required=False, allow_blank=True)
    competent_level = serializers.ChoiceField(choices=Service.Level.choices)
    name_en = serializers.CharField(max_length=200)
    name_fr = serializers.CharField(max_length=200, required=False, allow_blank=True)
    summary_en = serializers.CharField()
    summary_fr = serializers.CharField(required=False, allow_blank=True)
    eligibility_en = serializers.CharField(required=False, allow_blank=True)
    eligibility_fr = serializers.CharField(required=False, allow_blank=True)
    fee = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)
    fee_note_en = serializers.CharField(max_length=300, required=False, allow_blank=True)
    fee_note_fr = serializers.CharField(max_length=300, required=False, allow_blank=True)
    loa = serializers.ChoiceField(choices=[1, 2, 3], required=False)
    sla_days = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    legal_basis = serializers.CharField(max_length=300, required=False, allow_blank=True)
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Service.Channel.choices),
        allow_empty=False,
        required=False,
    )
    keywords = serializers.CharField(required=False, allow_blank=True)
    life_events = serializers.ListField(child=serializers.SlugField(), required=False)
    topics = serializers.ListField(child=serializers.SlugField(), required=False)


class ServiceFilterSerializer(serializers.Serializer[Any]):
    life_event = serializers.SlugField(required=False)
    topic = serializers.SlugField(required=False)
    organisation = serializers.SlugField(required=False)
    level = serializers.ChoiceField(choices=Service.Level.choices, required=False)
    q = serializers.CharField(required=False, max_length=200)


class AreaQuerySerializer(serializers.Serializer[Any]):
    area = serializers.CharField(required=False, max_length=32)


class SearchQuerySerializer(serializers.Serializer[Any]):
    q = serializers.CharField(max_length=200)
    area = serializers.CharField(required=False, max_length=32)


class SearchHitSerializer(serializers.Serializer[Any]):
    service = ServiceSerializer()
    score = serializers.IntegerField()
    competent_authority = OrganisationRefSerializer(source="organisation", allow_null=True)
    offered_by = serializers.IntegerField(
        source="variants", help_text="How many organisations offer this kind of service"
    )


class SearchResultSerializer(serializers.Serializer[Any]):
    q = serializers.CharField()
    area = serializers.CharField(allow_null=True)
    results = SearchHitSerializer(many=True)


class GuideStepSerializer(serializers.ModelSerializer[GuideStep]):
    name = serializers.CharField(read_only=True)
    service = serializers.SerializerMethodField()
    done = serializers.SerializerMethodField()

    class Meta:
        model = GuideStep
        fields = ["id", "position", "name", "service", "done"]

    @extend_schema_field(serializers.CharField())
    def get_service(self, step: GuideStep) -> str:
        return step.service.code

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_done(self, step: GuideStep) -> bool | None:
        done = self.context.get("done")
        return None if done is None else step.pk in done


class GuideSerializer(serializers.ModelSerializer[Guide]):
    name = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    life_event = serializers.SlugRelatedField[LifeEvent](
        slug_field="code", read_only=True, allow_null=True
    )
    steps = GuideStepSerializer(many=True, read_only=True)

    class Meta:
        model = Guide
        fields = ["code", "name", "summary", "life_event", "steps"]
