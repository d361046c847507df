"""Dashboard speed (issue 6): the metrics API with three filters and the overview, over real HTTP, at 1M and
10M feedback records on PostgreSQL (and SQLite at 1M), beside the same aggregation in in-memory DuckDB.

For each size: deterministic rows are generated once (benchmarks/insights_data.py) into tab-separated files,
written straight into a freshly migrated database (PostgreSQL: COPY; SQLite: executemany), VACUUM/ANALYZE;
`voxpop serve` is started on that database, warmed up, and a load generator in a separate process
(benchmarks/insights_load.py) sends each query shape sequentially (`--requests`), then one shape with
`--concurrency` clients. DuckDB loads the same files in memory and runs the same aggregations as many times.

    .venv/bin/python benchmarks/insights.py --sizes 1000000,10000000 --sqlite-max 1000000

Needs duckdb in the environment (a benchmark-only tool, not a voxpop dependency). Prints a table and writes
the full results as JSON (`--json-out`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import duckdb
import psycopg
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from voxpop.customer import repository as customer_repository
from voxpop.kit.db import engine_for

sys.path.insert(0, str(Path(__file__).resolve().parent))

from insights_data import (
    CUSTOMER_COLUMNS,
    FEEDBACK_COLUMNS,
    WORKSPACE_ID,
    WORKSPACE_NAME,
    parsed_rows,
    write_files,
)

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
LOAD = Path(__file__).resolve().parent / "insights_load.py"
PG_DATABASE = "bench_insights_{size}"
SINCE, UNTIL = "2025-01-01", "2025-12-31"


def _metrics_path(where: list[str]) -> str:
    params = [("metric", "nps"), ("by", "month"), *[("where", w) for w in where]]
    params += [("since", SINCE), ("until", UNTIL)]
    return "/api/v1/metrics?" + urlencode(params)


def _overview_sql(where: str, join: bool) -> list[str]:
    """The overview's three queries as the API runs them (since issue 6's speed work): counts by channel,
    counts by month, and every metric's sums in one pass."""
    source = "feedback f" + (" LEFT JOIN customers c ON c.id = f.customer_id" if join else "")
    stars = ", ".join(
        f"sum(CASE WHEN f.rating >= {k - 0.5} AND f.rating < {k + 0.5} THEN 1 ELSE 0 END)"
        for k in range(1, 6)
    )
    return [
        f"SELECT f.channel, count(*) FROM {source} WHERE {where} GROUP BY 1",
        f"SELECT strftime(f.received_at, '%Y-%m'), count(*) FROM {source} WHERE {where} GROUP BY 1 ORDER BY 1",
        f"SELECT {NPS_SUMS}, count(f.csat), sum(CASE WHEN f.csat >= 4 THEN 1 ELSE 0 END), "
        "count(f.ces), sum(f.ces), sum(f.ces * f.ces), sum(CASE WHEN f.ces >= 5 THEN 1 ELSE 0 END), "
        f"count(f.rating), sum(f.rating), sum(f.rating * f.rating), {stars} FROM {source} WHERE {where}",
    ]


NPS_SUMS = (
    "count(f.nps) AS n, sum(CASE WHEN f.nps >= 9 THEN 1 ELSE 0 END) AS promoters, "
    "sum(CASE WHEN f.nps <= 6 THEN 1 ELSE 0 END) AS detractors"
)
WINDOW = f"f.received_at >= TIMESTAMP '{SINCE}' AND f.received_at < TIMESTAMP '2026-01-01'"
SHAPES: dict[str, dict[str, Any]] = {
    "nps_month_email_north_2025": {
        "what": "GET /api/v1/metrics NPS by month, where channel=email, where customer.region=north, "
        f"since {SINCE} until {UNTIL}",
        "path": _metrics_path(["channel=email", "customer.region=north"]),
        "duckdb": [
            f"SELECT strftime(f.received_at, '%Y-%m') AS g0, {NPS_SUMS} FROM feedback f "
            "LEFT JOIN customers c ON c.id = f.customer_id "
            f"WHERE f.workspace_id = '{WORKSPACE_ID}' AND f.channel = 'email' "
            f"AND c.attributes->>'region' = 'north' AND {WINDOW} AND f.nps IS NOT NULL GROUP BY 1 ORDER BY 1"
        ],
    },
    "nps_month_web_active_2025": {
        "what": "GET /api/v1/metrics NPS by month, where channel=web, where lifecycle_stage=active, "
        f"since {SINCE} until {UNTIL}",
        "path": _metrics_path(["channel=web", "lifecycle_stage=active"]),
        "duckdb": [
            f"SELECT strftime(f.received_at, '%Y-%m') AS g0, {NPS_SUMS} FROM feedback f "
            f"WHERE f.workspace_id = '{WORKSPACE_ID}' AND f.channel = 'web' "
            f"AND f.lifecycle_stage = 'active' AND {WINDOW} AND f.nps IS NOT NULL GROUP BY 1 ORDER BY 1"
        ],
    },
    "overview_unfiltered": {
        "what": "GET /api/v1/overview (no filter: counts by channel, by month, headline NPS/CSAT/CES/rating)",
        "path": "/api/v1/overview",
        "duckdb": _overview_sql(f"f.workspace_id = '{WORKSPACE_ID}'", join=False),
    },
    "overview_email_north_2025": {
        "what": "GET /api/v1/overview where channel=email, where customer.region=north, "
        f"since {SINCE} until {UNTIL}: the overview dashboard with three filters",
        "path": "/api/v1/overview?"
        + urlencode(
            [
                ("where", "channel=email"),
                ("where", "customer.region=north"),
                ("since", SINCE),
                ("until", UNTIL),
            ]
        ),
        "duckdb": _overview_sql(
            f"f.workspace_id = '{WORKSPACE_ID}' AND f.channel = 'email' AND c.attributes->>'region' = 'north' "
            f"AND {WINDOW}",
            join=True,
        ),
    },
}
CONCURRENT_SHAPE = "nps_month_email_north_2025"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(latencies_ms: list[float]) -> dict[str, Any]:
    if not latencies_ms:
        return {"count": 0}
    return {
        "count": len(latencies_ms),
        "p50_ms": percentile(latencies_ms, 0.50),
        "p95_ms": percentile(latencies_ms, 0.95),
        "max_ms": max(latencies_ms),
    }


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def voxpop(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(VENV_BIN / "voxpop"), *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"voxpop {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout


def env_for(url: str) -> dict[str, str]:
    return {**os.environ, "VOXPOP_DATABASE_URL": url}


# --- loading -------------------------------------------------------------------------------------------------


def postgres_url(admin_url: str, size: int) -> str:
    return admin_url.rsplit("/", 1)[0] + "/" + PG_DATABASE.format(size=size)


def reusable(url: str, size: int) -> bool:
    """A database kept by an earlier run (`--keep`) that holds the `size` records: brought to the current
    schema (migrations build what they add from the rows there) and measured as it is, not loaded again."""
    try:
        voxpop(env_for(url), "db", "upgrade")
        with Session(engine_for(url)) as session:
            count = session.scalar(text("SELECT count(*) FROM feedback"))
    except (RuntimeError, OSError, SQLAlchemyError):
        return False
    return count == size


def load_postgres(admin_url: str, size: int, customers: Path, feedback: Path) -> tuple[str, dict[str, float]]:
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE.format(size=size)}")
        admin.execute(f"CREATE DATABASE {PG_DATABASE.format(size=size)}")
    url = postgres_url(admin_url, size)
    voxpop(env_for(url), "db", "upgrade")
    timings: dict[str, float] = {}
    with psycopg.connect(url) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        conn.execute(
            "INSERT INTO workspaces (id, name, created_at) VALUES (%s, %s, now())",
            (WORKSPACE_ID, WORKSPACE_NAME),
        )
        for table, columns, path in (
            ("customers", CUSTOMER_COLUMNS, customers),
            ("feedback", FEEDBACK_COLUMNS, feedback),
        ):
            start = time.perf_counter()
            statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with conn.cursor().copy(statement) as copy, path.open("rb") as source:
                while block := source.read(1 << 20):
                    copy.write(block)
            timings[f"copy_{table}_seconds"] = time.perf_counter() - start
        conn.commit()
    timings["index_customer_attributes_seconds"] = index_customer_attributes(url)
    start = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        for table in ("customers", "customer_attribute_values", "feedback"):
            conn.execute(f"VACUUM (ANALYZE) {table}")
    timings["vacuum_analyze_seconds"] = time.perf_counter() - start
    return url, timings


def sqlite_url(data_dir: Path, size: int) -> str:
    return f"sqlite:///{data_dir / f'bench-{size}.db'}"


def load_sqlite(path: Path, customers: Path, feedback: Path) -> tuple[str, dict[str, float]]:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    voxpop(env_for(url), "db", "upgrade")
    timings: dict[str, float] = {}
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)",
        (WORKSPACE_ID, WORKSPACE_NAME, "2024-06-01 00:00:00.000000"),
    )
    for table, columns, source in (
        ("customers", CUSTOMER_COLUMNS, customers),
        ("feedback", FEEDBACK_COLUMNS, feedback),
    ):
        start = time.perf_counter()
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        for rows in parsed_rows(source, columns):
            conn.executemany(sql, rows)
        timings[f"insert_{table}_seconds"] = time.perf_counter() - start
    conn.execute("COMMIT")
    timings["index_customer_attributes_seconds"] = index_customer_attributes(url)
    start = time.perf_counter()
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    timings["analyze_seconds"] = time.perf_counter() - start
    conn.close()
    return url, timings


def index_customer_attributes(url: str) -> float:
    """Builds the customer attribute index that the app keeps on every customer write (the bulk load above
    went around the app), with the app's own code; returns the seconds it took."""
    start = time.perf_counter()
    with Session(engine_for(url)) as session:
        customer_repository.index_attributes(session, uuid.UUID(WORKSPACE_ID))
        session.commit()
    return time.perf_counter() - start


def load_duckdb(customers: Path, feedback: Path) -> tuple[duckdb.DuckDBPyConnection, float]:
    def types(columns: list[str]) -> str:
        special = {
            "received_at": "TIMESTAMP",
            "created_at": "TIMESTAMP",
            "updated_at": "TIMESTAMP",
            "nps": "SMALLINT",
            "csat": "SMALLINT",
            "ces": "SMALLINT",
            "rating": "DOUBLE",
        }
        return "{" + ", ".join(f"'{c}': '{special.get(c, 'VARCHAR')}'" for c in columns) + "}"

    start = time.perf_counter()
    con = duckdb.connect(":memory:")
    for table, columns, path in (
        ("customers", CUSTOMER_COLUMNS, customers),
        ("feedback", FEEDBACK_COLUMNS, feedback),
    ):
        con.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_csv('{path}', delim='\t', header=false, "
            f"nullstr='\\N', quote='', escape='', columns={types(columns)})"
        )
    return con, time.perf_counter() - start


# --- measuring -----------------------------------------------------------------------------------------------


def time_duckdb(con: duckdb.DuckDBPyConnection, runs: int) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for name, shape in SHAPES.items():
        statements = shape["duckdb"]
        for sql in statements:  # warm up
            con.execute(sql).fetchall()
        latencies = []
        rows: list[Any] = []
        for _ in range(runs):
            start = time.perf_counter()
            rows = [con.execute(sql).fetchall() for sql in statements]
            latencies.append((time.perf_counter() - start) * 1000)
        results[name] = {**summary(latencies), "rows": rows[0]}
    return results


def start_server(url: str, port: int, log_path: Path) -> subprocess.Popen[bytes]:
    log_file = log_path.open("wb")
    server = subprocess.Popen(
        [str(VENV_BIN / "voxpop"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env_for(url),
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError(f"server did not come up; see {log_path}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def load_run(port: int, key: str, path: str, requests: int, concurrency: int, max_seconds: float) -> dict:
    done = subprocess.run(
        [
            sys.executable,
            str(LOAD),
            "--url",
            f"http://127.0.0.1:{port}",
            "--key",
            key,
            "--path",
            path,
            "--requests",
            str(requests),
            "--concurrency",
            str(concurrency),
            "--max-seconds",
            str(max_seconds),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def measure_http(
    url: str, args: argparse.Namespace, label: str, indexes: list[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Sequential runs of every shape, one concurrent run, then (PostgreSQL) each candidate index alone."""
    key = json.loads(voxpop(env_for(url), "apikey", "create", "--workspace", WORKSPACE_NAME, "--json"))["key"]
    server = start_server(url, args.port, Path(args.data_dir) / f"server-{label}.log")
    results: dict[str, Any] = {}
    bodies: dict[str, Any] = {}
    try:

        def sequential(tag: str) -> None:
            for name, shape in SHAPES.items():
                load_run(args.port, key, shape["path"], args.warmup, 1, args.max_seconds)
                run = load_run(args.port, key, shape["path"], args.requests, 1, args.max_seconds)
                results[f"{tag}{name}"] = {**summary(run["latencies_ms"]), **_flags(run)}
                bodies[name] = run["first_body"]
                log(f"{label} {tag}{name}: {results[f'{tag}{name}']}")

        sequential("")
        shape = SHAPES[CONCURRENT_SHAPE]
        run = load_run(
            args.port, key, shape["path"], args.concurrent_requests, args.concurrency, args.max_seconds
        )
        results[f"concurrent{args.concurrency}_{CONCURRENT_SHAPE}"] = {
            **summary(run["latencies_ms"]),
            **_flags(run),
            "requests_per_second": len(run["latencies_ms"]) / run["wall_seconds"],
        }
        log(f"{label} concurrent: {results[f'concurrent{args.concurrency}_{CONCURRENT_SHAPE}']}")
        for number, statement in enumerate(indexes, 1):
            statements = [part.strip() for part in statement.split(";") if part.strip()]
            with psycopg.connect(url, autocommit=True) as conn:
                start = time.perf_counter()
                for part in statements:
                    conn.execute(part)
                built = time.perf_counter() - start
                conn.execute("ANALYZE")
            results[f"index{number}"] = {"statement": statement, "build_seconds": built}
            try:
                sequential(f"index{number}:")
            finally:
                with psycopg.connect(url, autocommit=True) as conn:
                    for part in statements:
                        name = part.split(" INDEX ", 1)[1].split()[0]
                        conn.execute(f"DROP INDEX IF EXISTS {name}")
    finally:
        stop_server(server)
    return results, bodies


def _flags(run: dict[str, Any]) -> dict[str, Any]:
    return {
        "failed": run["failed_requests"],
        "failures": run["failures"],
        "cut_short": run["stopped_by_deadline"],
    }


def check_same(bodies: dict[str, Any], duck: dict[str, dict[str, Any]]) -> dict[str, bool]:
    """The API's n per month must equal DuckDB's over the same rows (the two metrics shapes), and the filtered
    overview's total DuckDB's count."""
    same: dict[str, bool] = {}
    for name in ("nps_month_email_north_2025", "nps_month_web_active_2025"):
        ours = {figure["keys"]["month"]: figure["n"] for figure in bodies.get(name) or []}
        theirs = {row[0]: int(row[1]) for row in duck[name]["rows"]}
        same[name] = bool(ours) and ours == theirs
    name = "overview_email_north_2025"
    total = (bodies.get(name) or {}).get("total")
    same[name] = bool(total) and total == sum(int(row[1]) for row in duck[name]["rows"])
    return same


# --- report --------------------------------------------------------------------------------------------------


def table(report: dict[str, Any]) -> str:
    lines = [
        "| rows | store | measured | requests | p50 ms | p95 ms | max ms | DuckDB p50 ms | DuckDB p95 ms "
        "| p50 ratio | p95 ratio |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, per_size in report["sizes"].items():
        duck = per_size["duckdb"]
        for store in ("postgresql", "sqlite"):
            if store not in per_size:
                continue
            for name, result in per_size[store]["http"].items():
                if "p50_ms" not in result:
                    continue
                base = name.split(":")[-1].removeprefix(f"concurrent{report['args']['concurrency']}_")
                d = duck.get(base, {})
                measured = name + (" (cut short)" if result.get("cut_short") else "")
                ratio50 = f"{result['p50_ms'] / d['p50_ms']:.1f}" if d.get("p50_ms") else ""
                ratio95 = f"{result['p95_ms'] / d['p95_ms']:.1f}" if d.get("p95_ms") else ""
                lines.append(
                    f"| {int(size):,} | {store} | {measured} | {result['count']} | {result['p50_ms']:.1f} "
                    f"| {result['p95_ms']:.1f} | {result['max_ms']:.1f} | {d.get('p50_ms', 0):.1f} "
                    f"| {d.get('p95_ms', 0):.1f} | {ratio50} | {ratio95} |"
                )
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    mem = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres") as conn:
        pg = conn.execute("SELECT version()").fetchone()
        settings = {
            name: conn.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
            for name in ("shared_buffers", "work_mem", "jit", "max_parallel_workers_per_gather")
        }
    return {
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "nproc": os.cpu_count(),
        "memtotal": mem.split(":", 1)[1].strip(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "duckdb": duckdb.__version__,
        "postgresql": pg[0] if pg else None,
        "postgresql_settings": settings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000000", help="comma-separated record counts")
    parser.add_argument("--sqlite-max", type=int, default=1_000_000, help="SQLite only up to this size")
    parser.add_argument("--stores", default="postgresql,sqlite")
    parser.add_argument("--requests", type=int, default=50, help="sequential requests per query shape")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--concurrent-requests", type=int, default=40)
    parser.add_argument("--max-seconds", type=float, default=180.0, help="cap on each load-generator run")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--data-dir", default="/tmp/voxpop-bench-insights")
    parser.add_argument("--pg-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--index",
        action="append",
        default=[],
        help="CREATE INDEX statement(s), ';'-separated, to try by hand on PostgreSQL after the main run "
        "(repeatable; each option is measured alone and its indexes dropped again)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases and data files")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the databases a `--keep` run left, if they hold the rows",
    )
    parser.add_argument("--json-out", default="")
    args = parser.parse_args()
    data_dir = Path(args.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    stores = args.stores.split(",")
    report: dict[str, Any] = {"machine": machine(), "args": vars(args), "sizes": {}}
    for size in [int(s) for s in args.sizes.split(",")]:
        start = time.perf_counter()
        customers, feedback = write_files(data_dir, size, args.seed)
        per_size: dict[str, Any] = {"generate_seconds": time.perf_counter() - start}
        log(f"{size}: files ready in {per_size['generate_seconds']:.1f}s")
        con, loaded = load_duckdb(customers, feedback)
        per_size["duckdb"] = time_duckdb(con, args.requests)
        per_size["duckdb_load_seconds"] = loaded
        con.close()
        del con
        log(f"{size}: duckdb { ({k: v.get('p95_ms') for k, v in per_size['duckdb'].items()}) }")
        for store in stores:
            if store == "sqlite" and size > args.sqlite_max:
                continue
            start = time.perf_counter()
            kept = (
                postgres_url(args.pg_admin_url, size) if store == "postgresql" else sqlite_url(data_dir, size)
            )
            if args.reuse and reusable(kept, size):
                url, timings = kept, {"reused": True}
            elif store == "postgresql":
                url, timings = load_postgres(args.pg_admin_url, size, customers, feedback)
            else:
                url, timings = load_sqlite(data_dir / f"bench-{size}.db", customers, feedback)
            log(f"{size} {store}: loaded in {time.perf_counter() - start:.1f}s {timings}")
            http, bodies = measure_http(
                url, args, f"{store}-{size}", args.index if store == "postgresql" else []
            )
            per_size[store] = {
                "load": timings,
                "http": http,
                "same_n_as_duckdb": check_same(bodies, per_size["duckdb"]),
            }
            if store == "sqlite" and not args.keep:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{data_dir / f'bench-{size}.db'}{suffix}").unlink(missing_ok=True)
        report["sizes"][str(size)] = per_size
        if args.json_out:
            Path(args.json_out).write_text(json.dumps(report, indent=2, default=str))
    if "postgresql" in stores and not args.keep:
        with psycopg.connect(args.pg_admin_url, autocommit=True) as admin:
            for size in args.sizes.split(","):
                admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE.format(size=int(size))}")
    if not args.keep:
        shutil.rmtree(data_dir, ignore_errors=True)
    report["finished_utc"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    if args.json_out:  # its folder may have been the data directory, removed just now
        Path(args.json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json_out).write_text(json.dumps(report, indent=2, default=str))
    print(json.dumps(report["machine"], indent=2))
    print(table(report))


if __name__ == "__main__":
    main()
