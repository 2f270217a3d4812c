"""Run govdoor's benchmarks: `python benchmarks/run.py [--quick] [--only NAME] [--list]`.

Discovers `benchmarks/bench_*.py`; each has `run(quick: bool) -> dict`. A result's `rows`
(a list of flat dicts) are printed as a table and the rest below it; the whole result is
written to `var/bench/<name>.json` with when and how it ran. A benchmark that fails is
reported and the others still run; the exit status is 1 if any failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import platform
import sys
import time
import traceback
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = REPO / "var" / "bench"


def discover() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "(no rows)"
    columns = list(dict.fromkeys(k for row in rows for k in row))
    cells = [[str(row.get(c, "")) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        return "  ".join(
            v.ljust(w) if i == 0 else v.rjust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        )

    return "\n".join([line(columns), line(["-" * w for w in widths]), *map(line, cells)])


def run_one(name: str, *, quick: bool) -> dict[str, Any]:
    module = importlib.import_module(f"benchmarks.bench_{name}")
    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    result = module.run(quick=quick)
    record = {
        "benchmark": name,
        "started_at": started.isoformat(timespec="seconds"),
        "wall_seconds": round(time.perf_counter() - t0, 1),
        "quick": quick,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "result": result,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps(record, indent=2, default=str) + "\n")
    return record


def report(record: dict[str, Any]) -> str:
    result = dict(record["result"])
    lines = [
        f"== {record['benchmark']} ({record['wall_seconds']} s"
        f"{', quick' if record['quick'] else ''})",
        table(result.pop("rows", [])),
    ]
    for key, value in result.items():
        if value:
            lines.append(f"{key}: {json.dumps(value, default=str)}")
    path = OUT / f"{record['benchmark']}.json"
    lines.append(f"written to {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs (CI smoke test)")
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="run only this benchmark (repeatable)"
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)

    names = discover()
    if args.list:
        print("\n".join(names))
        return 0
    if args.only:
        unknown = sorted(set(args.only) - set(names))
        if unknown:
            parser.error(f"no such benchmark: {', '.join(unknown)} (have: {', '.join(names)})")
        names = [n for n in names if n in args.only]

    failed = []
    for name in names:
        try:
            print(report(run_one(name, quick=args.quick)), flush=True)
        except Exception:
            failed.append(name)
            print(f"== {name} FAILED\n{traceback.format_exc()}", file=sys.stderr, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.path.insert(1, str(REPO / "src"))
    sys.exit(main())
