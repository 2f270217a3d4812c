import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from govdoor.core.errors import Unavailable
from govdoor.registries.adapters import adapters
from govdoor.registries.adapters.files import coerce
from govdoor.registries.imports import register_import, register_remote_sync
from govdoor.registries.models import ImportRun, Record

HEADER = "plate,make,year,owner_id,owner_national_id\n"
GOOD = "AB-001,Volvo,2010,p1,900000001\nAB-002,Saab,2012,p2,900000002\n"
BAD = "bad,Volvo,2010,p3,900000003\nAB-004,V,old,p4,900000004\n"


def csv_file(text):
    return io.BytesIO(text.encode())


def test_the_adapter_registry_lists_the_builtin_adapters():
    assert {"csv", "xlsx", "remote"} <= set(adapters.ids())


def test_a_dry_run_reports_without_writing(register, keeper):
    run = register_import(
        register=register,
        filename="v.csv",
        stream=csv_file(HEADER + GOOD),
        actor=keeper,
        dry_run=True,
    )
    assert (run.total, run.created, run.applied) == (2, 2, False)
    assert Record.objects.count() == 0


def test_an_import_with_bad_rows_writes_nothing_and_reports_each_row_by_file_line(register, keeper):
    run = register_import(
        register=register,
        filename="v.csv",
        stream=csv_file(HEADER + GOOD + BAD),
        actor=keeper,
        dry_run=False,
    )
    assert [e["row"] for e in run.errors] == [4, 5]
    assert {e["field"] for e in run.errors[1]["errors"]} == {"/make", "/year"}
    assert not run.applied and Record.objects.count() == 0


def test_a_partial_import_lands_the_good_rows(register, keeper):
    run = register_import(
        register=register,
        filename="v.csv",
        stream=csv_file(HEADER + GOOD + BAD),
        actor=keeper,
        dry_run=False,
        partial=True,
    )
    assert run.applied and run.created == 2 and len(run.errors) == 2
    assert Record.objects.count() == 2


def test_an_xlsx_file_imports_with_numbers_coerced_to_the_schema(register, keeper):
    book = Workbook()
    sheet = book.active
    sheet.append(["plate", "make", "year", "owner_id", "owner_national_id"])
    sheet.append(["AB-001", "Volvo", 2010, "p1", 900000001])
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    run = register_import(
        register=register, filename="v.xlsx", stream=stream, actor=keeper, dry_run=False
    )
    assert run.created == 1, run.errors
    assert Record.objects.get().data["year"] == 2010


def test_the_import_command_is_a_dry_run_unless_told_to_apply(register, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(HEADER + GOOD)
    out = io.StringIO()
    call_command("register_import", "vehicles", str(path), "--no-progress", stdout=out)
    assert "dry run: 2 rows, 2 to create" in out.getvalue() and Record.objects.count() == 0
    call_command(
        "register_import",
        "vehicles",
        str(path),
        "--apply",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert Record.objects.count() == 2 and ImportRun.objects.count() == 2


def test_the_import_command_fails_on_bad_rows(register, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(HEADER + BAD)
    with pytest.raises(CommandError, match="2 bad row"):
        call_command(
            "register_import",
            "vehicles",
            str(path),
            "--apply",
            "--no-progress",
            stdout=io.StringIO(),
        )


class Legacy(BaseHTTPRequestHandler):
    pages = {
        "1": {"results": [{"plate": "AB-001", "make": "Volvo", "owner_id": "p1"}], "next": None},
    }

    def do_GET(self):  # noqa: N802
        if self.path.startswith("/records?page="):
            page = self.path.rsplit("=", 1)[1]
            body = dict(self.pages.get(page, {"results": [], "next": None}))
            if page == "1":
                body["next"] = f"http://127.0.0.1:{self.server.server_port}/records?page=2"
            if page == "2":
                body = {
                    "results": [
                        {"plate": "AB-002", "make": "Saab", "owner_id": "p2"},
                        {"plate": "broken", "make": "Saab", "owner_id": "p3"},
                    ],
                    "next": None,
                }
            payload = json.dumps(body).encode()
            self.send_response(200)
        elif self.path == "/records/AB-001":
            payload = json.dumps({"plate": "AB-001", "make": "Volvo"}).encode()
            self.send_response(200)
        else:
            payload = b"{}"
            self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def legacy():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Legacy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_the_remote_adapter_pulls_every_page_and_reports_bad_rows(register, keeper, legacy):
    register.adapter, register.adapter_config = "remote", {"base_url": legacy}
    register.save()
    report = register_remote_sync(register=register, actor=keeper)
    assert (report.total, report.created) == (3, 2)
    assert [e["row"] for e in report.errors] == [3]
    assert sorted(r.data["plate"] for r in Record.objects.all()) == ["AB-001", "AB-002"]
    again = register_remote_sync(register=register, actor=keeper)
    assert again.unchanged == 2 and again.created == 0


def test_the_remote_adapter_reads_one_record_live(legacy):
    source = adapters.get("remote")({"base_url": legacy})
    assert source.get("AB-001")["make"] == "Volvo"


def test_an_unreachable_or_failing_legacy_system_is_unavailable(legacy):
    with pytest.raises(Unavailable):
        list(adapters.get("remote")({"base_url": legacy, "path": "/broken"}).rows())
    with pytest.raises(Unavailable):
        list(adapters.get("remote")({"base_url": "http://127.0.0.1:9", "timeout": 1}).rows())


@given(st.integers(-(10**9), 10**9))
def test_integer_cells_come_back_as_the_same_integer(n):
    assert coerce(str(n), "integer") == n
    assert coerce(float(n), "integer") == n


@given(st.text())
def test_a_string_cell_stays_text_or_is_empty(text):
    value = coerce(text, "string")
    assert value is None if text.strip() == "" else value == text.strip()


@given(st.sampled_from(["true", "FALSE", "yes", "no", "1", "0"]))
def test_boolean_words_become_booleans(word):
    assert isinstance(coerce(word, "boolean"), bool)
