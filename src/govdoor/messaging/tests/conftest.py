"""Fixtures of the messaging tests: local fake servers for every channel, a ledger recorder."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def ledger_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Record ledger appends (the ledger has its own tests; here we check what we disclose)."""
    calls: list[dict[str, Any]] = []
    from govdoor.ledger import services

    def fake_ledger_append(**kwargs: Any) -> None:
        from django.db import connection

        assert connection.in_atomic_block, "ledger entries go in the caller's transaction"
        calls.append(kwargs)

    def fake_ledger_append_many(*, entries: Any, companions: Any = ()) -> int:
        """Register reads come in bulk (one call for all records read): one call each here.
        The access's companion rows are written as the real ledger writes them."""
        from dataclasses import asdict

        from govdoor.core.fastsql import insert_one

        for instance in companions:
            insert_one(instance)
        written = [asdict(e) | {"fields": list(e.fields)} for e in entries]
        for entry in written:
            fake_ledger_append(**entry)
        return len(written)

    monkeypatch.setattr(services, "ledger_append", fake_ledger_append)
    monkeypatch.setattr(services, "ledger_append_many", fake_ledger_append_many)
    return calls


@dataclass
class SmtpSink:
    messages: list[Any] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpSink]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives."""
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    logging.getLogger("mail.log").setLevel(logging.WARNING)

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            sink.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 Message accepted for delivery"

    with socket.socket() as probe:  # aiosmtpd needs a concrete port to check it started
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        sink.url = f"smtp://127.0.0.1:{port}"
        settings.GOVDOOR_SMTP_URL = sink.url
        yield sink
    finally:
        controller.stop()


@dataclass
class FakeHttp:
    """A local HTTP server answering each POST with `status` and recording the requests."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    status: int = 201
    answer: dict[str, Any] = field(default_factory=lambda: {"id": "prov-1"})
    url: str = ""
    seen_keys: dict[str, str] = field(default_factory=dict)


def _serve(fake: FakeHttp) -> Iterator[FakeHttp]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            fake.requests.append(
                {
                    "path": self.path,
                    "headers": {k.title(): v for k, v in self.headers.items()},
                    "body": body,
                }
            )
            key = self.headers.get("Idempotency-Key", "")
            answer = dict(fake.answer)
            if key:  # a provider that honours idempotency keys answers the same id again
                answer["id"] = fake.seen_keys.setdefault(key, f"prov-{len(fake.seen_keys) + 1}")
            payload = json.dumps(answer).encode()
            self.send_response(fake.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Location", f"{fake.url}/receipts/{len(fake.requests)}")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def fake_http() -> Iterator[FakeHttp]:
    yield from _serve(FakeHttp())
