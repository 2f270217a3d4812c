"""The benchmark harness: discovery, the result file, the table, and the bounded load driver."""

from __future__ import annotations

import json
import sys
import threading
import types
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from benchmarks import run as harness
from benchmarks.load import JourneyFailed, Session, drive


def test_every_bench_module_is_discovered_by_its_name():
    assert "portal" in harness.discover()


def test_list_prints_the_benchmarks(capsys):
    assert harness.main(["--list"]) == 0
    assert "portal" in capsys.readouterr().out.split()


def test_an_unknown_benchmark_name_is_refused_naming_the_known_ones(capsys):
    with pytest.raises(SystemExit) as exit_info:
        harness.main(["--only", "nope"])
    assert exit_info.value.code == 2
    assert "no such benchmark: nope (have: " in capsys.readouterr().err


@pytest.fixture
def fake_bench(monkeypatch, tmp_path):
    """A benchmark module `bench_fake` that records how it was called."""
    calls: list[bool] = []
    module = types.ModuleType("benchmarks.bench_fake")

    def run(quick: bool) -> dict:
        calls.append(quick)
        return {"rows": [{"scenario": "a", "req_per_s": 10.0}], "ratios": {"a_vs_b": 0.5}}

    module.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "benchmarks.bench_fake", module)
    monkeypatch.setattr(harness, "discover", lambda: ["fake"])
    monkeypatch.setattr(harness, "OUT", tmp_path)
    return calls


def test_a_benchmark_run_writes_its_result_file_and_prints_a_table(fake_bench, tmp_path, capsys):
    assert harness.main(["--quick", "--only", "fake"]) == 0
    assert fake_bench == [True]
    record = json.loads((tmp_path / "fake.json").read_text())
    assert record["benchmark"] == "fake"
    assert record["quick"] is True
    assert record["result"]["ratios"] == {"a_vs_b": 0.5}
    out = capsys.readouterr().out
    assert "scenario  req_per_s" in out
    assert 'ratios: {"a_vs_b": 0.5}' in out


def test_a_failing_benchmark_is_reported_and_the_exit_status_says_so(fake_bench, monkeypatch):
    def boom(quick: bool) -> dict:
        raise RuntimeError("server did not start")

    monkeypatch.setattr(sys.modules["benchmarks.bench_fake"], "run", boom)
    assert harness.main([]) == 1


def test_the_table_aligns_columns_and_keeps_unknown_keys():
    text = harness.table([{"scenario": "bare", "req_per_s": 900.5}, {"scenario": "my", "x": 1}])
    lines = text.splitlines()
    assert lines[0].split() == ["scenario", "req_per_s", "x"]
    assert len({len(line) for line in lines}) == 1


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        # Recorded before answering, so the order is that of the requests.
        self.server.seen_cookies.append(self.headers.get("Cookie"))  # type: ignore[attr-defined]
        status = 500 if self.path == "/broken" else 200
        self.send_response(status)
        self.send_header("Set-Cookie", "sessionid=abc; Path=/; HttpOnly")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.seen_cookies = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_driver_stops_at_the_journey_bound_and_counts_requests(local_server):
    port = local_server.server_address[1]

    def two_requests(session: Session) -> None:
        session.expect("GET", "/a", 200)
        session.expect("GET", "/b", 200)

    result = drive(
        "t",
        host="127.0.0.1",
        port=port,
        journey=two_requests,
        threads=3,
        seconds=10,
        max_journeys=30,
    )
    row = result.row()
    assert result.journeys == 30
    assert row["requests"] == 60
    assert row["errors"] == 0
    assert row["req_per_s"] > 0
    assert row["p50_ms"] <= row["p95_ms"]


def test_sessions_send_back_the_cookies_they_were_given(local_server):
    session = Session("127.0.0.1", local_server.server_address[1])
    session.expect("GET", "/", 200)
    session.expect("GET", "/", 200)
    assert local_server.seen_cookies == [None, "sessionid=abc"]


def test_unexpected_answers_are_counted_as_errors_not_as_throughput(local_server):
    port = local_server.server_address[1]
    result = drive(
        "t",
        host="127.0.0.1",
        port=port,
        journey=lambda s: s.expect("GET", "/broken", 200),
        threads=2,
        seconds=10,
        max_journeys=20,
    )
    assert result.journeys == 0
    assert result.errors >= 1
    assert "500, expected 200" in result.first_error


def test_the_driver_refuses_to_load_anything_but_loopback():
    with pytest.raises(ValueError, match="loopback"):
        Session("example.org", 80)
    with pytest.raises(JourneyFailed):
        raise JourneyFailed("x")
