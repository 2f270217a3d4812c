"""A real SMS provider adapter over HTTP (JSON), configured by GOVDOOR_SMS_HTTP_URL/_TOKEN.

The provider contract (common to the large SMS gateways): POST {to, text, reference} with a
bearer token and an `Idempotency-Key` header; 2xx answers {"id": "..."}; 4xx other than 429
is permanent (bad number), 429 and 5xx are worth retrying.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import ClassVar

from django.conf import settings

from govdoor.messaging.channels.base import Answer, ChannelError, Outbound, channels


@channels.register("sms-http")
class HttpSmsChannel:
    kind: ClassVar[str] = "sms"
    accepts_idempotency_key: ClassVar[bool] = True
    timeout: ClassVar[float] = 10.0

    def send(self, outbound: Outbound) -> Answer:
        url = settings.GOVDOOR_SMS_HTTP_URL
        if not url:
            raise ChannelError("GOVDOOR_SMS_HTTP_URL is not configured")
        payload = {
            "to": outbound.to,
            "text": f"{outbound.short_text} [{outbound.verification_code}]",
            "reference": outbound.idempotency_key,
        }
        request = urllib.request.Request(
            url,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.GOVDOOR_SMS_HTTP_TOKEN}",
                "Idempotency-Key": outbound.idempotency_key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read().decode() or "{}"
                status = response.status
        except urllib.error.HTTPError as exc:
            detail = f"HTTP {exc.code}"
            if exc.code == 429 or exc.code >= 500:
                raise ChannelError(detail) from None
            return Answer(ok=False, detail=detail, retryable=False)
        except (urllib.error.URLError, OSError) as exc:
            raise ChannelError(f"provider unreachable: {type(exc).__name__}") from None
        try:
            ref = str(json.loads(body).get("id", ""))
        except (ValueError, AttributeError):
            ref = ""
        return Answer(ok=True, provider_ref=ref, detail=f"HTTP {status}")
