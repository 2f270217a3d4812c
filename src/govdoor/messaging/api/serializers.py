"""Serializers of the agency API: they translate, the services decide."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from govdoor.messaging.models import DeliveryRecord, Message, Notification


class AttachmentIn(serializers.Serializer):  # type: ignore[type-arg]
    filename = serializers.CharField(max_length=200)
    content_type = serializers.CharField(max_length=100, default="application/pdf")
    content = serializers.CharField(help_text=_("The file, base64 encoded"))

    def validate_content(self, value: str) -> bytes:
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(_("Not valid base64.")) from None


class MessageIn(serializers.Serializer):  # type: ignore[type-arg]
    person = serializers.UUIDField(required=False, help_text=_("The person's opaque id"))
    business = serializers.UUIDField(required=False, help_text=_("The business's opaque id"))
    message_type = serializers.SlugField(help_text=_("The code of the message type (template)"))
    personalisation = serializers.DictField(
        child=serializers.CharField(allow_blank=True), default=dict
    )
    case_ref = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    attachments = AttachmentIn(many=True, required=False, default=list)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("person")) == bool(attrs.get("business")):
            raise serializers.ValidationError(
                {"person": _("Give exactly one of person or business.")}
            )
        return attrs


class NotificationIn(serializers.Serializer):  # type: ignore[type-arg]
    person = serializers.UUIDField(help_text=_("The person's opaque id"))
    message_type = serializers.SlugField()
    personalisation = serializers.DictField(
        child=serializers.CharField(allow_blank=True), default=dict
    )
    reference = serializers.CharField(
        max_length=64,
        required=False,
        default="",
        help_text=_("Your reference; repeating it is idempotent"),
    )


class DeliveryRecordOut(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = DeliveryRecord
        fields = ["event", "at", "detail"]


class NotificationOut(serializers.ModelSerializer):  # type: ignore[type-arg]
    message_type = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="code", read_only=True
    )

    class Meta:
        model = Notification
        fields = [
            "id",
            "message_type",
            "channel",
            "status",
            "attempts",
            "created_at",
            "sent_at",
            "provider_ref",
            "last_error",
            "verification_code",
        ]


class MessageOut(serializers.ModelSerializer):  # type: ignore[type-arg]
    message_type = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="code", read_only=True
    )
    delivery_records = DeliveryRecordOut(many=True, read_only=True)
    notifications = NotificationOut(many=True, read_only=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "message_type",
            "person",
            "business",
            "case_ref",
            "language",
            "verification_code",
            "signing_key_id",
            "signature",
            "sent_at",
            "available_at",
            "opened_at",
            "retain_until",
            "notified",
            "not_notified_reason",
            "delivery_records",
            "notifications",
        ]


class NotificationsOut(serializers.Serializer):  # type: ignore[type-arg]
    notified = serializers.BooleanField()
    not_notified_reason = serializers.CharField(allow_blank=True)
    notifications = NotificationOut(many=True)
