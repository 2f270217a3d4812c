"""Each channel against its local fake server."""

from __future__ import annotations

import base64
import json
import os

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from govdoor.messaging import authenticity
from govdoor.messaging.channels import ChannelError, Outbound, channels
from govdoor.messaging.channels.email import signed_document
from govdoor.messaging.channels.push import vapid_public_key
from govdoor.messaging.models import DemoOutboxEntry

pytestmark = pytest.mark.django_db


def outbound(**kw):
    values = {
        "idempotency_key": "msg:1:email:1",
        "to": "ada@example.org",
        "subject": "You have a new message",
        "body": "Read it in your mailbox.",
        "short_text": "New message",
        "verification_code": "7K3M-Q9TX-2B",
        "organisation_name": "Tax Agency",
    }
    values.update(kw)
    return Outbound(**values)


def test_email_is_delivered_over_smtp_with_code_signature_and_stable_message_id(smtp):
    answer = channels.get("email")().send(outbound())
    assert answer.ok
    [email] = smtp.messages
    assert email["To"] == "ada@example.org"
    assert email["Govdoor-Verification-Code"] == "7K3M-Q9TX-2B"
    assert email["Message-ID"].startswith("<msg.1.email.1@")
    body = email.get_content()
    assert "7K3M-Q9TX-2B" in body and "Tax Agency" in body
    params = dict(p.strip().split("=", 1) for p in email["Govdoor-Signature"].split(";"))
    jwk = authenticity.published_keys()["keys"][0]
    public = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(jwk["x"] + "=="))
    document = signed_document(
        message_id=email["Message-ID"],
        subject=email["Subject"],
        body=body.replace("\r\n", "\n"),
        code="7K3M-Q9TX-2B",
    )
    assert params["kid"] == jwk["kid"]
    assert authenticity.verify(document, params["sig"], public)


def test_only_optional_emails_carry_list_unsubscribe_and_none_has_a_credential_link(smtp):
    channels.get("email")().send(outbound(optional=False))
    channels.get("email")().send(outbound(idempotency_key="rem:1:email:1", optional=True))
    legal, reminder = smtp.messages
    assert legal["List-Unsubscribe"] is None and legal["List-Unsubscribe-Post"] is None
    assert reminder["List-Unsubscribe"].endswith("/my/messages/settings/>")
    assert reminder["List-Unsubscribe-Post"] is None  # that page is not a one-click endpoint
    for email in smtp.messages:
        body = email.get_content()
        assert "?" not in body and "token" not in body.lower()


def test_email_to_a_server_that_is_down_raises_a_retryable_channel_error(settings):
    settings.GOVDOOR_SMTP_URL = "smtp://127.0.0.1:9"
    with pytest.raises(ChannelError):
        channels.get("email")().send(outbound())


def test_the_demo_sms_outbox_keeps_one_entry_per_idempotency_key():
    sms = channels.get("sms-demo")()
    first = sms.send(outbound(to="+32470000001"))
    again = sms.send(outbound(to="+32470000001"))
    assert first.ok and again.ok and first.provider_ref == again.provider_ref
    assert again.detail == "duplicate ignored"
    [entry] = DemoOutboxEntry.objects.all()
    assert entry.text == "New message [7K3M-Q9TX-2B]" and entry.to == "+32470000001"


def test_the_http_sms_adapter_sends_the_idempotency_key_and_records_the_provider_id(
    settings, fake_http
):
    settings.GOVDOOR_SMS_HTTP_URL = fake_http.url + "/sms"
    settings.GOVDOOR_SMS_HTTP_TOKEN = "t0ken"
    answer = channels.get("sms-http")().send(outbound(to="+32470000001"))
    assert answer.ok and answer.provider_ref == "prov-1"
    [request] = fake_http.requests
    assert request["headers"]["Idempotency-Key"] == "msg:1:email:1"
    assert request["headers"]["Authorization"] == "Bearer t0ken"
    assert json.loads(request["body"])["text"] == "New message [7K3M-Q9TX-2B]"


@pytest.mark.parametrize(("status", "retryable"), [(503, True), (429, True), (400, False)])
def test_the_http_sms_adapter_tells_temporary_from_permanent_failures(
    settings, fake_http, status, retryable
):
    settings.GOVDOOR_SMS_HTTP_URL = fake_http.url + "/sms"
    fake_http.status = status
    if retryable:
        with pytest.raises(ChannelError):
            channels.get("sms-http")().send(outbound())
    else:
        answer = channels.get("sms-http")().send(outbound())
        assert not answer.ok and not answer.retryable


def _browser_subscription(endpoint: str) -> tuple[dict, ec.EllipticCurvePrivateKey, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    auth = os.urandom(16)
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    b64 = lambda raw: base64.urlsafe_b64encode(raw).decode().rstrip("=")  # noqa: E731
    return {"endpoint": endpoint, "keys": {"p256dh": b64(public), "auth": b64(auth)}}, key, auth


def test_web_push_is_encrypted_for_the_browser_and_signed_with_our_vapid_key(fake_http):
    import http_ece

    subscription, key, auth = _browser_subscription(fake_http.url + "/push/abc")
    answer = channels.get("push")().send(outbound(to=json.dumps(subscription)))
    assert answer.ok and "/receipts/1" in answer.provider_ref
    [request] = fake_http.requests
    headers = request["headers"]
    assert headers["Content-Encoding"] == "aes128gcm"
    assert f"k={vapid_public_key()}" in headers["Authorization"]
    clear = http_ece.decrypt(
        request["body"], private_key=key, auth_secret=auth, version="aes128gcm"
    )
    payload = json.loads(clear)
    assert payload["code"] == "7K3M-Q9TX-2B" and payload["from"] == "Tax Agency"
    assert "Read it in your mailbox." not in clear.decode()  # no message content in a push


def test_web_push_to_an_expired_subscription_is_a_permanent_failure(fake_http):
    fake_http.status = 410
    subscription, _key, _auth = _browser_subscription(fake_http.url + "/push/gone")
    answer = channels.get("push")().send(outbound(to=json.dumps(subscription)))
    assert not answer.ok and not answer.retryable


def test_the_in_portal_channel_always_accepts():
    assert channels.get("portal")().send(outbound()).ok
