"""Serializers of the exchange API: translate JSON to service arguments and back."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from govdoor.exchange.models import AccessPolicy, DataRequest, Purpose, Subscription
from govdoor.exchange.tellusonce import TOPICS

FIELD_NAME = r"^[a-z0-9_-]+\.[a-z0-9_]+$"


class DataRequestInSerializer(serializers.Serializer):
    subject = serializers.UUIDField(required=False, help_text=_("The person's opaque id."))
    national_id = serializers.CharField(
        required=False, max_length=20, write_only=True, help_text=_("Instead of `subject`.")
    )
    purpose = serializers.SlugField(max_length=80)
    fields = serializers.ListField(  # type: ignore[assignment]
        child=serializers.RegexField(FIELD_NAME, max_length=130),
        min_length=1,
        max_length=50,
        help_text=_('"register.field" names, or derived values such as "population.age_over_18".'),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("subject")) == bool(attrs.get("national_id")):
            raise serializers.ValidationError({"subject": _("Give subject or national_id.")})
        return attrs


class DataRequestOutSerializer(serializers.Serializer):
    """Declared, not a ModelSerializer: it is on the hot path of every data request, and
    declared fields skip the model introspection a ModelSerializer does per instance."""

    id = serializers.UUIDField()
    subject = serializers.CharField(source="subject_ref")
    purpose = serializers.CharField(source="purpose_code")
    fields = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]
    status = serializers.ChoiceField(choices=DataRequest.Status.choices)
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class AnswerSerializer(serializers.Serializer):
    request = DataRequestOutSerializer()
    data = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.DictField()),
        help_text=_("Per register, one object per record with exactly the fields asked for."),
    )


class PurposeSerializer(serializers.ModelSerializer):
    requesting_organisations = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        many=True, slug_field="code", read_only=True
    )

    class Meta:
        model = Purpose
        fields = [
            "code",
            "name",
            "description",
            "legal_basis",
            "mandatory",
            "consent_required",
            "allowed_fields",
            "requesting_organisations",
            "retention_days",
        ]


class PolicyInSerializer(serializers.Serializer):
    purpose = serializers.SlugField(max_length=80)
    register = serializers.SlugField(max_length=64)
    fields = serializers.ListField(  # type: ignore[assignment]
        child=serializers.RegexField(r"^[a-z0-9_]+$", max_length=100), min_length=1
    )
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True)


class PolicySerializer(serializers.ModelSerializer):
    purpose = serializers.CharField(source="purpose.code")
    requester = serializers.CharField(source="requester.code")
    keeper = serializers.CharField(source="keeper.code")
    register = serializers.CharField(source="register_code")

    class Meta:
        model = AccessPolicy
        fields = [
            "id",
            "purpose",
            "requester",
            "keeper",
            "register",
            "fields",
            "derived",
            "valid_from",
            "valid_to",
            "status",
            "decision_note",
            "decided_at",
        ]


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class SubscriptionInSerializer(serializers.Serializer):
    purpose = serializers.SlugField(max_length=80)
    topic = serializers.ChoiceField(choices=list(TOPICS))
    plugin = serializers.ChoiceField(choices=["webhook", "demo"], default="webhook")
    url = serializers.URLField(required=False, allow_blank=True, default="")
    municipality = serializers.SlugField(required=False, allow_blank=True, default="")


class SubscriptionSerializer(serializers.ModelSerializer):
    purpose = serializers.CharField(source="purpose.code")

    class Meta:
        model = Subscription
        fields = [
            "id",
            "purpose",
            "topic",
            "plugin",
            "url",
            "municipality",
            "is_active",
            "created_at",
        ]


class SubscriptionCreatedSerializer(SubscriptionSerializer):
    secret = serializers.CharField(help_text=_("The HMAC signing secret; shown only once."))

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]
