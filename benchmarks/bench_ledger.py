"""P2: the data-use ledger on PostgreSQL (harness contract: benchmarks/README.md).

Measures, in a fresh database created for the run and dropped after it:
- durable appends/s: one transaction per access, each committing its queued entry, with the
  sequencer integrating in batches, beside plain INSERTs of rows of the same size in the same
  run (the ratio is the ledger's cost);
- inclusion and consistency proof times on a large log (10,000,000 entries; 1,000,000 with
  quick). The large tree is generated fast: synthetic leaf hashes and every complete subtree
  computed in Python with hashlib, the stored ones bulk-COPYed into the node table (the
  layout the sequencer writes), then proofs are served by the real selectors, and checked.

The work runs in a child process whose DATABASE_URL points at the fresh database
(benchmarks/server.py `fresh_database`, admin URL from BENCH_DATABASE_ADMIN_URL), so the
harness's own Django (if any) is untouched. Whole run: about 1 minute with quick (1,000,000
entries), several minutes without (10,000,000 entries, about 20,000,000 node rows).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def run(quick: bool) -> dict[str, Any]:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from benchmarks.server import fresh_database, server_env

    with fresh_database("bench_ledger") as url:
        env = server_env(url, DJANGO_SETTINGS_MODULE="govdoor.conf.settings")
        child = subprocess.run(
            [sys.executable, __file__, "--child", "quick" if quick else "full"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    if child.returncode != 0:
        raise RuntimeError(f"bench_ledger child failed:\n{child.stderr[-4000:]}")
    raw = json.loads(child.stdout.strip().splitlines()[-1])
    return _shape(raw)


def _shape(raw: dict[str, Any]) -> dict[str, Any]:
    """The harness's shape: `rows` for the table, ratios and the rest below it."""
    batch = raw["batch_rows_per_transaction"]
    rows = [
        {
            "scenario": "plain INSERT, one row per durable transaction (baseline, median)",
            "per_s": raw["single_plain_inserts_per_s"],
            "ms": "",
        },
        {
            "scenario": "ledger_append, one per durable transaction + sequencer (median)",
            "per_s": raw["single_ledger_appends_per_s"],
            "ms": "",
        },
        {
            "scenario": f"plain INSERT, {batch} rows (executemany) per durable transaction",
            "per_s": raw["batched_plain_inserts_per_s"],
            "ms": "",
        },
        {
            "scenario": f"ledger appends, {batch} per durable transaction + sequencer (median)",
            "per_s": raw["batched_ledger_appends_per_s"],
            "ms": "",
        },
        {
            "scenario": f"plain COPY, {batch} rows per durable transaction (reference, median)",
            "per_s": raw["batched_plain_copy_per_s"],
            "ms": "",
        },
        {
            "scenario": f"ledger_append_many, {raw['bulk_entries']:,} entries, one transaction",
            "per_s": raw["bulk_ledger_append_many_per_s"],
            "ms": "",
        },
        {
            "scenario": f"plain COPY of {raw['bulk_entries']:,} rows the same size (baseline)",
            "per_s": raw["bulk_plain_copy_per_s"],
            "ms": "",
        },
        {
            "scenario": f"sequencing those {raw['bulk_entries']:,} entries into the tree",
            "per_s": raw["bulk_sequenced_per_s"],
            "ms": "",
        },
        {
            "scenario": f"inclusion proof, {raw['large_log_entries']:,} entries (median)",
            "per_s": "",
            "ms": raw["inclusion_proof_ms_median"],
        },
        {
            "scenario": f"inclusion proof, {raw['large_log_entries']:,} entries (p95)",
            "per_s": "",
            "ms": raw["inclusion_proof_ms_p95"],
        },
        {
            "scenario": f"consistency proof, {raw['large_log_entries']:,} entries (median)",
            "per_s": "",
            "ms": raw["consistency_proof_ms_median"],
        },
        {
            "scenario": "sequence 1,000 queued entries onto the large log",
            "per_s": "",
            "ms": raw["sequence_1000_onto_large_log_ms"],
        },
    ]
    return {
        "rows": rows,
        "ratios": {
            "ledger_appends_vs_plain_inserts_single": raw["single_ledger_to_plain_ratio"],
            "ledger_appends_vs_plain_inserts_batched": raw["batched_ledger_to_plain_ratio"],
            "ledger_appends_vs_plain_copy_batched": raw["batched_ledger_to_copy_ratio"],
            "ledger_append_many_vs_plain_copy": raw["bulk_ledger_to_copy_ratio"],
        },
        "goal": {
            "batched_appends_per_s>=5000": raw["batched_ledger_appends_per_s"] >= 5000,
            ">=50%_of_plain_insert_batched": raw["batched_ledger_to_plain_ratio"] >= 0.5,
        },
        "setup": {k: v for k, v in raw.items() if not k.endswith(("_per_s", "_ms_median"))},
    }


# --- the child: runs with Django on the fresh database ---------------------------------------


def _appends(n: int, reps: int, batch: int, *, batched_rows: int, every: int) -> dict[str, Any]:
    """Durable appends against plain INSERTs of rows the same size, fairly: the same number
    of rows in the same number of transactions (`batch` rows each; synchronous_commit on, so
    every commit waits for its WAL flush), in alternating rounds so both see the same machine
    load; the ledger's rounds include the sequencer's work (nodes, a signed checkpoint), run
    after every `every` entries (the beat's batch). The median of the rounds, for `n` rows
    one per transaction and for `batched_rows` rows `batch` per transaction (a batched round
    of 2,000 rows lasts ~20 ms here: too short to time steadily).

    The batched baseline is the fastest plain INSERT, not the easiest to beat: psycopg's
    pipelined executemany of the one-row INSERT, steady at ~11 µs a row here, where one
    INSERT of a 250-row VALUES list took 14-25 µs a row from round to round (its 1,250
    parameters are parsed and planned on every call) and flattered the ledger's ratio past
    1. COPY of the same rows in the same transactions, faster than any INSERT, is reported
    beside it as the strictest reference."""
    from unittest import mock

    from django.db import connection, transaction

    from govdoor.ledger import services
    from govdoor.ledger.models import Entry

    def entry() -> dict[str, Any]:
        return {
            "subject_id": "0190b8c4-0000-7000-8000-000000000001",
            "actor_org": "tax-agency",
            "actor_user": None,
            "action": "read",
            "purpose": "income-tax-assessment",
            "legal_basis": "Income Tax Act s. 12",
            "fields": ["address", "income"],
        }

    with mock.patch.object(services, "_sequencer_kick", lambda: None):
        with transaction.atomic():
            services.ledger_append(**entry())  # warm up
        services.ledger_sequence_all()
    row = Entry.objects.order_by("-id").first()
    payload = row.body if row and row.body else "x" * 300
    subject = entry()["subject_id"]
    with connection.cursor() as cursor:
        # The entry's columns (a row of the same size), with only a primary key.
        cursor.execute(
            "CREATE TABLE bench_plain (id bigserial PRIMARY KEY, h bytea, xid bigint,"
            " queued_at timestamptz, subject_ref varchar(64), body text)"
        )
        cursor.execute("SHOW synchronous_commit")
        sync = cursor.fetchone()[0]

    def rows_of(size: int) -> int:
        return n if size == 1 else batched_rows

    insert = (
        "INSERT INTO bench_plain (h, xid, queued_at, subject_ref, body) VALUES (%s, %s, %s, %s, %s)"
    )
    copy_sql = "COPY bench_plain (h, xid, queued_at, subject_ref, body) FROM STDIN (FORMAT BINARY)"

    def plain_round(size: int) -> float:
        started = time.perf_counter()
        for _ in range(rows_of(size) // size):
            now = dt.datetime.now(dt.UTC)
            params = [(os.urandom(32), 7, now, subject, payload) for _ in range(size)]
            with transaction.atomic(), connection.cursor() as cursor:
                if size == 1:
                    cursor.execute(insert, params[0])
                else:
                    cursor.executemany(insert, params)  # pipelined by psycopg
        return rows_of(size) / (time.perf_counter() - started)

    def copy_round(size: int) -> float:
        connection.ensure_connection()
        raw: Any = connection.connection
        started = time.perf_counter()
        for _ in range(rows_of(size) // size):
            now = dt.datetime.now(dt.UTC)
            with transaction.atomic(), raw.cursor() as cursor, cursor.copy(copy_sql) as cp:
                cp.set_types(["bytea", "int8", "timestamptz", "varchar", "text"])
                for _ in range(size):
                    cp.write_row((os.urandom(32), 7, now, subject, payload))
        return rows_of(size) / (time.perf_counter() - started)

    def ledger_round(size: int) -> float:
        started = time.perf_counter()
        queued = 0
        with mock.patch.object(services, "_sequencer_kick", lambda: None):
            for _ in range(rows_of(size) // size):
                if queued >= every:
                    services.ledger_sequence_all()  # the beat's batch: part of the cost
                    queued = 0
                queued += size
                with transaction.atomic():
                    if size == 1:
                        services.ledger_append(**entry())
                    else:
                        services.ledger_append_many(
                            entries=[services.LedgerEntryIn(**entry()) for _ in range(size)]
                        )
            services.ledger_sequence_all()
        return rows_of(size) / (time.perf_counter() - started)

    out: dict[str, Any] = {}
    for size, name in ((1, "single"), (batch, "batched")):
        plain, ledger, ratios, copies, copy_ratios = [], [], [], [], []
        for _ in range(reps):
            p, g = plain_round(size), ledger_round(size)
            plain.append(p)
            ledger.append(g)
            ratios.append(g / p)
            if size > 1:
                copies.append(copy_round(size))
                copy_ratios.append(g / copies[-1])
        out[f"{name}_ledger_appends_per_s"] = round(statistics.median(ledger), 1)
        out[f"{name}_plain_inserts_per_s"] = round(statistics.median(plain), 1)
        out[f"{name}_ledger_to_plain_ratio"] = round(statistics.median(ratios), 3)
        out[f"{name}_ratio_min_max"] = [round(min(ratios), 3), round(max(ratios), 3)]
        if copies:
            out[f"{name}_plain_copy_per_s"] = round(statistics.median(copies), 1)
            out[f"{name}_ledger_to_copy_ratio"] = round(statistics.median(copy_ratios), 3)
    return out | {
        "rows_per_round": {"single": n, "batched": batched_rows},
        "sequenced_every_entries": every,
        "rounds": reps,
        "batch_rows_per_transaction": batch,
        "record_bytes": len(payload),
        "synchronous_commit": sync,
        "note": "same rows, same transactions, same durability for both; alternating rounds; "
        "the ledger's rounds include sequencing their entries and signing a checkpoint",
    }


def _bulk(n: int) -> dict[str, Any]:
    """ledger_append_many (a rule run's population scan) beside COPY of the same rows into a
    table with only a primary key, one transaction each; then sequencing them all."""
    from unittest import mock

    from django.db import connection, transaction

    from govdoor.ledger import leaf, services
    from govdoor.ledger.rows import LedgerEntryIn, prefix_checked

    entries = [
        LedgerEntryIn(
            subject_id=f"0190b8c4-0000-7000-8000-{i:012d}",
            actor_org="benefits-agency",
            actor_user=None,
            action="decide",
            purpose="child-benefit-scan",
            legal_basis="Child Benefit Act s. 4",
            fields=("children", "income"),
        )
        for i in range(n)
    ]
    with mock.patch.object(services, "_sequencer_kick", lambda: None):
        started = time.perf_counter()
        with transaction.atomic():
            services.ledger_append_many(entries=entries)
        ledger_s = time.perf_counter() - started
        started = time.perf_counter()
        services.ledger_sequence_all()
        sequence_s = time.perf_counter() - started
    payload = leaf.text(prefix_checked(entries[0], "x"), "s" * 44, "x" * 36)
    with connection.cursor() as cursor:
        # The entry's columns (rows of the same size), with only a primary key.
        cursor.execute(
            "CREATE TABLE bench_copy (id bigint PRIMARY KEY, h bytea, xid bigint,"
            " queued_at timestamptz, subject_ref varchar(64), body text)"
        )
    raw: Any = connection.connection
    at = dt.datetime.now(dt.UTC).isoformat()
    started = time.perf_counter()
    with (
        transaction.atomic(),
        raw.cursor() as cur,
        cur.copy("COPY bench_copy (id, h, xid, queued_at, subject_ref, body) FROM STDIN") as copy,
    ):
        for start in range(0, n, 50_000):
            copy.write(
                "".join(
                    f"{i}\t\\\\x{os.urandom(32).hex()}\t7\t{at}\t{entries[i].subject_id}"
                    f"\t{payload}\n"
                    for i in range(start, min(start + 50_000, n))
                )
            )
    copy_s = time.perf_counter() - started
    return {
        "bulk_entries": n,
        "bulk_ledger_append_many_per_s": round(n / ledger_s),
        "bulk_plain_copy_per_s": round(n / copy_s),
        "bulk_ledger_to_copy_ratio": round(copy_s / ledger_s, 3),
        "bulk_ledger_append_many_s": round(ledger_s, 2),
        "bulk_sequence_all_s": round(sequence_s, 2),
        "bulk_sequenced_per_s": round(n / sequence_s),
    }


def _build_large(size: int) -> tuple[bytes, float]:
    """COPY `size` entries with synthetic leaf hashes, the one span that lays them out as
    leaves 0 … size - 1, and the complete subtrees the sequencer stores (from
    merkle.STORED_FROM_LEVEL up); the head and the entry sequence past them, so the
    sequencer carries on from there; returns (root, seconds)."""
    from django.db import connection

    from govdoor.ledger import merkle
    from govdoor.ledger.models import Head, Span

    started = time.perf_counter()
    sha = hashlib.sha256
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE ledger_node, ledger_entry, ledger_span, ledger_checkpoint, ledger_head"
        )
        cursor.execute("ALTER TABLE ledger_node DROP CONSTRAINT ledger_node_pkey")
        cursor.execute("ALTER TABLE ledger_entry DROP CONSTRAINT ledger_entry_pkey")
        cursor.execute("DROP INDEX ledger_entry_queue")
        cursor.execute("DROP INDEX ledger_entry_subject")
    raw = connection.connection
    stack: list[tuple[int, int, bytes]] = []
    at = "2026-01-01T00:00:00+00:00"
    with (
        raw.cursor() as cur,
        cur.copy("COPY ledger_entry (id, leaf_hash, queued_at, xid) FROM STDIN") as entries,
    ):
        nodes: list[str] = []
        lines: list[str] = []
        for i in range(size):
            h = sha(b"\x00" + i.to_bytes(8, "big")).digest()
            lines.append(f"{i + 1}\t\\\\x{h.hex()}\t{at}\t0\n")
            stack.append((0, i, h))
            while len(stack) >= 2 and stack[-1][0] == stack[-2][0]:
                right, left = stack.pop(), stack.pop()
                node = (left[0] + 1, left[1] >> 1, sha(b"\x01" + left[2] + right[2]).digest())
                stack.append(node)
                if node[0] >= merkle.STORED_FROM_LEVEL:
                    nodes.append(f"{node[0]}\t{node[1]}\t\\\\x{node[2].hex()}\n")
            if len(lines) >= 200_000:
                entries.write("".join(lines))
                lines.clear()
        entries.write("".join(lines))
    with raw.cursor() as cur, cur.copy("COPY ledger_node (level, position, hash) FROM STDIN") as cp:
        cp.write("".join(nodes))
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE ledger_node ADD PRIMARY KEY (level, position)")
        cursor.execute("ALTER TABLE ledger_entry ADD PRIMARY KEY (id)")
        cursor.execute('CREATE INDEX ledger_entry_queue ON ledger_entry ("xid", "id")')
        cursor.execute(
            'CREATE INDEX ledger_entry_subject ON ledger_entry ("subject_ref", "id" DESC)'
        )
        cursor.execute("SELECT setval(pg_get_serial_sequence('ledger_entry', 'id'), %s)", [size])
        cursor.execute("ANALYZE ledger_node")
        cursor.execute("ANALYZE ledger_entry")
    Span.objects.create(leaf_start=0, entry_start=1, length=size)
    root = merkle.fold_right([h for _, _, h in stack])
    Head.objects.create(pk=1, size=size, root=root, cursor_xid=0, cursor_id=size)
    return root, time.perf_counter() - started


def _proofs(size: int, root: bytes, samples: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from govdoor.ledger import merkle, selectors

    rng = random.Random(20261123)
    for _ in range(20):  # warm the connection and the planner; not timed
        selectors.inclusion_proof_get(index=rng.randrange(size), tree_size_arg=size)
    with CaptureQueriesContext(connection) as ctx:
        selectors.inclusion_proof_get(index=rng.randrange(size), tree_size_arg=size)
    queries = len(ctx.captured_queries)
    times = []
    for _ in range(samples):
        index = rng.randrange(size)
        started = time.perf_counter()
        _, _, proof = selectors.inclusion_proof_get(index=index, tree_size_arg=size)
        times.append((time.perf_counter() - started) * 1000)
        leaf = hashlib.sha256(b"\x00" + index.to_bytes(8, "big")).digest()  # as generated
        assert merkle.inclusion_verify(
            index=index, size=size, leaf=leaf, proof=proof, root_hash=root
        ), index
    ctimes = []
    for _ in range(max(samples // 4, 10)):
        first = rng.randrange(1, size)
        started = time.perf_counter()
        _, _, proof = selectors.consistency_proof_get(first=first, second=size)
        ctimes.append((time.perf_counter() - started) * 1000)
        assert merkle.consistency_verify(
            first=first,
            second=size,
            first_root=selectors.tree_root(size=first),
            second_root=root,
            proof=proof,
        )
    times.sort()
    return {
        "inclusion_proof_ms_median": round(statistics.median(times), 3),
        "inclusion_proof_ms_p95": round(times[int(len(times) * 0.95) - 1], 3),
        "inclusion_proof_ms_max": round(times[-1], 3),
        "inclusion_proof_queries": queries,
        "inclusion_proof_nodes": len(merkle.keys_needed(merkle.inclusion_ranges(size // 3, size))),
        "consistency_proof_ms_median": round(statistics.median(ctimes), 3),
        "proofs_checked": samples + len(ctimes),
    }


def _sequence_on_top(extra: int) -> float:
    """Sequencing new entries onto the large tree: reads only the right edge, no rebuild."""
    from unittest import mock

    from django.db import transaction

    from govdoor.ledger import services

    with mock.patch.object(services, "_sequencer_kick", lambda: None), transaction.atomic():
        for _ in range(extra):
            services.ledger_append(
                subject_id="s",
                actor_org="o",
                actor_user=None,
                action="read",
                purpose="p",
                legal_basis="l",
                fields=["a"],
            )
    started = time.perf_counter()
    services.ledger_sequence_all()
    return (time.perf_counter() - started) * 1000


def _child(quick: bool) -> dict[str, Any]:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    out: dict[str, Any] = {"database": "postgresql (fresh database, dropped after the run)"}
    out.update(
        _appends(
            500 if quick else 2000,
            5 if quick else 7,
            batch=250,
            batched_rows=2000 if quick else 10_000,
            every=500 if quick else 2000,
        )
    )
    out.update(_bulk(100_000 if quick else 1_000_000))
    size = 1_000_000 if quick else 10_000_000
    root, build_s = _build_large(size)
    out["large_log_entries"] = size
    out["large_log_build_s"] = round(build_s, 1)
    out["large_log_build_note"] = (
        "synthetic leaf hashes as entries, one span; nodes computed with hashlib, COPYed"
    )
    out.update(_proofs(size, root, 200 if quick else 500))
    out["sequence_1000_onto_large_log_ms"] = round(_sequence_on_top(1000), 1)
    out["goal"] = "inclusion proof for 10,000,000 entries <= 5 ms with O(log n) reads"
    out["goal_met_median"] = size == 10_000_000 and out["inclusion_proof_ms_median"] <= 5.0
    out["goal_met_p95"] = size == 10_000_000 and out["inclusion_proof_ms_p95"] <= 5.0
    out["machine"] = f"{os.cpu_count()} cores, shared with other work during the run"
    return out


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(_child(sys.argv[2] == "quick")))
    else:
        print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
