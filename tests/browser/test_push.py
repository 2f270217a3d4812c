"""Web push in a real browser: the installable app's service worker shows our notification.

Chromium has no push service here (no network), so the push message is handed to the
service worker through the DevTools protocol (`ServiceWorker.deliverPushMessage`), with
exactly the payload our web-push channel encrypts for the browser's push service
(`channels.push.push_payload`; that the encryption decrypts is tested in test_channels).
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from govdoor.identity.models import User
from govdoor.messaging.channels import Outbound
from govdoor.messaging.channels.push import push_payload
from govdoor.portal.tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTIFICATIONS = """async () => {
  const registration = await navigator.serviceWorker.ready;
  const shown = await registration.getNotifications();
  return shown.map((n) => ({ title: n.title, body: n.body, url: n.data && n.data.url }));
}"""


def _signed_in_cookie() -> dict[str, str]:
    person = PersonFactory(given_name="Ada", family_name="Pushwell")
    user = User.objects.create(username=f"push-{person.pk}", person=person)
    client = Client()
    client.force_login(user)
    session = client.session
    session["govdoor.loa"] = 2
    session.save()
    return {"name": settings.SESSION_COOKIE_NAME, "value": session.session_key or ""}


def _registration_id(page: Page, updates: list[dict[str, Any]], scope: str) -> str:
    """The DevTools id of the registration for `scope` (events arrive while Playwright waits)."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for update in updates:
            for reg in update.get("registrations", []):
                if reg["scopeURL"] == scope and not reg.get("isDeleted"):
                    return str(reg["registrationId"])
        page.wait_for_timeout(100)
    raise AssertionError(f"no service worker registration for {scope}: {updates}")


def test_a_push_message_is_shown_as_a_notification_by_the_installable_apps_worker(
    live_server, chromium
) -> None:
    cookie = _signed_in_cookie()
    payload = push_payload(
        Outbound(
            idempotency_key="msg:1:push:1",
            to="",
            subject="You have a new message from Tax Agency",
            body="",
            short_text="New message from Tax Agency in your govdoor mailbox.",
            verification_code="7K3M-Q9TX-2B",
            organisation_name="Tax Agency",
        )
    )
    with chromium() as browser:
        context = browser.new_context()
        context.grant_permissions(["notifications"], origin=live_server.url)
        context.add_cookies([{**cookie, "url": live_server.url}])
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
        cdp = context.new_cdp_session(page)
        updates: list[dict[str, Any]] = []
        cdp.on("ServiceWorker.workerRegistrationUpdated", lambda update: updates.append(update))
        cdp.send("ServiceWorker.enable")

        page.goto(f"{live_server.url}/my/messages/settings/")
        # The installable app: the manifest is linked and names start URL, display, icons.
        manifest = page.evaluate(
            "async () => (await fetch(document.querySelector('link[rel=manifest]').href)).json()"
        )
        assert manifest["start_url"] == "/my/" and manifest["display"] == "standalone"
        assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
        # push.js (no inline script) offers notifications on this device.
        button = page.get_by_role("button", name="Get notifications on this device")
        expect(button).to_be_visible()
        worker_url = button.get_attribute("data-worker")
        assert worker_url == "/sw.js"
        # The registration push.js makes before subscribing (subscribing itself needs a
        # push service, which this machine cannot reach).
        page.evaluate(
            "async (url) => { await navigator.serviceWorker.register(url, { scope: '/' });"
            " await navigator.serviceWorker.ready; }",
            worker_url,
        )
        registration = _registration_id(page, updates, f"{live_server.url}/")
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": live_server.url, "registrationId": registration, "data": payload},
        )
        shown_all: list[dict[str, Any]] = []
        deadline = time.monotonic() + 15
        while not shown_all and time.monotonic() < deadline:
            page.wait_for_timeout(100)
            shown_all = page.evaluate(NOTIFICATIONS)
        assert len(shown_all) == 1, (shown_all, errors, updates)
        [shown] = shown_all
        context.close()
    assert shown["title"] == "You have a new message from Tax Agency"
    assert shown["body"] == (
        "New message from Tax Agency in your govdoor mailbox. · Tax Agency · 7K3M-Q9TX-2B"
    )
    assert shown["url"] == "/my/messages/"
    assert json.loads(payload)["code"] == "7K3M-Q9TX-2B"
    assert errors == []
