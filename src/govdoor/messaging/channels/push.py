"""Web push (RFC 8030/8291/8292) to the portal's installable web app, with VAPID keys.

The contact point's value is the browser's PushSubscription as JSON
({"endpoint": ..., "keys": {"p256dh": ..., "auth": ...}}). The payload carries no message
content: only a title, the organisation and the verification code.
"""

from __future__ import annotations

import base64
import json
from functools import lru_cache
from typing import ClassVar

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings

from govdoor.messaging.channels.base import Answer, ChannelError, Outbound, channels


@lru_cache(maxsize=2)
def _vapid_private(seed_b64: str) -> ec.EllipticCurvePrivateKey:
    seed = int.from_bytes(base64.b64decode(seed_b64), "big")
    order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    return ec.derive_private_key(seed % (order - 1) + 1, ec.SECP256R1())


def vapid_public_key() -> str:
    """The application server key the browser subscribes with (base64url, uncompressed)."""
    public = _vapid_private(settings.GOVDOOR_VAPID_PRIVATE_KEY).public_key()
    raw = public.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _vapid_private_der_b64() -> str:
    key = _vapid_private(settings.GOVDOOR_VAPID_PRIVATE_KEY)
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return base64.urlsafe_b64encode(der).decode().rstrip("=")


def push_payload(outbound: Outbound) -> str:
    """What the service worker (static/messaging/sw.js) receives and shows: no content."""
    return json.dumps(
        {
            "title": outbound.subject,
            "body": outbound.short_text,
            "from": outbound.organisation_name,
            "code": outbound.verification_code,
            "url": "/my/messages/",
        }
    )


@channels.register("push")
class WebPushChannel:
    kind: ClassVar[str] = "push"
    accepts_idempotency_key: ClassVar[bool] = False
    timeout: ClassVar[float] = 10.0

    def send(self, outbound: Outbound) -> Answer:
        from pywebpush import WebPushException, webpush

        try:
            subscription = json.loads(outbound.to)
        except ValueError:
            return Answer(ok=False, detail="malformed subscription", retryable=False)
        data = push_payload(outbound)
        try:
            response = webpush(
                subscription_info=subscription,
                data=data,
                vapid_private_key=_vapid_private_der_b64(),
                vapid_claims={"sub": settings.GOVDOOR_VAPID_SUBJECT},
                ttl=86400,
                timeout=self.timeout,
                headers={"Topic": outbound.idempotency_key.replace(":", "")[:32]},
            )
        except WebPushException as exc:
            status = getattr(getattr(exc, "response", None), "status_code", None)
            if status in (404, 410):
                return Answer(
                    ok=False, detail=f"subscription gone (HTTP {status})", retryable=False
                )
            raise ChannelError(f"push service: HTTP {status}") from None
        except (OSError, ValueError) as exc:
            raise ChannelError(f"push service unreachable: {type(exc).__name__}") from None
        location = getattr(response, "headers", {}).get("Location", "")
        return Answer(
            ok=True, provider_ref=location, detail=f"HTTP {getattr(response, 'status_code', '')}"
        )
