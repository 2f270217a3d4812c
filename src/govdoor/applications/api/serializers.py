"""Forms API bodies: a version (number, status, definition) and a draft to save."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from govdoor.applications.models import FormVersion


class FormVersionSerializer(serializers.ModelSerializer[FormVersion]):
    service = serializers.CharField(source="form.service.code", read_only=True)

    class Meta:
        model = FormVersion
        fields = ["service", "number", "status", "definition", "created_at", "published_at"]
        read_only_fields = fields


class FormSummarySerializer(serializers.Serializer[Any]):
    service = serializers.CharField()
    name = serializers.CharField()
    published_version = serializers.IntegerField(allow_null=True)
    draft_version = serializers.IntegerField(allow_null=True)


class DraftInSerializer(serializers.Serializer[Any]):
    definition = serializers.JSONField(
        help_text="The form definition: {title, pages: [{name, title, fields: [...]}]}"
    )
