"""API shapes of the identity domain: who am I, and my mandates."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from govdoor.identity.models import Mandate
from govdoor.identity.national_id import national_id_valid
from govdoor.identity.selectors import mandate_state


class PartySerializer(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.CharField(help_text="person or business")
    id = serializers.UUIDField()
    display_name = serializers.CharField()


class ActingForSerializer(PartySerializer):
    mandate_id = serializers.UUIDField()


class MeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    user_id = serializers.UUIDField()
    person_id = serializers.UUIDField()
    display_name = serializers.CharField()
    language = serializers.CharField()
    level_of_assurance = serializers.IntegerField(
        allow_null=True, help_text="1 low, 2 substantial, 3 high"
    )
    identity_provider = serializers.CharField(allow_null=True)
    acting_for = ActingForSerializer(allow_null=True)


def _party_of(mandate: Mandate) -> dict[str, Any]:
    if mandate.represented_business is not None:
        b = mandate.represented_business
        return {"kind": "business", "id": b.pk, "display_name": b.name}
    p = mandate.represented_person
    assert p is not None
    return {"kind": "person", "id": p.pk, "display_name": p.full_name}


class MandateSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    role = serializers.SerializerMethodField(
        help_text="held: I may act; given: someone acts for me"
    )
    state = serializers.SerializerMethodField()
    representative = serializers.SerializerMethodField()
    represented = serializers.SerializerMethodField()

    class Meta:
        model = Mandate
        fields = [
            "id",
            "kind",
            "role",
            "state",
            "representative",
            "represented",
            "scope",
            "valid_from",
            "valid_until",
            "revoked_at",
            "source",
            "created_at",
        ]

    def get_role(self, obj: Mandate) -> str:
        person = self.context["person"]
        return "held" if obj.representative_id == person.pk else "given"

    @extend_schema_field(
        serializers.ChoiceField(choices=["active", "future", "expired", "revoked"])
    )
    def get_state(self, obj: Mandate) -> str:
        return mandate_state(obj)

    @extend_schema_field(PartySerializer)
    def get_representative(self, obj: Mandate) -> dict[str, Any]:
        return {
            "kind": "person",
            "id": obj.representative.pk,
            "display_name": obj.representative.full_name,
        }

    @extend_schema_field(PartySerializer)
    def get_represented(self, obj: Mandate) -> dict[str, Any]:
        return _party_of(obj)


class MandateGrantSerializer(serializers.Serializer):  # type: ignore[type-arg]
    representative_national_id = serializers.CharField(max_length=20)
    kind = serializers.ChoiceField(
        choices=Mandate.Kind.choices, default=Mandate.Kind.REPRESENTATIVE
    )
    scope = serializers.ListField(
        child=serializers.CharField(max_length=64), min_length=1, max_length=50
    )
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True)

    def validate_representative_national_id(self, value: str) -> str:
        if not national_id_valid(value):
            raise serializers.ValidationError("Enter a valid national number (9 digits).")
        return value.strip()


class MandateRevokeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
