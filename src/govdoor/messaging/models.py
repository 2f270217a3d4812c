"""The mailbox, its legal delivery records, notifications, contact points and reminders.

Why message bodies and contact details are encrypted: a mailbox holds decisions about people
and their addresses; a database dump must not be a copy of everyone's letters.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from govdoor.core.fields import EncryptedTextField
from govdoor.core.ids import uuid7


class MessageType(models.Model):
    """A kind of message (a decision letter, an information request) with its placeholders.

    `topic` is what a mandate's scope is matched against; `retention_days` says how long the
    mailbox keeps the message; `optional` says whether the person may turn its notifications
    off (reminders may be, legal notices may not).
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    topic = models.CharField(max_length=64, default="general")
    placeholders = models.JSONField(default=list, blank=True)
    retention_days = models.PositiveIntegerField(default=3650)
    optional = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.code


class MessageTemplate(models.Model):
    """The wording of one message type in one language; placeholders are `((name))`."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    message_type = models.ForeignKey(
        MessageType, on_delete=models.CASCADE, related_name="templates"
    )
    language = models.CharField(max_length=8)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    short_text = models.CharField(max_length=300, help_text=_("For SMS and push notifications"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["message_type", "language"], name="one_template_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.message_type_id} [{self.language}]"

    def clean(self) -> None:
        """The admin and model forms check placeholders and links as `template_save` does."""
        from django.core.exceptions import ValidationError

        from govdoor.core.errors import DomainError
        from govdoor.messaging.templating import template_check

        try:
            template_check(
                declared=self.message_type.placeholders,
                subject=self.subject,
                body=self.body,
                short_text=self.short_text,
            )
        except DomainError as exc:
            raise ValidationError({"body": exc.detail}) from None


class Message(models.Model):
    class Direction(models.TextChoices):
        OUTBOUND = "outbound", _("From government")
        INBOUND = "inbound", _("Reply from the person")

    class Notified(models.TextChoices):
        PENDING = "pending", _("Being notified")
        NOTIFIED = "notified", _("Notified")
        NOT_NOTIFIED = "not_notified", _("Not notified")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    message_type = models.ForeignKey(MessageType, on_delete=models.PROTECT, related_name="messages")
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.OUTBOUND
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="messages"
    )
    person = models.ForeignKey(
        "identity.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    business = models.ForeignKey(
        "identity.Business",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
    )
    case_ref = models.CharField(max_length=64, blank=True, default="")
    in_reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    language = models.CharField(max_length=8, default="en")
    subject = EncryptedTextField()
    body = EncryptedTextField()
    verification_code = models.CharField(max_length=16, unique=True)
    signature = models.CharField(max_length=200, blank=True, default="")
    signing_key_id = models.CharField(max_length=32, blank=True, default="")
    sent_at = models.DateTimeField()
    available_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    retain_until = models.DateTimeField()
    notified = models.CharField(max_length=14, choices=Notified.choices, default=Notified.PENDING)
    not_notified_reason = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-sent_at"]),
            models.Index(fields=["retain_until"]),
        ]

    def __str__(self) -> str:
        return f"message {self.id}"


class Attachment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.filename


class MessageRecipient(models.Model):
    """Who may read a message: the addressee, and representatives under a mandate in scope."""

    class Role(models.TextChoices):
        ADDRESSEE = "addressee", _("Addressee")
        REPRESENTATIVE = "representative", _("Representative")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="recipients")
    person = models.ForeignKey(
        "identity.Person", on_delete=models.CASCADE, related_name="mailbox_entries"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    mandate = models.ForeignKey(
        "identity.Mandate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["message", "person"], name="one_mailbox_entry_per_person"
            )
        ]
        indexes = [models.Index(fields=["person", "opened_at"])]

    def __str__(self) -> str:
        return f"{self.person_id} <- {self.message_id} ({self.role})"


class DeliveryRecord(models.Model):
    """Legal delivery evidence: sent, made available, opened (append-only)."""

    class Event(models.TextChoices):
        SENT = "sent", _("Sent")
        MADE_AVAILABLE = "made_available", _("Made available")
        OPENED = "opened", _("Opened")
        NOTIFIED = "notified", _("Notification sent")
        NOT_NOTIFIED = "not_notified", _("Could not be notified")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="delivery_records")
    event = models.CharField(max_length=16, choices=Event.choices)
    person = models.ForeignKey(
        "identity.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.CharField(max_length=200, blank=True, default="")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.message_id} {self.event} {self.at:%Y-%m-%d %H:%M}"


class ContactPoint(models.Model):
    """An address a person can be notified on; `value` is an email, a phone number, or a
    web push subscription (JSON)."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("Text message")
        PUSH = "push", _("Notifications on this device")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    person = models.ForeignKey(
        "identity.Person", on_delete=models.CASCADE, related_name="contact_points"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    value = EncryptedTextField()
    label = models.CharField(max_length=100, blank=True, default="")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["person", "kind", "is_active"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"


class Preference(models.Model):
    """A person's notification choices: channels, quiet hours, reminders, calendar feed."""

    person = models.OneToOneField(
        "identity.Person",
        on_delete=models.CASCADE,
        related_name="messaging_preference",
        primary_key=True,
    )
    channels = models.JSONField(default=list, blank=True)
    reminders = models.BooleanField(default=True)
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    timezone = models.CharField(max_length=64, default="UTC")
    calendar_token = models.CharField(max_length=64, unique=True)
    # Per message type and channel opt-outs, e.g. ["email:deadline-reminder"] (unsubscribe
    # links); only optional message types can be muted.
    muted = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"preferences of {self.person_id}"

    def muted_kinds(self, message_type: MessageType) -> frozenset[str]:
        return muted_kinds(self.muted, message_type.code, optional=message_type.optional)


def muted_kinds(muted: list[str] | None, type_code: str, *, optional: bool) -> frozenset[str]:
    """The contact kinds a person turned off for one message type (never a legal notice)."""
    if not optional or not muted:
        return frozenset()
    return frozenset(m.split(":", 1)[0] for m in muted if m.endswith(f":{type_code}"))


class Notification(models.Model):
    """One notification on one channel, created with its cause (outbox) and sent by a task.

    `idempotency_key` is unique and is passed to channels that accept one, so a send
    repeated after a crash is recognised by the provider.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        DEAD = "dead", _("Given up")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    idempotency_key = models.CharField(max_length=120, unique=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="notifications"
    )
    person = models.ForeignKey(
        "identity.Person", on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    message_type = models.ForeignKey(
        MessageType, on_delete=models.PROTECT, related_name="notifications"
    )
    channel = models.CharField(max_length=32)
    contact_point = models.ForeignKey(
        ContactPoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    subject = EncryptedTextField(blank=True, default="")
    body = EncryptedTextField()
    verification_code = models.CharField(max_length=16, unique=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    not_before = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    provider_ref = models.CharField(max_length=200, blank=True, default="")
    provider_answer = models.TextField(blank=True, default="")
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["organisation", "status"]),
        ]

    def __str__(self) -> str:
        return f"notification {self.id} ({self.channel}, {self.status})"


class DemoOutboxEntry(models.Model):
    """The demo SMS/bench receiver: what a provider would have delivered, inspectable.

    Unique on the idempotency key, as a real provider that honours one would be.
    """

    idempotency_key = models.CharField(max_length=120, unique=True)
    channel = models.CharField(max_length=32)
    to = EncryptedTextField()
    text = EncryptedTextField()
    received_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.channel} {self.idempotency_key}"


class Obligation(models.Model):
    """Something a person must do by a date (from a case or a register)."""

    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        FULFILLED = "fulfilled", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    person = models.ForeignKey(
        "identity.Person", on_delete=models.CASCADE, related_name="obligations"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="obligations"
    )
    source = models.CharField(max_length=64)
    source_ref = models.CharField(max_length=120)
    title = models.CharField(max_length=300)
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "source", "source_ref"], name="one_obligation_per_source_ref"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_ref} due {self.due_on}"


class Reminder(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    remind_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "days_before"], name="one_reminder_per_offset"
            )
        ]
        indexes = [models.Index(fields=["status", "remind_on"])]

    def __str__(self) -> str:
        return f"{self.obligation_id} -{self.days_before}d ({self.status})"
