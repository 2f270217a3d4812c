"""Email over SMTP (GOVDOOR_SMTP_URL = smtp://host:port or smtps://user:pass@host:port).

Each email carries the verification code, a `Govdoor-Signature` header (Ed25519 over the
subject, body, Message-ID and code), a Message-ID derived from the idempotency key (so a
resend after a crash is recognisably the same message), and `List-Unsubscribe` with
`List-Unsubscribe-Post` (RFC 8058 one-click) only for optional notifications (reminders);
legal notices cannot be unsubscribed from (see unsubscribe.py for why).
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import ClassVar
from urllib.parse import unquote, urlsplit

from django.conf import settings

from govdoor.messaging import authenticity
from govdoor.messaging.channels.base import Answer, ChannelError, Outbound, channels


def signed_document(*, message_id: str, subject: str, body: str, code: str) -> dict[str, str]:
    """What the email signature covers; a mail add-on rebuilds it from the email."""
    return {
        "message_id": message_id,
        "subject": subject,
        "body_sha256": authenticity.digest(body),
        "code": code,
    }


def email_build(outbound: Outbound) -> EmailMessage:
    base = settings.GOVDOOR_BASE_URL.rstrip("/")
    local = "".join(ch if ch.isalnum() or ch in "-_" else "." for ch in outbound.idempotency_key)
    message_id = f"<{local}@{urlsplit(base).hostname or 'govdoor'}>"
    body = (
        f"{outbound.body}\n\n"
        f"{outbound.organisation_name}\n"
        f"Verification code: {outbound.verification_code}\n"
        f"Check it at {base}/check-a-message/\n"
    )
    email = EmailMessage()
    email["From"] = settings.GOVDOOR_MAIL_FROM
    email["To"] = outbound.to
    email["Subject"] = outbound.subject
    email["Date"] = formatdate(usegmt=True)
    email["Message-ID"] = message_id if outbound.idempotency_key else make_msgid()
    email["Govdoor-Verification-Code"] = outbound.verification_code
    kid, signature = authenticity.sign(
        signed_document(
            message_id=message_id,
            subject=outbound.subject,
            body=body,
            code=outbound.verification_code,
        )
    )
    email["Govdoor-Signature"] = f"kid={kid}; alg=Ed25519; sig={signature}"
    if outbound.unsubscribe_url:
        # RFC 8058; the MTA's DKIM signature must cover both headers (h=).
        email["List-Unsubscribe"] = f"<{outbound.unsubscribe_url}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    elif outbound.optional:
        email["List-Unsubscribe"] = f"<{base}/my/messages/settings/>"
    for name, value in outbound.headers.items():
        email[name] = value
    email.set_content(body)
    return email


@channels.register("email")
class EmailChannel:
    kind: ClassVar[str] = "email"
    accepts_idempotency_key: ClassVar[bool] = False
    timeout: ClassVar[float] = 15.0

    def send(self, outbound: Outbound) -> Answer:
        url = urlsplit(settings.GOVDOOR_SMTP_URL)
        email = email_build(outbound)
        try:
            smtp_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
            with smtp_class(
                url.hostname or "127.0.0.1", url.port or 25, timeout=self.timeout
            ) as smtp:
                if url.scheme == "smtp+starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if url.username:
                    smtp.login(unquote(url.username), unquote(url.password or ""))
                refused = smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused:
            return Answer(ok=False, detail="recipient refused", retryable=False)
        except (smtplib.SMTPException, OSError) as exc:
            raise ChannelError(f"SMTP: {type(exc).__name__}") from None
        if refused:
            return Answer(ok=False, detail="recipient refused", retryable=False)
        return Answer(ok=True, provider_ref=str(email["Message-ID"]), detail="250 accepted")
