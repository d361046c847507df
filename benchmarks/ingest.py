"""Ingestion benchmark (issue 3): rows per second and peak memory of file imports and of the batch API,
against the raw write speed of the same rows through the database driver alone, in the same run.

Run by hand (not in CI), from the repository root:

    .venv/bin/python benchmarks/ingest.py --rows 1000000 --out benchmarks/.data/ingest.json

Every measured command is a separate process started here. Peak memory is that process's own maximum
resident set size, as the kernel reports it to `os.wait4` when the process ends (not sampled, so never
missed). Linux counts the parent's resident size at fork time into a child's maximum, so this process stays
small: the raw-driver baselines (which hold every row in memory) run in a child of their own too.
Import rows/s = file rows / wall time of the `voxpop import` process (which includes interpreter start-up);
"in-import" rows/s uses the import's own created_at → finished_at instead (scan + every chunk, no start-up).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import resource
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from uuid_utils import compat

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedback_data import write_csv

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
VOXPOP = str(Path(sys.executable).parent / "voxpop")
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
FEEDBACK_COLUMNS = [
    "id", "workspace_id", "customer_id", "kind", "channel", "source", "external_id", "received_at",
    "lifecycle_stage", "touchpoint", "title", "text", "language", "nps", "csat", "ces", "rating", "attributes",
    "created_at", "updated_at",
]  # fmt: skip
CUSTOMER_COLUMNS = "id, workspace_id, name, language, attributes, created_at, updated_at"
IMPORT_TARGETS = {"ratio_of_raw": 0.5, "sqlite_rows_per_second": 50_000, "peak_rss_mb": 300}


@dataclass
class Run:
    """One measured child process."""

    seconds: float
    peak_rss_mb: float
    output: str


def run_measured(args: list[str], env: dict[str, str], check: bool = True) -> Run:
    """Run a command to its end; its own peak RSS comes from wait4's rusage (kilobytes on Linux)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen(args, env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if check and process.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(args)} failed ({process.returncode}): {err.read()[-2000:]}")
        out.seek(0)
        return Run(seconds, usage.ru_maxrss / 1024, out.read())


def voxpop(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([VOXPOP, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"voxpop {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout


def environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOXPOP_")}
    env["VOXPOP_DATA_DIR"] = str(data_dir)
    env["VOXPOP_EMBEDDED_JOBS"] = "false"
    if database_url:
        env["VOXPOP_DATABASE_URL"] = database_url
    return env


@contextmanager
def postgres_database(name: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards; yields its SQLAlchemy URL."""
    with psycopg.connect(f"{PG_SERVER}/test", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(f"{PG_SERVER}/test", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def database(backend: str, label: str) -> Iterator[tuple[dict[str, str], str]]:
    """A migrated database with a workspace "bench": yields the env for voxpop and the driver's DSN."""
    with tempfile.TemporaryDirectory(prefix=f"voxpop-bench-{label}-") as tmp:
        if backend == "sqlite":
            env = environment(Path(tmp), None)
            voxpop(env, "db", "upgrade")
            voxpop(env, "workspace", "create", "bench")
            yield env, str(Path(tmp) / "voxpop.db")
            return
        with postgres_database(f"bench_x_{label}") as url:
            env = environment(Path(tmp), url)
            voxpop(env, "db", "upgrade")
            voxpop(env, "workspace", "create", "bench")
            yield env, url.replace("postgresql+psycopg://", "postgresql://")


def measure_import(backend: str, path: Path, rows: int, label: str) -> dict[str, Any]:
    with database(backend, label) as (env, _dsn):
        run = run_measured([VOXPOP, "import", str(path), "--workspace", "bench", "--json"], env)
    report = json.loads(run.output)
    started = datetime.fromisoformat(report["created_at"].replace("Z", "+00:00"))
    finished = datetime.fromisoformat(report["finished_at"].replace("Z", "+00:00"))
    own = (finished - started).total_seconds()
    return {
        "backend": backend,
        "rows": rows,
        "status": report["status"],
        "rows_created": report["rows_created"],
        "rows_rejected": report["rows_rejected"],
        "process_seconds": run.seconds,
        "rows_per_second": rows / run.seconds,
        "import_seconds": own,
        "rows_per_second_in_import": rows / own,
        "peak_rss_mb": run.peak_rss_mb,
    }


def write_rejected_csv(path: Path, rows: int) -> Path:
    """A file whose every row is rejected (a score that is not a number), to measure the rejection report."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "date", "nps", "comment"])
            for n in range(1, rows + 1):
                writer.writerow([f"r{n}", "2024-05-01T10:00:00Z", "not a score", f"comment number {n}"])
    return path


def measure_memory(sizes: list[int], seed: int) -> dict[str, Any]:
    """Peak RSS of `voxpop import` (SQLite) at each size: the good rows with --json, and a file whose every
    row is rejected with the human-readable report (which prints a bounded sample of the rejections)."""
    result: dict[str, Any] = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": machine(),
        "runs": [],
    }
    for rows in sizes:
        good = write_csv(DATA / f"feedback-{rows}-seed{seed}.csv", rows, seed)
        bad = write_rejected_csv(DATA / f"rejected-{rows}.csv", rows)
        for label, path, extra in (("good rows, --json", good, ["--json"]), ("every row rejected", bad, [])):
            print(f"memory: {label}, {rows:,} rows …", file=sys.stderr)
            with database("sqlite", f"mem{rows}") as (env, _dsn):
                command = [VOXPOP, "import", str(path), "--workspace", "bench", *extra]
                run = run_measured(command, env, check=False)
            result["runs"].append(
                {"file": label, "rows": rows, "seconds": round(run.seconds, 1),
                 "peak_rss_mb": round(run.peak_rss_mb, 1), "output_bytes": len(run.output)}
            )  # fmt: skip
    result["machine"]["load_average_at_end"] = os.getloadavg()
    return result


def memory_summary(result: dict[str, Any]) -> str:
    lines = ["| file | rows | time (s) | peak RSS (MB) | output (bytes) |", "|---|---:|---:|---:|---:|"]
    for r in result["runs"]:
        lines.append(
            f"| {r['file']} | {r['rows']:,} | {up(r['seconds'], 1)} | {up(r['peak_rss_mb'])} | "
            f"{r['output_bytes']:,} |"
        )
    return "\n".join(lines)


def raw_rows(
    path: Path, workspace_id: str, postgres: bool
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The feedback rows our import stores for this file, as the driver takes them, and their customers.

    Same columns and values: channel lower-cased, source "import", kind "other", region and plan on the
    customer, store as a record attribute, one customer per distinct email.
    """
    now = datetime.now(UTC)
    stamp: Any = now if postgres else now.replace(tzinfo=None).isoformat(" ", "microseconds")
    workspace: Any = workspace_id if postgres else workspace_id.replace("-", "")
    customers: dict[str, Any] = {}
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        for line in csv.DictReader(handle):
            email = line["email"]
            if email not in customers:
                customers[email] = _id(postgres)
            received: Any = datetime.fromisoformat(line["date"].replace("Z", "+00:00"))
            if not postgres:
                received = received.replace(tzinfo=None).isoformat(" ", "microseconds")
            attributes = {"store": line["store"]}
            rows.append((
                _id(postgres), workspace, customers[email], "other", line["channel"].lower(), "import",
                line["id"], received,
                None, None, None, line["comment"], None, int(line["nps"]),
                int(line["csat"]) if line["csat"] else None, None, None,
                Jsonb(attributes) if postgres else json.dumps(attributes, ensure_ascii=False), stamp, stamp,
            ))  # fmt: skip
    customer_rows = [
        (cid, workspace, None, None, Jsonb({}) if postgres else "{}", stamp, stamp)
        for cid in customers.values()
    ]
    return rows, customer_rows


def _id(postgres: bool) -> Any:
    value = compat.uuid7()
    return value if postgres else value.hex


def measure_raw(backend: str, path: Path, rows: int) -> dict[str, Any]:
    """The raw-driver baseline, in a child process (see the module docstring)."""
    command = [sys.executable, __file__, "--raw", backend, "--raw-file", str(path), "--rows", str(rows)]
    return dict(json.loads(run_measured(command, os.environ.copy()).output))


def raw_sqlite(path: Path, rows: int) -> dict[str, Any]:
    """sqlite3 executemany into the migrated feedback table, one transaction, our connection pragmas."""
    with database("sqlite", "raw") as (_env, db_path):
        connection = sqlite3.connect(db_path, isolation_level=None)
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL"):
            connection.execute(f"PRAGMA {pragma}")
        (workspace,) = connection.execute("SELECT id FROM workspaces").fetchone()
        feedback, customers = raw_rows(path, str(workspace), postgres=False)
        connection.execute("BEGIN")
        connection.executemany(
            f"INSERT INTO customers ({CUSTOMER_COLUMNS}) VALUES (?,?,?,?,?,?,?)", customers
        )
        connection.execute("COMMIT")
        marks = ", ".join("?" * len(FEEDBACK_COLUMNS))
        insert = f"INSERT INTO feedback ({', '.join(FEEDBACK_COLUMNS)}) VALUES ({marks})"
        start = time.perf_counter()
        connection.execute("BEGIN")
        connection.executemany(insert, feedback)
        connection.execute("COMMIT")
        seconds = time.perf_counter() - start
        connection.close()
    return {"backend": "sqlite", "method": "executemany, one transaction", "rows": rows, "seconds": seconds,
            "rows_per_second": rows / seconds}  # fmt: skip


def raw_postgres(path: Path, rows: int) -> dict[str, Any]:
    """psycopg COPY into the migrated feedback table, one transaction."""
    with database("postgres", "raw") as (_env, dsn), psycopg.connect(dsn) as connection:
        (workspace,) = connection.execute("SELECT id FROM workspaces").fetchone() or ("",)
        feedback, customers = raw_rows(path, str(workspace), postgres=True)
        with connection.cursor().copy(f"COPY customers ({CUSTOMER_COLUMNS}) FROM STDIN") as copy:
            for row in customers:
                copy.write_row(row)
        connection.commit()
        start = time.perf_counter()
        with connection.cursor().copy(f"COPY feedback ({', '.join(FEEDBACK_COLUMNS)}) FROM STDIN") as copy:
            for row in feedback:
                copy.write_row(row)
        connection.commit()
        seconds = time.perf_counter() - start
    return {"backend": "postgres", "method": "COPY, one transaction", "rows": rows, "seconds": seconds,
            "rows_per_second": rows / seconds}  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, server: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("voxpop serve exited before it answered")
        try:
            if httpx.get(f"{url}/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError("voxpop serve did not answer in time")


def measure_api(records: int, batch: int, concurrency: int) -> dict[str, Any]:
    """`voxpop serve` (uvicorn, one worker, SQLite) and the load generator, each in its own process."""
    with database("sqlite", "api") as (env, _dsn):
        key = json.loads(voxpop(env, "apikey", "create", "--workspace", "bench", "--json"))["key"]
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [VOXPOP, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_until_up(url, server)
            options = ["--records", str(records), "--batch", str(batch), "--concurrency", str(concurrency)]
            loadgen = [sys.executable, str(HERE / "api_load.py"), "--url", url, "--key", key, *options]
            load = run_measured(loadgen, os.environ.copy())
        finally:
            server.terminate()
            _pid, _status, usage = os.wait4(server.pid, 0)
            server.returncode = 0
    result = json.loads(load.output)
    return {**result, "server_peak_rss_mb": usage.ru_maxrss / 1024, "loadgen_peak_rss_mb": load.peak_rss_mb}


def machine() -> dict[str, Any]:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    total_kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    try:
        with psycopg.connect(f"{PG_SERVER}/test") as connection:
            row = connection.execute("SHOW server_version").fetchone()
            pg_version = str(row[0]) if row else None
    except psycopg.Error:
        pg_version = None
    return {
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "memory_gb": round(total_kb / 1024 / 1024, 1),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg_version,
        "load_average_at_start": os.getloadavg(),
    }


def _cpu_model() -> str | None:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return None


def down(value: float, digits: int = 0) -> str:
    """Speeds and ratios are truncated, never rounded up."""
    scale = 10**digits
    return f"{math.floor(value * scale) / scale:,.{digits}f}"


def up(value: float, digits: int = 0) -> str:
    """Times, latencies and memory are rounded up, never down."""
    scale = 10**digits
    return f"{math.ceil(value * scale) / scale:,.{digits}f}"


def summary(result: dict[str, Any]) -> str:
    raw = {r["backend"]: r["rows_per_second"] for r in result["raw"]}
    lines = [
        "| measurement | rows | time (s) | rows/s | vs raw driver | peak RSS (MB) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in result["raw"]:
        lines.append(f"| raw {r['backend']} ({r['method']}) | {r['rows']:,} | {up(r['seconds'], 2)} | "
                     f"{down(r['rows_per_second'])} | 100 % | – |")  # fmt: skip
    for r in result["imports"]:
        base, name = raw[r["backend"]], f"import CSV → {r['backend']}"
        whole, own = r["rows_per_second"], r["rows_per_second_in_import"]
        lines.append(
            f"| {name} (whole process) | {r['rows']:,} | {up(r['process_seconds'], 2)} | "
            f"{down(whole)} | {down(100 * whole / base, 1)} % | {up(r['peak_rss_mb'])} |"
        )
        lines.append(
            f"| {name} (in-import time) | {r['rows']:,} | {up(r['import_seconds'], 2)} | "
            f"{down(own)} | {down(100 * own / base, 1)} % | – |"
        )
    if result.get("api"):
        a = result["api"]
        lines.append(
            f"| batch API → sqlite ({a['batch']}/request, {a['concurrency']} client threads) | "
            f"{a['records_created']:,} | {up(a['wall_seconds'], 2)} | {down(a['rows_per_second'])} | "
            f"{down(100 * a['rows_per_second'] / raw['sqlite'], 1)} % | {up(a['server_peak_rss_mb'])} (server) |"
        )
        lines.append(
            f"\nBatch request latency: p50 {up(a['latency_p50_ms'])} ms, p95 {up(a['latency_p95_ms'])} ms "
            f"({a['requests']} requests, {a['failed_requests']} failed)."
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rows", type=int, default=1_000_000, help="rows of the big file (default 1,000,000)"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-api", action="store_true")
    parser.add_argument("--api-records", type=int, default=200_000)
    parser.add_argument("--api-batch", type=int, default=1000)
    parser.add_argument("--api-concurrency", type=int, default=4)
    parser.add_argument("--out", type=Path, help="write the full result as JSON here")
    parser.add_argument("--raw", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--raw-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--memory",
        help="only measure peak memory of imports at these row counts (comma-separated, e.g. 100000,400000)",
    )
    parser.add_argument("--summary-of", type=Path, help="print the summary table of an earlier --out file")
    args = parser.parse_args()
    if args.summary_of:
        print(summary(json.loads(args.summary_of.read_text())))
        return
    if args.memory:
        memory = measure_memory([int(n) for n in args.memory.split(",")], args.seed)
        print(json.dumps(memory, indent=2))
        print("\n" + memory_summary(memory))
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(memory, indent=2) + "\n")
        return
    if args.raw:
        baseline = raw_sqlite if args.raw == "sqlite" else raw_postgres
        print(json.dumps(baseline(args.raw_file, args.rows)))
        return

    big = write_csv(DATA / f"feedback-{args.rows}-seed{args.seed}.csv", args.rows, args.seed)
    quarter_rows = args.rows // 4
    quarter = write_csv(DATA / f"feedback-{quarter_rows}-seed{args.seed}.csv", quarter_rows, args.seed)
    backends = ["sqlite"] if args.skip_postgres else ["sqlite", "postgres"]
    result: dict[str, Any] = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": machine(),
        "data": {"file": big.name, "rows": args.rows, "seed": args.seed, "bytes": big.stat().st_size,
                 "quarter_file": quarter.name, "quarter_rows": quarter_rows,
                 "quarter_bytes": quarter.stat().st_size},
        "targets": IMPORT_TARGETS,
        "raw": [],
        "imports": [],
    }  # fmt: skip
    for backend in backends:
        print(f"raw driver, {backend} …", file=sys.stderr)
        result["raw"].append(measure_raw(backend, big, args.rows))
        for path, rows, label in ((big, args.rows, "full"), (quarter, quarter_rows, "quarter")):
            print(f"import {rows:,} rows into {backend} …", file=sys.stderr)
            result["imports"].append(measure_import(backend, path, rows, label))
    if not args.skip_api:
        print(f"batch API, {args.api_records:,} records …", file=sys.stderr)
        result["api"] = measure_api(args.api_records, args.api_batch, args.api_concurrency)
    result["machine"]["load_average_at_end"] = os.getloadavg()
    result["benchmark_process_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["summary_markdown"] = summary(result)
    print(json.dumps({k: v for k, v in result.items() if k != "summary_markdown"}, indent=2))
    print("\n" + result["summary_markdown"])
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
