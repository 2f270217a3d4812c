"""The clamd scanner against a small fake clamd on 127.0.0.1 (and on a unix socket)."""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from govdoor.core.errors import Unavailable
from govdoor.documents.models import Document
from govdoor.documents.scanners import ScannerUnavailable
from govdoor.documents.scanners.clamd import instream, parse_answer
from govdoor.documents.scanners.demo import EICAR
from govdoor.documents.services import FileInfected, document_upload
from govdoor.documents.tests.conftest import PDF, stored_files


class FakeClamd(socketserver.BaseRequestHandler):
    """Speaks INSTREAM: reads the chunks, answers FOUND when EICAR is in them, else OK."""

    received: list[bytes]

    def handle(self) -> None:
        command = b""
        while not command.endswith(b"\0"):
            command += self.request.recv(1)
        assert command == b"zINSTREAM\0"
        data = b""
        while True:
            (length,) = struct.unpack("!L", self._exactly(4))
            if length == 0:
                break
            data += self._exactly(length)
        self.server.received.append(data)  # type: ignore[attr-defined]
        answer = b"stream: Eicar-Signature FOUND" if EICAR in data else b"stream: OK"
        self.request.sendall(answer + b"\0")

    def _exactly(self, n: int) -> bytes:
        out = b""
        while len(out) < n:
            chunk = self.request.recv(n - len(out))
            if not chunk:
                raise ConnectionError("client went away")
            out += chunk
        return out


class TCPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class UnixServer(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True


def _serve(server: socketserver.BaseServer) -> Iterator[socketserver.BaseServer]:
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def clamd_tcp() -> Iterator[tuple[str, socketserver.BaseServer]]:
    server = TCPServer(("127.0.0.1", 0), FakeClamd)
    host, port = server.server_address[:2]
    for running in _serve(server):
        yield f"tcp://{host}:{port}", running


@pytest.fixture
def clamd_unix(tmp_path: Path) -> Iterator[tuple[str, socketserver.BaseServer]]:
    path = str(tmp_path / "clamd.sock")
    server = UnixServer(path, FakeClamd)
    for running in _serve(server):
        yield f"unix://{path}", running


def test_clean_content_is_answered_ok_and_streamed_in_full(clamd_tcp):
    url, server = clamd_tcp
    content = PDF + b"x" * 200_000  # several 64 KiB chunks

    result = instream(url, content)

    assert result.clean
    assert server.received == [content]


def test_eicar_is_answered_found_with_the_signature(clamd_tcp):
    url, _ = clamd_tcp

    result = instream(url, PDF + EICAR)

    assert not result.clean
    assert result.signature == "Eicar-Signature"


def test_the_unix_socket_speaks_the_same_protocol(clamd_unix):
    url, _ = clamd_unix

    assert instream(url, PDF).clean
    assert not instream(url, EICAR).clean


def test_a_closed_port_is_unavailable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, never listening, then closed

    with pytest.raises(ScannerUnavailable):
        instream(f"tcp://127.0.0.1:{port}", PDF, timeout=2)


def test_a_silent_server_times_out_as_unavailable():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        with pytest.raises(ScannerUnavailable):
            instream(f"tcp://127.0.0.1:{port}", PDF, timeout=0.3)


@pytest.mark.parametrize(
    "answer",
    ["INSTREAM size limit exceeded. ERROR", "stream: Can't allocate memory ERROR", "", "what?"],
)
def test_an_error_or_unknown_answer_is_unavailable_never_clean(answer):
    with pytest.raises(ScannerUnavailable):
        parse_answer(answer)


def test_a_url_of_another_scheme_is_unavailable():
    with pytest.raises(ScannerUnavailable):
        instream("http://127.0.0.1:3310", PDF)


@pytest.mark.django_db
def test_an_upload_through_clamd_is_stored_when_ok_and_refused_when_found(
    clamd_tcp, settings, owner, owner_user, documents_dir
):
    url, _ = clamd_tcp
    settings.GOVDOOR_CLAMD_URL = url
    settings.GOVDOOR_DOCUMENTS_SCANNER = ""  # chosen because the URL is set

    document = document_upload(
        owner_person_id=owner.pk, uploaded_by=owner_user, filename="ok.pdf", content=PDF
    )
    assert document.scanner == "clamd"
    with pytest.raises(FileInfected) as refused:
        document_upload(
            owner_person_id=owner.pk,
            uploaded_by=owner_user,
            filename="bad.pdf",
            content=PDF + EICAR,
        )
    assert "Eicar-Signature" in refused.value.detail
    assert Document.objects.count() == 1
    assert len(stored_files(documents_dir)) == 1


@pytest.mark.django_db
def test_an_upload_while_clamd_is_down_is_refused_and_nothing_stored(
    settings, owner, owner_user, documents_dir
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.GOVDOOR_CLAMD_URL = f"tcp://127.0.0.1:{port}"
    settings.GOVDOOR_DOCUMENTS_SCANNER = "clamd"
    settings.GOVDOOR_CLAMD_TIMEOUT = 2

    with pytest.raises(Unavailable) as refused:
        document_upload(
            owner_person_id=owner.pk, uploaded_by=owner_user, filename="ok.pdf", content=PDF
        )
    assert refused.value.status_code == 503
    assert Document.objects.count() == 0
    assert stored_files(documents_dir) == []
