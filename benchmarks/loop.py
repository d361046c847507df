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
            queued_at = json.loads(body)["data"]["queued_at"]
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
    from voxpop.delivery import jobs as _registers_delivery_jobs  # noqa: F401
    from voxpop.delivery import service
    from voxpop.kit.db import new_session
    from voxpop.kit.jobs import queue
    from voxpop.kit.jobs.runner import EmbeddedRunner

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
    else:
        print(json.dumps(orchestrate(args), indent=2))


if __name__ == "__main__":
    main()
