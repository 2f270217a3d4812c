"""Notification channel plugins; importing this package registers them all."""

from govdoor.messaging.channels import demo, email, portal, push, sms_http  # noqa: F401
from govdoor.messaging.channels.base import (  # noqa: F401
    Answer,
    Channel,
    ChannelError,
    Outbound,
    channels,
)
