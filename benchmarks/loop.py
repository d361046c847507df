"""Figures of issue 7 (closed loop), the webhook part: delivery latency at a steady rate, and a receiver that
is down for part of a run losing nothing.

Three processes, all on 127.0.0.1:
- this one (the orchestrator): builds a fresh database, a workspace and one webhook endpoint, starts the
  others, stops and restarts the receiver, and counts at the end;
- the app: the stock embedded job runner (`EmbeddedRunner`, as inside `voxpop serve`) plus a producer thread
  that calls `delivery.service.queue_webhook` at the given rate, each in its own committed transaction (as a
  rule would), stamping the payload with the wall-clock time just before the commit;
- the receiver: a threaded HTTP server that checks every signature and logs (delivery id, arrival time).

Latency = arrival time at the receiver − the time stamped before the queueing transaction committed, for the
first arrival of each delivery id. Both clocks are the same machine's.

    .venv/bin/python benchmarks/loop.py latency --rate 100 --seconds 60
    .venv/bin/python benchmarks/loop.py outage --rate 10 --minutes 10 --down-at 2.5 --down-minutes 5

The rules part (`rules`): records per second through ingestion with 50 active rules beside the same ingestion
into a workspace with none, in the same run, against the stock server (`python -m voxpop serve`, embedded job
runner) in its own process. Records (`feedback_data.records`: comments, NPS, CSAT, channel, plan, region) go
over real HTTP to the batch feedback API; the clock runs from the first request until every record is
analysed (and, with rules, evaluated). Then, with the server stopped, the rule stage alone: the evaluate job's
work over the already-analysed records of the rule-less workspace, with 50 rules and with 1.

    .venv/bin/python benchmarks/loop.py rules --records 500 --rules 50 --repeat 4

Add `--database-url postgresql+psycopg://…/db` for PostgreSQL (the database must exist and be empty).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# ---------------------------------------------------------------- receiver (its own process)


def receiver(port: int, log_path: Path, secret: str) -> None:
    from voxpop.delivery.signing import sign

    lock = threading.Lock()
    log = log_path.open("a", buffering=1)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            arrived = time.time()
            body = self.rfile.read(int(self.headers["content-length"]))
            message_id, stamp = self.headers["webhook-id"], self.headers["webhook-timestamp"]
            valid = self.headers["webhook-signature"] == sign(secret, message_id, int(stamp), body)
            queued_at = json.loads(body)["data"].get("queued_at")
            line = json.dumps({"id": message_id, "arrived": arrived, "queued_at": queued_at, "valid": valid})
            with lock:
                log.write(line + "\n")
            self.send_response(200 if valid else 400)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    server.serve_forever()
    server.server_close()


# ---------------------------------------------------------------- app: job runner + producer (its own process)


def app(workspace_id: uuid.UUID, rate: float, seconds: float, produced_path: Path) -> None:
    """The stock embedded job runner (as inside `voxpop serve`), and a producer on the main thread that
    queues one event a tick, each in its own committed transaction, as a rule job would; the commit wakes
    the runner. Runs until SIGTERM."""
    import voxpop.all_models  # noqa: F401  (every table, for the foreign keys)
    from voxpop import registry
    from voxpop.delivery import service
    from voxpop.kit.db import new_session
    from voxpop.kit.jobs import queue
    from voxpop.kit.jobs.loops import EmbeddedRunner

    registry.register()  # every job, as `voxpop serve` does
    runner = EmbeddedRunner()
    queue.set_waker(runner)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    runner.start()
    started, produced = time.monotonic(), 0
    while produced < rate * seconds and not stop.is_set():
        delay = started + produced / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        with new_session() as session:
            payload = {"n": produced, "queued_at": time.time()}
            service.queue_webhook(session, workspace_id, "bench.tick", payload)
            session.commit()
        produced += 1
    elapsed = time.monotonic() - started
    produced_path.write_text(json.dumps({"produced": produced, "seconds": elapsed}))
    stop.wait()
    runner.stop()


# ---------------------------------------------------------------- orchestrator


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def setup(database_url: str, receiver_url: str) -> tuple[uuid.UUID, str]:
    import voxpop.all_models  # noqa: F401  (every table, for the foreign keys)
    from voxpop import migrations
    from voxpop.delivery import service
    from voxpop.delivery.schemas import EndpointIn
    from voxpop.kit.db import new_session
    from voxpop.workspace import service as workspace_service

    migrations.upgrade(database_url)
    with new_session() as session:
        workspace = workspace_service.create(session, f"bench-{uuid.uuid4().hex[:6]}")
        endpoint = service.create_endpoint(session, workspace.id, EndpointIn(url=receiver_url))
        session.commit()
        return workspace.id, endpoint.secret


def child(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, str(HERE), *args])


def received(log_path: Path) -> list[dict[str, Any]]:
    if not log_path.exists():
        return []
    return [json.loads(line) for line in log_path.read_text().splitlines() if line.strip()]


def database_counts() -> dict[str, Any]:
    from sqlalchemy import func, select

    from voxpop.delivery.models import Delivery, DeliveryAttempt
    from voxpop.kit.db import new_session

    with new_session(write=False) as session:
        statuses = dict(
            session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all()
        )
        attempts = session.scalar(select(func.count()).select_from(DeliveryAttempt))
        failed = session.scalar(
            select(func.count()).select_from(DeliveryAttempt).where(DeliveryAttempt.status_code.is_(None))
        )
    return {"deliveries_by_status": statuses, "attempts": attempts, "failed_attempts": failed}


def summarise(log_path: Path, produced: dict[str, Any], run_seconds: float) -> dict[str, Any]:
    lines = received(log_path)
    first: dict[str, dict[str, Any]] = {}
    for line in lines:
        first.setdefault(line["id"], line)
    latencies = [(line["arrived"] - line["queued_at"]) * 1000 for line in first.values()]
    return {
        "queued": produced["produced"],
        "producer_seconds": round(produced["seconds"], 2),
        "achieved_rate_per_s": round(produced["produced"] / produced["seconds"], 1),
        "requests_received": len(lines),
        "unique_delivery_ids": len(first),
        "repeats_dropped_by_id": len(lines) - len(first),
        "bad_signatures": sum(not line["valid"] for line in lines),
        "latency_ms_p50": round(percentile(latencies, 0.50), 1) if latencies else None,
        "latency_ms_p99": round(percentile(latencies, 0.99), 1) if latencies else None,
        "latency_ms_max": round(max(latencies), 1) if latencies else None,
        "run_seconds": round(run_seconds, 1),
        **database_counts(),
    }


def wait_for(log_path: Path, expected: int, until: float) -> None:
    while time.monotonic() < until:
        if len({line["id"] for line in received(log_path)}) >= expected:
            return
        time.sleep(1)


def orchestrate(args: argparse.Namespace) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="voxpop-loop-"))
    database_url = args.database_url or f"sqlite:///{folder / 'voxpop.db'}"
    os.environ.update(
        {
            "VOXPOP_DATABASE_URL": database_url,
            "VOXPOP_DATA_DIR": str(folder),
            "VOXPOP_DELIVERY_RETRY_BASE_SECONDS": str(args.retry_base),
            "VOXPOP_DELIVERY_RETRY_MAX_SECONDS": str(args.retry_max),
        }
    )
    port = free_port()
    workspace_id, secret = setup(database_url, f"http://127.0.0.1:{port}/hook")
    log_path, produced_path = folder / "received.jsonl", folder / "produced.json"
    receiver_args = ("receiver", "--port", str(port), "--log", str(log_path), "--secret", secret)
    rx = child(*receiver_args)
    time.sleep(1.0)
    seconds = args.seconds if args.command == "latency" else args.minutes * 60
    started = time.monotonic()
    runner = child(
        "app", "--workspace-id", str(workspace_id), "--rate", str(args.rate), "--seconds", str(seconds),
        "--produced", str(produced_path),
    )  # fmt: skip
    events: list[str] = []
    try:
        if args.command == "outage":
            rx = outage(rx, receiver_args, started, args, events)
        while not produced_path.exists():
            time.sleep(0.5)
        produced = json.loads(produced_path.read_text())
        end = started + seconds
        wait_for(log_path, produced["produced"], end)
        at_end = len({line["id"] for line in received(log_path)})
        wait_for(log_path, produced["produced"], time.monotonic() + args.grace)
        run_seconds = time.monotonic() - started
    finally:
        for process in (runner, rx):
            process.terminate()
            process.wait(timeout=60)
    summary = summarise(log_path, produced, run_seconds)
    last_arrival = max(line["arrived"] for line in received(log_path))
    first_queued = min(line["queued_at"] for line in received(log_path))
    return {
        "command": " ".join(sys.argv),
        "database": "postgresql" if database_url.startswith("postgresql") else "sqlite",
        "retry_base_s": args.retry_base,
        "retry_max_s": args.retry_max,
        "events": events,
        "unique_ids_by_planned_end": at_end,
        "last_arrival_after_first_queued_s": round(last_arrival - first_queued, 1),
        **summary,
    }


def outage(
    rx: subprocess.Popen[bytes],
    receiver_args: tuple[str, ...],
    started: float,
    args: argparse.Namespace,
    events: list[str],
) -> subprocess.Popen[bytes]:
    time.sleep(max(0.0, started + args.down_at * 60 - time.monotonic()))
    rx.terminate()
    rx.wait(timeout=30)
    events.append(f"receiver stopped at {time.monotonic() - started:.1f} s")
    time.sleep(max(0.0, started + (args.down_at + args.down_minutes) * 60 - time.monotonic()))
    rx = child(*receiver_args)
    events.append(f"receiver restarted at {time.monotonic() - started:.1f} s")
    return rx


# ---------------------------------------------------------------- rules: ingestion with 50 rules beside none

BENCH_THEMES = {
    "Delivery": ["the parcel arrived late", "the courier left the box outside"],
    "Refunds": ["I still have not received my refund", "the refund process was slow"],
    "App": ["the app crashes when I open it", "the new app update is confusing"],
    "Staff": ["the store staff were helpful", "your support agent was friendly"],
    "Checkout": ["the discount code did not work at checkout", "checkout felt slow"],
}
KEYWORDS = ["refund", "courier", "crashes", "discount code", "nightmare", "call twice", "rain", "size guide"]
SIGNAL_KINDS = ["churn_intent", "effort", "suggestion", "emotion.frustration", "urgency"]


def rule_conditions(number: int, theme_ids: list[str]) -> dict[str, Any]:
    """A realistic mix: rule `number` takes one of ten shapes of condition (scores, channel, customer and
    record attributes, keywords, sentiment, themes, signals, combinations), and its values vary with the
    round (`number // 10`), so the fifty rules are fifty different rules."""
    from feedback_data import CHANNELS, PLANS, REGIONS

    v = number // 10
    shapes: list[dict[str, Any]] = [
        {"nps": {"max": (0, 3, 6, 2, 5)[v % 5]}},
        {"nps": {"min": 9}, "channels": [CHANNELS[v % len(CHANNELS)]]},
        {"csat": {"max": 2}, "customer": [{"key": "plan", "in": PLANS[v % 4 : v % 4 + 2]}]},
        {"attributes": [{"key": "region", "equals": REGIONS[v % len(REGIONS)]}], "nps": {"max": 6}},
        {"keywords": {"any": [KEYWORDS[v % len(KEYWORDS)], KEYWORDS[(v + 5) % len(KEYWORDS)]]}},
        {"sentiment": {"labels": ["negative"]}, "channels": CHANNELS[v % 3 : v % 3 + 3]},
        {"sentiment": {"max": -0.5}, "customer": [{"key": "plan", "equals": PLANS[v % len(PLANS)]}]},
        {"themes": [theme_ids[v % len(theme_ids)]]},
        {"signals": [SIGNAL_KINDS[v % len(SIGNAL_KINDS)]]},
        {
            "themes": [theme_ids[(v + 1) % len(theme_ids)]],
            "sentiment": {"labels": ["negative"]},
            "nps": {"max": 6},
        },
    ]
    return shapes[number % len(shapes)]


def bench_rules(session: Any, workspace_id: uuid.UUID, count: int, theme_ids: list[str]) -> None:
    """`count` enabled rules; each tags, and one in five (the narrow ones) also sends a `rule.matched` webhook."""
    from voxpop.rule import service
    from voxpop.rule.schemas import RuleIn

    for number in range(count):
        steps: list[dict[str, Any]] = [{"type": "tag", "params": {"tags": [f"rule-{number}"]}}]
        if number % 10 in (8, 9):  # the narrow rules (signals; a theme, negative and a detractor) notify
            steps.append({"type": "notify_webhook", "params": {}})
        body = {"name": f"rule {number}", "conditions": rule_conditions(number, theme_ids), "actions": steps}
        service.create(session, workspace_id, RuleIn.model_validate(body))


def api_items(rows: int, seed: int) -> list[dict[str, Any]]:
    from feedback_data import records

    return [
        {
            "kind": "survey_response",
            "channel": row["channel"],
            "source": "bench",
            "external_id": row["id"],
            "received_at": row["date"],
            "customer": {"email": row["email"], "attributes": {"plan": row["plan"]}},
            "text": row["comment"],
            "nps": int(row["nps"]),
            "csat": int(row["csat"]) if row["csat"] else None,
            "attributes": {"region": row["region"], "store": row["store"]},
        }
        for row in records(rows, seed)
    ]


def rules_setup(database_url: str, receiver_url: str, rules: int, secret: str) -> dict[str, Any]:
    """Three workspaces (warm-up, without rules, with rules), each with the same themes, a webhook endpoint
    (all signing with `secret`, so one receiver checks them all) and an admin API key; the rules are switched
    on before any record arrives."""
    import voxpop.all_models  # noqa: F401  (every table, for the foreign keys)
    from voxpop import migrations
    from voxpop.auth import service as auth_service
    from voxpop.delivery import service as delivery
    from voxpop.delivery.schemas import EndpointIn
    from voxpop.kit.db import new_session
    from voxpop.text import themes
    from voxpop.workspace import service as workspace_service

    migrations.upgrade(database_url)
    made: dict[str, Any] = {}
    with new_session() as session:
        for name in ("warmup", "plain", "ruled"):
            workspace = workspace_service.create(session, f"bench-{name}-{uuid.uuid4().hex[:6]}")
            key = auth_service.create_api_key(session, workspace.id, "admin").secret
            endpoint = EndpointIn(url=receiver_url, event_types=["rule.*"])
            delivery.create_endpoint(session, workspace.id, endpoint).secret = secret
            ids = [str(themes.add(session, workspace.id, t, p, "").id) for t, p in BENCH_THEMES.items()]
            made[name] = {"workspace_id": workspace.id, "key": key, "themes": ids}
        bench_rules(session, made["ruled"]["workspace_id"], rules, made["ruled"]["themes"])
        session.commit()
    return made


def progress(workspace_id: uuid.UUID) -> tuple[int, int]:
    """(records analysed, records evaluated by the rules) of the workspace."""
    from sqlalchemy import func, select

    from voxpop.kit.db import new_session
    from voxpop.rule.models import RuleEvaluation
    from voxpop.text.models import TextAnalysis

    with new_session(write=False) as session:
        counts = [
            session.scalar(select(func.count()).select_from(model).where(model.workspace_id == workspace_id))
            for model in (TextAnalysis, RuleEvaluation)
        ]
    return int(counts[0] or 0), int(counts[1] or 0)


def ingest(base_url: str, workspace: dict[str, Any], items: list[dict[str, Any]], evaluated: bool) -> float:
    """Seconds from the first batch request until every record is analysed (and evaluated, with rules)."""
    import httpx

    headers = {"Authorization": f"Bearer {workspace['key']}"}
    analysed, evaluated_before = progress(workspace["workspace_id"])
    target = (analysed + len(items), evaluated_before + len(items) if evaluated else 0)
    started = time.monotonic()
    with httpx.Client(base_url=base_url, timeout=120) as client:
        for start in range(0, len(items), 500):
            reply = client.post(
                "/api/v1/feedback/batch", json={"items": items[start : start + 500]}, headers=headers
            )
            reply.raise_for_status()
    while progress(workspace["workspace_id"]) < target:
        time.sleep(0.25)
    return time.monotonic() - started


def drained(started: float) -> float:
    """Seconds from `started` until no job is pending or running (the webhooks sent, among others)."""
    from sqlalchemy import func, select

    from voxpop.kit.db import new_session
    from voxpop.kit.jobs.models import Job, JobStatus

    busy = Job.status.in_([JobStatus.PENDING, JobStatus.RUNNING])
    while True:
        with new_session(write=False) as session:
            if not session.scalar(select(func.count()).select_from(Job).where(busy)):
                return time.monotonic() - started
        time.sleep(0.25)


def stage_alone(workspace: dict[str, Any], rules: int) -> dict[str, Any]:
    """The evaluate job's work (batches, each committed) over the workspace's analysed records with `rules`
    rules switched on before they arrived; then the rules and what they did are removed again."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import delete, func, select, update

    from voxpop.kit.db import new_session
    from voxpop.rule import service
    from voxpop.rule.models import RecordTag, Rule, RuleEvaluation, RuleMatch

    workspace_id = workspace["workspace_id"]
    with new_session() as session:
        bench_rules(session, workspace_id, rules, workspace["themes"])
        early = datetime.now(UTC) - timedelta(days=1)
        session.execute(update(Rule).where(Rule.workspace_id == workspace_id).values(enabled_at=early))
        session.commit()
        started, done = time.monotonic(), 0
        while batch := service.evaluate_batch(session, workspace_id):
            session.commit()
            done += batch
        seconds = time.monotonic() - started
        matched = session.scalar(
            select(func.count()).select_from(RuleMatch).where(RuleMatch.workspace_id == workspace_id)
        )
        for model in (RecordTag, RuleMatch, RuleEvaluation, Rule):
            session.execute(delete(model).where(model.workspace_id == workspace_id))
        session.commit()
    return {
        "rules": rules,
        "records": done,
        "seconds": round(seconds, 2),
        "records_per_s": round(done / seconds, 1),
        "matches": matched,
    }


def machine() -> dict[str, str]:
    def run(*command: str) -> str:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()

    return {"nproc": run("nproc"), "free_g": run("free", "-g").splitlines()[1], "uptime": run("uptime")}


def orchestrate_rules(args: argparse.Namespace) -> dict[str, Any]:
    sys.path.insert(0, str(HERE.parent))
    folder = Path(tempfile.mkdtemp(prefix="voxpop-rules-"))
    database_url = args.database_url or f"sqlite:///{folder / 'voxpop.db'}"
    os.environ.update({"VOXPOP_DATABASE_URL": database_url, "VOXPOP_DATA_DIR": str(folder)})
    rx_port, app_port = free_port(), free_port()
    from voxpop.delivery.signing import new_secret

    secret = new_secret()
    made = rules_setup(database_url, f"http://127.0.0.1:{rx_port}/hook", args.rules, secret)
    log_path = folder / "received.jsonl"
    rx = child("receiver", "--port", str(rx_port), "--log", str(log_path), "--secret", secret)
    serve = [sys.executable, "-m", "voxpop", "serve", "--port", str(app_port)]
    server = subprocess.Popen(serve, stdout=subprocess.DEVNULL)  # its access log would mix with the report
    base_url = f"http://127.0.0.1:{app_port}"
    before = machine()
    runs: list[dict[str, Any]] = []
    try:
        wait_until_up(base_url)
        ingest(base_url, made["warmup"], api_items(200, seed=99), evaluated=False)
        for repeat in range(args.repeat):  # the same records for both in a round; who goes first alternates
            items = api_items(args.records, seed=7 + repeat)
            for name in ("plain", "ruled") if repeat % 2 == 0 else ("ruled", "plain"):
                started = time.monotonic()
                seconds = ingest(base_url, made[name], items, evaluated=name == "ruled")
                runs.append(
                    {
                        "workspace": name,
                        "records": len(items),
                        "seconds": round(seconds, 2),
                        "records_per_s": round(len(items) / seconds, 1),
                        "jobs_drained_s": round(drained(started), 2),
                    }
                )
    finally:
        server.terminate()
        server.wait(timeout=60)
    stage = [stage_alone(made["plain"], 1), stage_alone(made["plain"], args.rules)]
    rx.terminate()
    rx.wait(timeout=30)
    plain = sum(r["records"] for r in runs if r["workspace"] == "plain") / sum(
        r["seconds"] for r in runs if r["workspace"] == "plain"
    )
    ruled = sum(r["records"] for r in runs if r["workspace"] == "ruled") / sum(
        r["seconds"] for r in runs if r["workspace"] == "ruled"
    )
    return {
        "command": " ".join(sys.argv),
        "database": "postgresql" if database_url.startswith("postgresql") else "sqlite",
        "machine_before": before,
        "machine_after": machine(),
        "end_to_end": runs,
        "end_to_end_records_per_s": {"no_rules": round(plain, 1), "with_rules": round(ruled, 1)},
        "end_to_end_ratio": round(ruled / plain, 3),
        "rule_stage_alone": stage,
        "webhook_requests_received": len(received(log_path)),
        "webhook_bad_signatures": sum(not line["valid"] for line in received(log_path)),
        **rule_outcomes(made["ruled"]["workspace_id"]),
    }


def rule_outcomes(workspace_id: uuid.UUID) -> dict[str, int]:
    from sqlalchemy import func, select

    from voxpop.delivery.models import Delivery
    from voxpop.kit.db import new_session
    from voxpop.rule.models import RecordTag, RuleMatch

    with new_session(write=False) as session:
        return {
            name: int(
                session.scalar(
                    select(func.count()).select_from(model).where(model.workspace_id == workspace_id)
                )
                or 0
            )
            for name, model in (("matches", RuleMatch), ("tags", RecordTag), ("webhook_deliveries", Delivery))
        }


def wait_until_up(base_url: str, seconds: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/health").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("latency", "outage"):
        command = commands.add_parser(name)
        command.add_argument("--rate", type=float, default=100.0 if name == "latency" else 10.0)
        command.add_argument("--database-url", default="")
        command.add_argument("--retry-base", type=float, default=5.0)
        command.add_argument("--retry-max", type=float, default=60.0)
        command.add_argument(
            "--grace", type=float, default=120.0, help="extra seconds to wait for stragglers"
        )
    commands.choices["latency"].add_argument("--seconds", type=float, default=60.0)
    commands.choices["outage"].add_argument("--minutes", type=float, default=10.0)
    commands.choices["outage"].add_argument(
        "--down-at", type=float, default=2.5, help="minute the receiver stops"
    )
    commands.choices["outage"].add_argument("--down-minutes", type=float, default=5.0)
    rules = commands.add_parser("rules")
    rules.add_argument("--records", type=int, default=500, help="records per workspace and round")
    rules.add_argument("--rules", type=int, default=50)
    rules.add_argument("--repeat", type=int, default=4, help="rounds; each ingests into both workspaces")
    rules.add_argument("--database-url", default="")
    rx = commands.add_parser("receiver")
    rx.add_argument("--port", type=int, required=True)
    rx.add_argument("--log", type=Path, required=True)
    rx.add_argument("--secret", required=True)
    runner = commands.add_parser("app")
    runner.add_argument("--workspace-id", type=uuid.UUID, required=True)
    runner.add_argument("--rate", type=float, required=True)
    runner.add_argument("--seconds", type=float, required=True)
    runner.add_argument("--produced", type=Path, required=True)
    args = parser.parse_args()
    if args.command == "receiver":
        receiver(args.port, args.log, args.secret)
    elif args.command == "app":
        app(args.workspace_id, args.rate, args.seconds, args.produced)
    elif args.command == "rules":
        print(json.dumps(orchestrate_rules(args), indent=2, default=str))
    else:
        print(json.dumps(orchestrate(args), indent=2))


if __name__ == "__main__":
    main()
