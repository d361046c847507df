"""Benchmark: p95 of the customer page (`/customers/{id}`) for a customer with 10,000 records (issue 19).

Builds a database (SQLite file by default, or `--database-url` for PostgreSQL): one workspace, a customer
with `--records` feedback records on five channels through the one way in (`feedback.service.ingest_many`)
plus journey events, other customers' records around them, and a text analysis for each of the customer's
records (sentiment and two themed sentences, written directly: the model is not what is measured). Then
starts `voxpop serve` (real uvicorn, background jobs off so queued analysis does not compete) on
127.0.0.1, and a load generator in a separate process (`benchmarks/customer_page_load.py`) signs in as an
admin and GETs the page's first timeline page, a channel filter, a kind filter and a page 5,000 entries
deep, one request at a time, and (for the page's fixed cost on this machine) the page of a customer with
one record. Prints a JSON report and the markdown lines for docs/benchmarks.md.

    PYTHONPATH=src python benchmarks/customer_page.py [--records 10000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

VENV_BIN = Path(sys.executable).parent
LOAD = Path(__file__).with_name("customer_page_load.py")
PASSWORD = "benchmark customer page 1"
CHANNELS = (("email", "survey_response"), ("chat", "chat"), ("web", "review"), ("phone", "call_transcript"))
CHANNELS += (("social", "social_post"),)
TEXTS = (
    "The parcel came three days late and nobody told me why.",
    "Lovely support, the agent sorted my refund in minutes.",
    "The app keeps logging me out when I check my order.",
    "Price went up again and delivery is no better.",
    "Great quality for the money, will order again.",
)
THEMES = ("Late delivery", "Support", "App login", "Price", "Quality", "Refunds", "Packaging", "Returns")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed(records: int, others: int, events: int) -> dict[str, Any]:
    """The workspace, its admin and the measured customer; returns their ids and sign-in."""
    from voxpop import migrations, registry
    from voxpop.auth import service as auth_service
    from voxpop.customer.schemas import CustomerIn
    from voxpop.kit.db import new_session
    from voxpop.kit.settings import get_settings
    from voxpop.workspace import service as workspace_service

    url = get_settings().database_url
    migrations.upgrade(url)
    registry.register()
    with new_session() as session:
        workspace = workspace_service.create(session, f"bench-{uuid.uuid4().hex[:6]}")
        user = auth_service.create_user(session, f"admin-{uuid.uuid4().hex[:6]}@example.com", PASSWORD)
        auth_service.add_member(session, user, workspace.id, "admin")
        session.commit()
        workspace_id, email = workspace.id, user.email
    who = CustomerIn(
        email="measured@example.com",
        name="Mea Sured",
        language="en",
        attributes={"plan": "premium", "region": "north", "value": 4312.5, "segment": "loyal"},
    )
    started = time.perf_counter()
    _store_feedback(workspace_id, [who], records, seed_at=1)
    crowd = [
        CustomerIn(email=f"other{i}@example.com", name=f"Other {i}") for i in range(max(1, others // 10))
    ]
    _store_feedback(workspace_id, crowd, others, seed_at=2)
    _store_events(workspace_id, who, events)
    small = CustomerIn(email="small@example.com", name="Sma Ll", attributes={"plan": "basic"})
    _store_feedback(workspace_id, [small], 1, seed_at=4)
    log(
        f"stored {records:,} + {others:,} records and {events:,} events in {time.perf_counter() - started:.0f} s"
    )
    customer_id = _customer_id(workspace_id, "measured@example.com")
    started = time.perf_counter()
    _analyses(workspace_id, customer_id)
    log(f"wrote the customer's text analyses in {time.perf_counter() - started:.0f} s")
    small_id = _customer_id(workspace_id, "small@example.com")
    return {"workspace_id": workspace_id, "customer_id": customer_id, "small_id": small_id, "email": email}


def _store_feedback(workspace_id: uuid.UUID, people: list[Any], n: int, seed_at: int) -> None:
    from voxpop.feedback import service as feedback_service
    from voxpop.feedback.schemas import FeedbackIn
    from voxpop.kit.db import new_session

    rng = random.Random(seed_at)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    for offset in range(0, n, 1000):
        batch = []
        for i in range(offset, min(n, offset + 1000)):
            channel, kind = CHANNELS[i % len(CHANNELS)]
            batch.append(
                FeedbackIn(
                    kind=kind,
                    channel=channel,
                    source="bench",
                    external_id=f"{seed_at}-{i}",
                    received_at=start + timedelta(minutes=97 * i + rng.randrange(60)),
                    customer=people[i % len(people)],
                    text=TEXTS[rng.randrange(len(TEXTS))],
                    nps=rng.randrange(11) if kind == "survey_response" else None,
                    csat=rng.randrange(1, 6) if kind == "chat" else None,
                    ces=rng.randrange(1, 8) if kind == "call_transcript" else None,
                    rating=float(rng.randrange(1, 6)) if kind == "review" else None,
                )
            )
        with new_session() as session:
            feedback_service.ingest_many(session, workspace_id, batch, default_source="bench")
            session.commit()


def _store_events(workspace_id: uuid.UUID, who: Any, n: int) -> None:
    from voxpop.journey import service as journey_service
    from voxpop.journey.schemas import EventIn
    from voxpop.kit.db import new_session

    start = datetime(2020, 1, 1, 12, tzinfo=UTC)
    items = [
        EventIn(
            type=("order_placed", "order_delivered", "ticket_closed")[i % 3],
            channel=("web", "app")[i % 2],
            source="bench",
            external_id=f"ev-{i}",
            occurred_at=start + timedelta(hours=13 * i),
            customer=who,
            touchpoint="delivery",
        )
        for i in range(n)
    ]
    with new_session() as session:
        journey_service.ingest_many(session, workspace_id, items)
        session.commit()


def _customer_id(workspace_id: uuid.UUID, email: str) -> uuid.UUID:
    from voxpop.customer import service as customer_service
    from voxpop.kit.db import new_session

    with new_session() as session:
        return customer_service.find(session, workspace_id, email).id


def _analyses(workspace_id: uuid.UUID, customer_id: uuid.UUID) -> None:
    """A sentiment and two themed sentences for each of the customer's records, as text analysis leaves
    them (empty embeddings: nothing on the page reads them)."""
    from sqlalchemy import insert, select

    from voxpop.feedback.models import Feedback
    from voxpop.kit.db import new_session
    from voxpop.text.models import TextAnalysis, TextSentence, Theme

    rng = random.Random(3)
    now = datetime.now(UTC)
    with new_session() as session:
        themes = [
            {
                "id": uuid.uuid4(),
                "workspace_id": workspace_id,
                "name": name,
                "status": "active",
                "origin": "discovered",
                "edited": False,
                "centroid": b"",
                "phrases": {},
            }
            for name in THEMES
        ]
        session.execute(insert(Theme), themes)
        rows = session.execute(
            select(Feedback.id, Feedback.updated_at).where(
                Feedback.workspace_id == workspace_id, Feedback.customer_id == customer_id
            )
        ).all()
        analyses, sentences = [], []
        for feedback_id, updated_at in rows:
            score = round(rng.uniform(-1, 1), 3)
            label = "negative" if score < -0.2 else ("positive" if score > 0.2 else "neutral")
            analyses.append(
                {
                    "id": uuid.uuid4(),
                    "workspace_id": workspace_id,
                    "feedback_id": feedback_id,
                    "version": "bench",
                    "themes_version": "bench",
                    "language": "en",
                    "supported": True,
                    "sentiment_label": label,
                    "sentiment_score": score,
                    "details": {},
                    "analysed_at": now,
                    "source_updated_at": updated_at,
                }
            )
            for position in range(2):
                sentences.append(
                    {
                        "id": uuid.uuid4(),
                        "workspace_id": workspace_id,
                        "feedback_id": feedback_id,
                        "position": position,
                        "start": 0,
                        "end": 10,
                        "text": "a sentence",
                        "language": "en",
                        "sentiment_label": label,
                        "sentiment_score": score,
                        "embedding": b"",
                        "theme_id": themes[rng.randrange(len(themes))]["id"],
                        "theme_similarity": 0.8,
                    }
                )
        for start in range(0, len(analyses), 2000):
            session.execute(insert(TextAnalysis), analyses[start : start + 2000])
        for start in range(0, len(sentences), 2000):
            session.execute(insert(TextSentence), sentences[start : start + 2000])
        session.commit()


def deep_cursor(workspace_id: uuid.UUID, customer_id: uuid.UUID, depth: int) -> str:
    """The timeline position `depth` records down, as the page's "Older" link carries it."""
    from voxpop.case.schemas import TimelineEntry
    from voxpop.case.timeline import cursor_of
    from voxpop.feedback import service as feedback_service
    from voxpop.kit.db import new_session

    with new_session() as session:
        page = feedback_service.timeline_page(session, workspace_id, customer_id, None, depth)
    last = page[-1]
    entry = TimelineEntry(
        at=last.received_at, kind="feedback", id=last.id, channel=None, title=None, text=None, scores={}
    )
    return cursor_of(entry)


def start_server(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [str(VENV_BIN / "voxpop"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as reply:
                if reply.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError(f"the server did not start; see {log_path}")


def machine() -> dict[str, Any]:
    mem = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    return {
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "nproc": os.cpu_count(),
        "memtotal": mem.split(":", 1)[1].strip(),
        "loadavg": Path("/proc/loadavg").read_text().strip(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--others", type=int, default=20_000, help="other customers' records around them")
    parser.add_argument("--events", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=40, help="requests per measured address")
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary directory")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="voxpop-customer-page-"))
    url = args.database_url or f"sqlite:///{data_dir / 'voxpop.db'}"
    env = {
        **os.environ,
        "VOXPOP_DATABASE_URL": url,
        "VOXPOP_DATA_DIR": str(data_dir),
        "VOXPOP_EMBEDDED_JOBS": "false",
        "VOXPOP_CONFIG_FILE": str(data_dir / "absent.toml"),
    }
    os.environ.update(env)
    seeded = seed(args.records, args.others, args.events)
    customer = f"/customers/{seeded['customer_id']}"
    cursor = deep_cursor(seeded["workspace_id"], seeded["customer_id"], args.records // 2)
    paths = [
        customer,
        f"{customer}?channel=chat",
        f"{customer}?kind=journey_event",
        f"{customer}?before={cursor}",
        f"/customers/{seeded['small_id']}",  # the page's fixed cost: a customer with one record
    ]
    port = free_port()
    server = start_server(env, port, data_dir / "server.log")
    try:
        load = [sys.executable, str(LOAD), "--url", f"http://127.0.0.1:{port}", "--email", seeded["email"]]
        load += ["--password", PASSWORD, "--rounds", str(args.rounds)]
        load += [part for path in paths for part in ("--path", path)]
        result = json.loads(subprocess.run(load, capture_output=True, text=True, check=True).stdout)
        (data_dir / "latencies.json").write_text(json.dumps(result))
    finally:
        server.terminate()
        server.wait(timeout=30)
    every = [ms for path, values in result["latencies_ms"].items() for ms in values if path != paths[-1]]
    names = ("first page", "channel = chat", "kind = journey events", "5,000 records deep")
    names += ("baseline: a customer with 1 record",)
    report = {
        "machine": machine(),
        "database": url.split(":", 1)[0],
        "records": args.records,
        "others": args.others,
        "events": args.events,
        "failed": result["failed"],
        "failures": result["failures"],
        "all_of_the_10000": {
            "count": len(every),
            "p50_ms": percentile(every, 0.5),
            "p95_ms": percentile(every, 0.95),
        },
        "by_address": {
            name: {
                "p50_ms": round(percentile(values, 0.5), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
                "bytes": result["bytes"][path],
            }
            for name, (path, values) in zip(names, result["latencies_ms"].items(), strict=True)
        },
    }
    print(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
