"""The transactional outbox: domain events written in the same transaction as the change."""

from __future__ import annotations

from django.db import models

from govdoor.core.ids import uuid7


class OutboxEvent(models.Model):
    """One domain event. Payloads carry ids and field names, never personal values."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    topic = models.CharField(max_length=120, db_index=True)
    payload = models.JSONField(default=dict)
    occurred_at = models.DateTimeField()
    relayed_at = models.DateTimeField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(
                fields=["id"], name="outbox_unrelayed_idx", condition=models.Q(relayed_at=None)
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.id}"


class EventDelivery(models.Model):
    """Delivery of one event to one consumer; unique per pair, so consumers run once.

    Status `dead` is the dead-letter list shown in the back office.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        DONE = "done"
        DEAD = "dead"

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    consumer = models.CharField(max_length=120)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "consumer"], name="one_delivery_per_consumer")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.consumer} <- {self.event_id} ({self.status})"
