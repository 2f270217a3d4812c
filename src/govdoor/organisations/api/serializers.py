"""Public organisation data: what an organisation is, where it sits and which areas it serves."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from govdoor.organisations.models import Area, Organisation


class AreaSerializer(serializers.ModelSerializer[Area]):
    # `parent` shadows Field.parent in the stubs only; DRF itself is fine with the name.
    parent = serializers.SlugRelatedField[Area](  # type: ignore[assignment]
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = Area
        fields = ["id", "code", "name", "kind", "parent"]


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    parent = serializers.PrimaryKeyRelatedField[Organisation](  # type: ignore[assignment]
        read_only=True, allow_null=True
    )
    home_area = serializers.SlugRelatedField[Area](
        slug_field="code", read_only=True, allow_null=True
    )
    serves = serializers.SlugRelatedField[Area](slug_field="code", many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "code",
            "name",
            "level",
            "parent",
            "home_area",
            "serves",
            "website",
            "logo",
            "is_active",
        ]


class OrganisationFilterSerializer(serializers.Serializer[Any]):
    level = serializers.ChoiceField(choices=Organisation.Level.choices, required=False)
    parent = serializers.UUIDField(required=False)  # type: ignore[assignment]
    search = serializers.CharField(required=False, max_length=100)


class AreaFilterSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=Area.Kind.choices, required=False)
    parent = serializers.CharField(required=False, max_length=32)  # type: ignore[assignment]
    search = serializers.CharField(required=False, max_length=100)


class CompetentQuerySerializer(serializers.Serializer[Any]):
    area = serializers.CharField(
        max_length=32, help_text=_("The code of the area (usually a municipality).")
    )
    level = serializers.ChoiceField(choices=Organisation.Level.choices, required=False)


class CompetentOrganisationsSerializer(serializers.Serializer[Any]):
    area = AreaSerializer()
    organisations = OrganisationSerializer(many=True)


class ProblemFieldSerializer(serializers.Serializer[Any]):
    field = serializers.CharField()
    detail = serializers.CharField()


class ProblemSerializer(serializers.Serializer[Any]):
    """RFC 9457 problem details, as core.errors renders them (for the schema only)."""

    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = ProblemFieldSerializer(many=True, required=False)  # type: ignore[assignment]
