"""Serializers of the exchange API: translate JSON to service arguments and back."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from govdoor.exchange.models import AccessPolicy, DataRequest, Purpose, Subscription
from govdoor.exchange.tellusonce import TOPICS

FIELD_NAME = r"^[a-z0-9_-]+\.[a-z0-9_]+$"
# A data request's limits, read by the serializer and by its fast path alike.
PURPOSE_MAX = 80
FIELD_NAME_MAX = 130
FIELDS_MIN, FIELDS_MAX = 1, 50


class DataRequestInSerializer(serializers.Serializer):
    subject = serializers.UUIDField(required=False, help_text=_("The person's opaque id."))
    national_id = serializers.CharField(
        required=False, max_length=20, write_only=True, help_text=_("Instead of `subject`.")
    )
    purpose = serializers.SlugField(max_length=PURPOSE_MAX)
    fields = serializers.ListField(  # type: ignore[assignment]
        child=serializers.RegexField(FIELD_NAME, max_length=FIELD_NAME_MAX),
        min_length=FIELDS_MIN,
        max_length=FIELDS_MAX,
        help_text=_('"register.field" names, or derived values such as "population.age_over_18".'),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("subject")) == bool(attrs.get("national_id")):
            raise serializers.ValidationError({"subject": _("Give subject or national_id.")})
        return attrs


# The shapes the fast path below takes: stricter than the serializer (no surrounding
# whitespace, a UUID in its canonical form), so whatever it accepts, the serializer accepts too.
_FIELD_NAME_STRICT = re.compile(FIELD_NAME.removeprefix("^").removesuffix("$"))
_SLUG_STRICT = re.compile(r"[-a-zA-Z0-9_]+")
_UUID_STRICT = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
_KEYS = frozenset({"subject", "purpose", "fields"})


def data_request_in_fast(data: Any) -> dict[str, Any] | None:
    """The validated data of a well-formed request by subject id, or None: then
    `DataRequestInSerializer` decides and words the errors.

    Why: building and running the serializer (fields deep-copied per instance, ten list
    items through five validators each) costs a fifth of answering a data request, the
    busiest call between agencies. This accepts only bodies the serializer accepts, with
    the same result (property-tested against it); anything unusual goes to the serializer.
    """
    if type(data) is not dict or data.keys() != _KEYS:
        return None
    subject, purpose, names = data["subject"], data["purpose"], data["fields"]
    if type(subject) is not str or not _UUID_STRICT.fullmatch(subject):
        return None
    if (
        type(purpose) is not str
        or len(purpose) > PURPOSE_MAX
        or not _SLUG_STRICT.fullmatch(purpose)
    ):
        return None
    if type(names) is not list or not FIELDS_MIN <= len(names) <= FIELDS_MAX:
        return None
    for name in names:
        if (
            type(name) is not str
            or len(name) > FIELD_NAME_MAX
            or not _FIELD_NAME_STRICT.fullmatch(name)
        ):
            return None
    return {"subject": uuid.UUID(subject), "purpose": purpose, "fields": list(names)}


def data_request_in(data: Any) -> dict[str, Any]:
    """A data request's validated data (ValidationError, a 400, when it is not one)."""
    fast = data_request_in_fast(data)
    if fast is not None:
        return fast
    body = DataRequestInSerializer(data=data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


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


def answer_representation(request: DataRequest, data: dict[str, list[dict[str, Any]]]) -> Any:
    """What `AnswerSerializer` makes of an answer, built directly.

    Why: the serializer's walk over nested fields (and its time zone lookup for one date)
    costs about a twentieth of answering a data request; the answer's shape is fixed and
    documented by `AnswerSerializer`, which a test holds this to, value for value.
    """
    created = timezone.localtime(request.created_at).isoformat()
    if created.endswith("+00:00"):
        created = created[:-6] + "Z"
    return {
        "request": {
            "id": str(request.pk),
            "subject": str(request.subject_ref),
            "purpose": str(request.purpose_code),
            "fields": [str(name) for name in request.fields],
            "status": str(request.status),
            "reason": str(request.reason),
            "created_at": created,
        },
        "data": {
            str(code): [{str(k): v for k, v in row.items()} for row in rows]
            for code, rows in data.items()
        },
    }


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
