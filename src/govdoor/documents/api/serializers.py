from __future__ import annotations

from rest_framework import serializers

from govdoor.documents.models import Document


class DocumentSerializer(serializers.ModelSerializer[Document]):
    owner_person_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "owner_person_id",
            "filename",
            "content_type",
            "size",
            "sha256",
            "purpose",
            "created_at",
        ]
        read_only_fields = fields


class DocumentUploadSerializer(serializers.Serializer[object]):
    """The multipart form of an upload (for the schema; the view reads the file itself)."""

    file = serializers.FileField(help_text="PDF, PNG, JPEG, HEIC or WebP; the type is sniffed")
    purpose = serializers.CharField(required=False, allow_blank=True, max_length=100)
