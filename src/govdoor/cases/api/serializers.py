"""Shapes of the cases API for agency systems (ids are opaque; no names in the list)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _l
from rest_framework import serializers

from govdoor.cases.models import Case, CaseEvent, CaseStatus, Outcome

FILTER_STATUSES = ["open", "all", *CaseStatus.values]


class CaseFilterSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=FILTER_STATUSES, required=False, default="open")
    service = serializers.UUIDField(required=False)
    assignee = serializers.ChoiceField(
        choices=["anyone", "unassigned"], required=False, default="anyone"
    )
    overdue = serializers.BooleanField(required=False, default=False)
    q = serializers.CharField(required=False, default="", max_length=40, allow_blank=True)


class CaseSerializer(serializers.ModelSerializer[Case]):
    service: Any = serializers.CharField(source="service.code", read_only=True)
    organisation: Any = serializers.CharField(source="organisation.code", read_only=True)
    applicant: Any = serializers.UUIDField(source="applicant_id", read_only=True, allow_null=True)
    business: Any = serializers.UUIDField(source="business_id", read_only=True, allow_null=True)
    assignee: Any = serializers.CharField(
        source="assignee.username", read_only=True, allow_null=True, default=None
    )
    parent: Any = serializers.UUIDField(source="parent_id", read_only=True, allow_null=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "service",
            "organisation",
            "applicant",
            "business",
            "title",
            "status",
            "outcome",
            "source",
            "opened_at",
            "due_at",
            "escalated_at",
            "needs_review",
            "assignee",
            "decided_at",
            "appeal_until",
            "parent",
        ]
        read_only_fields = fields


class CaseEventSerializer(serializers.ModelSerializer[CaseEvent]):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["kind", "at", "actor", "from_status", "to_status", "note"]

    def get_actor(self, event: CaseEvent) -> str:
        return event.actor.username if event.actor else event.actor_label


class CaseDetailSerializer(CaseSerializer):
    answers = serializers.JSONField(read_only=True)
    decision_reason = serializers.CharField(read_only=True)
    decision_ref = serializers.CharField(read_only=True)
    automated = serializers.BooleanField(read_only=True)
    history = CaseEventSerializer(many=True, read_only=True, source="events")

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "answers",
            "decision_reason",
            "decision_ref",
            "automated",
            "history",
        ]
        read_only_fields = fields


DECISION_OUTCOMES = [v for v in Outcome.values if v]


class CaseDecisionSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(
        choices=DECISION_OUTCOMES,
        help_text=_l("granted, refused or partly_granted"),
    )
    reason = serializers.CharField(max_length=10_000, help_text=_l("Shown in the letter"))
    decision_ref = serializers.CharField(max_length=64, required=False, default="")
