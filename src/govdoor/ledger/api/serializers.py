"""The ledger's JSON shapes, exactly as specs/ledger.md lists them (hashes in base64)."""

from __future__ import annotations

from rest_framework import serializers


class EntrySerializer(serializers.Serializer):
    index = serializers.IntegerField()
    leaf_hash = serializers.CharField(help_text="base64 of SHA-256(0x00 || leaf bytes)")
    record = serializers.JSONField(allow_null=True, help_text="The record, or null once erased")


class InclusionProofSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    tree_size = serializers.IntegerField()
    hashes = serializers.ListField(child=serializers.CharField(), help_text="base64, leaf first")


class ConsistencyProofSerializer(serializers.Serializer):
    first = serializers.IntegerField()
    second = serializers.IntegerField()
    hashes = serializers.ListField(child=serializers.CharField(), help_text="base64")


class DataUseSerializer(serializers.Serializer):
    """Exactly the keys specs/ledger.md lists; whose data it is is chosen with `?subject=`."""

    index = serializers.IntegerField(allow_null=True, help_text="null while queued")
    at = serializers.CharField()
    org = serializers.CharField()
    org_name = serializers.CharField()
    action = serializers.CharField()
    purpose = serializers.CharField()
    legal_basis = serializers.CharField()
    fields = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]
