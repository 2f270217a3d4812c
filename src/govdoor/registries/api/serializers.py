"""Shapes of the /api/v1/registers API; they translate, services decide."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from govdoor.registries.models import Register


class RegisterSerializer(serializers.ModelSerializer[Register]):
    organisation = serializers.CharField(source="organisation.code", read_only=True)

    class Meta:
        model = Register
        fields = [
            "id",
            "code",
            "version",
            "name",
            "description",
            "organisation",
            "personal_fields",
            "indexed_fields",
            "subject_field",
            "subject_kind",
            "key_field",
            "retention_days",
            "event_topics",
            "adapter",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RegisterDetailSerializer(RegisterSerializer):
    class Meta(RegisterSerializer.Meta):
        fields = [*RegisterSerializer.Meta.fields, "json_schema"]
        read_only_fields = fields


class RegisterCreateSerializer(serializers.Serializer[Any]):
    code = serializers.SlugField(max_length=64)
    version = serializers.CharField(max_length=20, default="1.0")
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    json_schema = serializers.JSONField()
    personal_fields = serializers.ListField(child=serializers.CharField(), default=list)
    indexed_fields = serializers.ListField(child=serializers.CharField(), default=list)
    subject_field = serializers.CharField(required=False, allow_blank=True, default="")
    subject_kind = serializers.ChoiceField(
        choices=Register.SubjectKind.choices, default=Register.SubjectKind.NONE
    )
    key_field = serializers.CharField(required=False, allow_blank=True, default="")
    retention_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, default=None
    )
    event_topics = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), default=dict
    )


class SchemaUpdateSerializer(serializers.Serializer[Any]):
    json_schema = serializers.JSONField()


class RecordSerializer(serializers.Serializer[Any]):
    """A record as the API shows it; `data` holds the register's fields."""

    id = serializers.UUIDField()
    register = serializers.CharField()
    register_version = serializers.CharField()
    version = serializers.IntegerField()
    data = serializers.DictField()  # type: ignore[assignment]
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    deleted_at = serializers.DateTimeField(allow_null=True)


class RecordWriteSerializer(serializers.Serializer[Any]):
    data = serializers.DictField()  # type: ignore[assignment]
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class BulkUpsertSerializer(serializers.Serializer[Any]):
    rows = serializers.ListField(
        child=serializers.DictField(), allow_empty=False, max_length=10_000
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class BulkReportSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    applied = serializers.BooleanField()
    dry_run = serializers.BooleanField()
    errors = serializers.ListField(child=serializers.DictField())  # type: ignore[assignment]


class VersionSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField()
    operation = serializers.CharField()
    changed_fields = serializers.ListField(child=serializers.CharField())
    valid_from = serializers.DateTimeField()
    valid_to = serializers.DateTimeField(allow_null=True)
    changed_by_org = serializers.CharField()
    changed_by_user = serializers.CharField()
    reason = serializers.CharField()


class CorrectionCreateSerializer(serializers.Serializer[Any]):
    proposed = serializers.DictField()
    explanation = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000
    )


class CorrectionSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    record_id = serializers.UUIDField()
    status = serializers.CharField()
    fields = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class CorrectionDecisionSerializer(serializers.Serializer[Any]):
    accept = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
