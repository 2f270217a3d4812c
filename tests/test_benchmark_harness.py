"""The benchmark harness: discovery, the result file, the table, and the bounded load driver."""

from __future__ import annotations

import json
import pathlib
import sys
import threading
import types
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from benchmarks import run as harness
from benchmarks.load import JourneyFailed, Session, drive

PROC_EXISTS = pathlib.Path("/proc/stat").exists()


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


# --- the CPU split (benchmarks/cpu.py) against a fake /proc ------------------------------


def _fake_process(proc, pid, name, cmdline, utime, stime):
    """A /proc/<pid> with the fields cpu.py reads: utime and stime are fields 14 and 15."""
    entry = proc / str(pid)
    entry.mkdir(exist_ok=True)
    after_name = ["S", *["0"] * 10, str(utime), str(stime), *["0"] * 5]
    (entry / "stat").write_text(f"{pid} ({name}) " + " ".join(after_name))
    (entry / "cmdline").write_bytes(cmdline.replace(" ", "\0").encode())


def _fake_idle(proc, idle, iowait):
    (proc / "stat").write_text(f"cpu  100 0 50 {idle} {iowait} 0 0 0 0 0\ncpu0 1 2 3 4 5\n")


@pytest.fixture
def proc(tmp_path, monkeypatch):
    from benchmarks import cpu

    monkeypatch.setattr(cpu.os, "getpid", lambda: 7)
    monkeypatch.setattr(cpu.os, "sysconf", lambda name: 100)
    root = tmp_path / "proc"
    root.mkdir()
    (root / "self").mkdir()  # not a pid: skipped
    _fake_idle(root, 1000, 0)
    return root


def test_process_seconds_are_summed_by_kind_even_with_odd_process_names(proc):
    from benchmarks.cpu import process_seconds

    _fake_process(proc, 7, "python", "python benchmarks/run.py", 100, 50)
    _fake_process(proc, 10, "gunicorn: worker", "gunicorn --bind 127.0.0.1:8123", 200, 100)
    _fake_process(proc, 11, "a) b (c", "gunicorn --bind 127.0.0.1:8123", 100, 0)
    _fake_process(proc, 12, "postgres", "postgres: postgres profx 127.0.0.1 idle", 30, 20)
    _fake_process(proc, 13, "gunicorn", "gunicorn --bind 127.0.0.1:9999", 5, 5)
    (proc / "14").mkdir()  # ended between listing and reading: skipped
    assert process_seconds("127.0.0.1:8123", proc) == {
        "client": 1.5,
        "server": 4.0,
        "postgres": 0.5,
        "other": 0.1,
    }


def test_the_tally_sums_a_labels_slices_and_divides_by_the_requests_they_served(proc):
    from benchmarks.cpu import CpuTally

    tally = CpuTally("127.0.0.1:8123", proc)
    _fake_process(proc, 7, "python", "python run.py", 0, 0)
    _fake_process(proc, 10, "gunicorn", "gunicorn --bind 127.0.0.1:8123", 0, 0)
    with tally.measure("ask"):
        _fake_process(proc, 7, "python", "python run.py", 20, 5)  # 0.25 s
        _fake_process(proc, 10, "gunicorn", "gunicorn --bind 127.0.0.1:8123", 50, 0)  # 0.5 s
        _fake_idle(proc, 1040, 10)  # 0.5 s with no core busy
    with tally.measure("bare"):  # another label's block counts for it alone
        _fake_process(proc, 10, "gunicorn", "gunicorn --bind 127.0.0.1:8123", 90, 0)
    with tally.measure("ask"):
        _fake_process(proc, 10, "gunicorn", "gunicorn --bind 127.0.0.1:8123", 130, 20)  # 0.6 s
        _fake_process(proc, 12, "postgres", "postgres: backend", 30, 0)  # new: 0.3 s
    assert tally.per_request("ask", 1000) == {
        "server": 1100,
        "postgres": 300,
        "client": 250,
        "other": 0,
        "idle": 500,
    }
    assert tally.per_request("bare", 100)["server"] == 4000


def test_the_tally_is_empty_without_requests_without_blocks_or_without_proc(proc, tmp_path):
    from benchmarks.cpu import CpuTally

    tally = CpuTally("127.0.0.1:8123", proc)
    with tally.measure("ask"):
        pass
    assert tally.per_request("ask", 0) == {}
    assert tally.per_request("never measured", 10) == {}
    elsewhere = CpuTally("127.0.0.1:8123", tmp_path / "nowhere")
    ran = []
    with elsewhere.measure("ask"):
        ran.append(True)
    assert ran and elsewhere.per_request("ask", 10) == {}


def test_slices_of_a_scenario_merge_into_one_result():
    from benchmarks.load import Result, merged

    a = Result("ask", journeys=3, requests=6, errors=0, seconds=1.5, latencies=[0.1, 0.2, 0.3])
    b = Result("ask", journeys=1, requests=2, errors=1, seconds=0.5, latencies=[0.4])
    b.first_error = "JourneyFailed: 500"
    out = merged("ask", [a, b])
    assert (out.journeys, out.requests, out.errors, out.seconds) == (4, 8, 1, 2.0)
    assert out.req_per_s == 4.0 and sorted(out.latencies) == [0.1, 0.2, 0.3, 0.4]
    assert out.first_error == "JourneyFailed: 500"
    assert merged("none", []).req_per_s == 0.0


def test_one_process_seconds_are_read_and_an_unknown_or_garbled_one_is_zero(proc):
    from benchmarks.cpu import pid_seconds

    _fake_process(proc, 10, "gunicorn: a) worker", "gunicorn --bind 127.0.0.1:8123", 250, 50)
    (proc / "11").mkdir()
    (proc / "11" / "stat").write_text("11 (short) S 0")
    assert pid_seconds(10, proc) == 3.0
    assert pid_seconds(99, proc) == 0.0  # no such process
    assert pid_seconds(11, proc) == 0.0  # too few fields


@pytest.mark.skipif(not PROC_EXISTS, reason="needs Linux /proc")
def test_on_this_machine_the_client_process_is_found_and_has_used_cpu():
    from benchmarks.cpu import process_seconds

    sum(i * i for i in range(200_000))  # a little CPU of our own
    assert process_seconds("no-such-server-marker")["client"] > 0
