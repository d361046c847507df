"""Figures of issue 16 (distributed mode survives its faults): a fault run under a steady load.

Everything is started here, on 127.0.0.1, and owned by this script (never the shared services): a
PostgreSQL cluster and a Redis on free ports, `voxpop serve` in distributed mode, and two `voxpop worker`
processes. A load thread posts feedback records (each with its own external id) at a steady rate, and
uploads a small CSV file every few seconds. Meanwhile:

1. a worker is killed with SIGKILL (while busy) and started again 5 s later, as a supervisor would;
2. Redis is stopped for `--broker-down` seconds (30 by default);
3. PostgreSQL is stopped for `--database-down` seconds (15 by default).

Then the load stops and the run waits until no job is pending or running. It counts:

- acknowledged (2xx) writes against what is stored: records by external id, imports by id;
- records stored more than once, and records stored although refused (non-2xx answer);
- jobs stuck after recovery (still pending or running), and jobs failed;
- for each fault, the answers during it by status, the time from its end to the first acknowledged write,
  and the time until every job is done.

    .venv/bin/python benchmarks/faults.py --rate 5 --broker-down 30 --database-down 15

The baseline is the same drill against the code before the fault work, run from an export of that commit:
`git archive <commit> src | tar -x -C /tmp/old && PYTHONPATH=/tmp/old/src .venv/bin/python benchmarks/faults.py`
(the started processes inherit PYTHONPATH).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.servers import free_port, own_postgres, own_redis, wait_for

from voxpop import migrations
from voxpop.auth import service as auth_service
from voxpop.feedback.models import Feedback
from voxpop.ingest.models import Import
from voxpop.kit.db import engine_for, new_session
from voxpop.kit.jobs.models import Job
from voxpop.workspace import service as workspace_service


@dataclass
class Answer:
    at: float
    kind: str
    status: int
    key: str


@dataclass
class Load:
    """Posts records at `rate` per second and a 5-row upload every `upload_every` seconds."""

    base: str
    key: str
    rate: float
    upload_every: float = 3.0
    answers: list[Answer] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {self.key}"}
        next_upload = time.monotonic()
        with httpx.Client(base_url=self.base, timeout=30, headers=headers) as client:
            while not self.stop.is_set():
                started = time.monotonic()
                self._post(client)
                if started >= next_upload:
                    self._upload(client)
                    next_upload = started + self.upload_every
                self.stop.wait(max(0.0, 1 / self.rate - (time.monotonic() - started)))

    def _post(self, client: httpx.Client) -> None:
        external_id = uuid.uuid4().hex
        record = {
            "kind": "survey_response",
            "channel": "email",
            "source": "fault-run",
            "external_id": external_id,
            "customer": {"email": f"{external_id[:12]}@example.com"},
            "text": "The parcel came late and nobody answered the phone.",
            "nps": 4,
        }
        self.answers.append(
            Answer(time.monotonic(), "feedback", _status(client, "/api/v1/feedback", record), external_id)
        )

    def _upload(self, client: httpx.Client) -> None:
        rows = "".join(f"{uuid.uuid4().hex},u{n}@example.com,{n}\n" for n in range(5))
        files = {"file": ("batch.csv", ("id,email,nps\n" + rows).encode(), "text/csv")}
        try:
            reply = client.post("/api/v1/imports", files=files)
            status, key = reply.status_code, (reply.json().get("id", "") if reply.is_success else "")
        except httpx.HTTPError:
            status, key = 0, ""
        self.answers.append(Answer(time.monotonic(), "upload", status, key))


def _status(client: httpx.Client, path: str, body: dict[str, Any]) -> int:
    try:
        return client.post(path, json=body).status_code
    except httpx.HTTPError:
        return 0


def _process(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "voxpop", *args]
    return subprocess.Popen(command, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def _end(processes: list[subprocess.Popen[bytes]]) -> None:
    """Stop the processes; a worker still finishing a job after a minute is killed (its job was done)."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _jobs_left(url: str) -> int:
    try:
        with new_session(engine_for(url), write=False) as session:
            return int(
                session.scalar(select(func.count()).where(Job.status.in_(["pending", "running"]))) or 0
            )
    except Exception:
        return -1


def _first_success_after(answers: list[Answer], moment: float) -> float | None:
    later = [a.at for a in answers if a.at >= moment and 200 <= a.status < 300]
    return round(min(later) - moment, 1) if later else None


def _during(answers: list[Answer], start: float, end: float) -> dict[str, int]:
    counted = collections.Counter(str(a.status) for a in answers if start <= a.at < end)
    return dict(sorted(counted.items()))


def _setup(url: str) -> str:
    migrations.upgrade(url)
    with new_session(engine_for(url)) as session:
        workspace = workspace_service.create(session, "faults")
        secret = auth_service.create_api_key(session, workspace.id, "admin").secret
        session.commit()
    return secret


def _count(url: str, answers: list[Answer]) -> dict[str, Any]:
    acked = {a.key for a in answers if a.kind == "feedback" and 200 <= a.status < 300}
    refused = {a.key for a in answers if a.kind == "feedback" and not 200 <= a.status < 300}
    uploads = {a.key for a in answers if a.kind == "upload" and 200 <= a.status < 300}
    with new_session(engine_for(url), write=False) as session:
        stored = collections.Counter(
            session.scalars(select(Feedback.external_id).where(Feedback.source == "fault-run"))
        )
        imports = {row.id: row.status for row in session.execute(select(Import.id, Import.status))}
        jobs = collections.Counter(session.scalars(select(Job.status)))
        failed = collections.Counter(
            f"{name}: {(error or '').strip().splitlines()[-1][:120]}"
            for name, error in session.execute(select(Job.name, Job.error).where(Job.status == "failed"))
        )
    return {
        "records_acknowledged": len(acked),
        "records_acknowledged_and_stored": len(acked & set(stored)),
        "records_refused": len(refused),
        "records_refused_but_stored": len(refused & set(stored)),
        "records_stored_twice": sum(1 for n in stored.values() if n > 1),
        "uploads_acknowledged": len(uploads),
        "uploads_acknowledged_and_done": sum(1 for i in uploads if imports.get(uuid.UUID(i)) == "done"),
        "imports_stored": len(imports),
        "jobs": dict(jobs),
        "failed_jobs": dict(failed),
    }


def run(options: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="voxpop-faults-"))
    with own_postgres() as postgres, own_redis() as redis:
        url = postgres.create_database("voxpop")
        key = _setup(url)
        port = free_port()
        env = {
            **os.environ,
            "VOXPOP_DATABASE_URL": url,
            "VOXPOP_BROKER_URL": redis.url,
            "VOXPOP_DATA_DIR": str(work),
            "VOXPOP_JOB_POLL_SECONDS": "1",
            "VOXPOP_JOB_LEASE_SECONDS": str(options.lease),
        }
        server = _process(["serve", "--port", str(port)], env, work / "serve.log")
        workers = [_process(["worker", "--concurrency", "2"], env, work / f"worker{n}.log") for n in (1, 2)]
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(lambda: _answers(base + "/health"), 300, "the server starting")
            time.sleep(options.warm_up)  # the workers load their models meanwhile
            load = Load(base, key, options.rate)
            loader = threading.Thread(target=load.run, daemon=True)
            loader.start()
            faults: dict[str, dict[str, Any]] = {}
            time.sleep(10)
            started = time.monotonic()
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait()
            time.sleep(5)
            workers[0] = _process(["worker", "--concurrency", "2"], env, work / "worker1.log")
            faults["worker killed, restarted after 5 s"] = {"start": started, "end": time.monotonic()}
            time.sleep(15)
            started = time.monotonic()
            redis.stop()
            time.sleep(options.broker_down)
            redis.start()
            faults[f"Redis down {options.broker_down} s"] = {"start": started, "end": time.monotonic()}
            time.sleep(15)
            started = time.monotonic()
            postgres.stop()
            time.sleep(options.database_down)
            postgres.start()
            faults[f"PostgreSQL down {options.database_down} s"] = {"start": started, "end": time.monotonic()}
            time.sleep(15)
            load.stop.set()
            loader.join(timeout=60)
            load_end = time.monotonic()
            wait_for(lambda: _jobs_left(url) == 0, options.drain, "every job done")
            drained = round(time.monotonic() - load_end, 1)
            alive = {
                "server": server.poll() is None,
                "worker 1 (killed, restarted)": workers[0].poll() is None,
                "worker 2": workers[1].poll() is None,
            }
        finally:
            _end([server, *workers])
        result = _count(url, load.answers)
        engine_for(url).dispose()
    result["faults"] = {
        name: {
            "answers_during": _during(load.answers, f["start"], f["end"]),
            "seconds_to_first_acknowledged_write_after": _first_success_after(load.answers, f["end"]),
        }
        for name, f in faults.items()
    }
    result["seconds_from_load_end_to_no_job_left"] = drained
    result["processes_alive_at_end"] = alive
    result["server_log_bytes"] = (work / "serve.log").stat().st_size
    result["server_log_lines_database_unavailable"] = sum(
        "database unavailable" in line
        for line in (work / "serve.log").read_text(errors="replace").splitlines()
    )
    result["tracebacks_in_logs"] = sum(
        p.read_text(errors="replace").count("Traceback") for p in work.glob("*.log")
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=5.0, help="feedback posts per second")
    parser.add_argument("--broker-down", type=int, default=30)
    parser.add_argument("--database-down", type=int, default=15)
    parser.add_argument("--lease", type=int, default=30, help="JOB_LEASE_SECONDS of the run")
    parser.add_argument("--warm-up", type=float, default=20.0)
    parser.add_argument("--drain", type=float, default=600.0, help="longest wait for the jobs after the load")
    options = parser.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M")
    result = run(options)
    machine = {"nproc": os.cpu_count(), "load_after": os.getloadavg()}
    print(json.dumps({"date": started, "options": vars(options), "machine": machine, **result}, indent=2))


if __name__ == "__main__":
    main()
