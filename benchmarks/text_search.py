"""Search speed (issue 5): "more like this" by meaning scores the newest sentences of the records it may
return, a chunk at a time, up to a budget; how long that takes over a workspace of many sentences, on SQLite
and PostgreSQL, for the whole workspace and narrowed by an analytics filter, beside a words search over the
same records.

Run by hand (not in CI), from the repository root:

    .venv/bin/python benchmarks/text_search.py --sentences 1000000 [--stores sqlite,postgresql] [--repeats 5]

Data: synthetic, made here and dropped afterwards. Records of four sentences each, spread over 2025 and
across two channels; each sentence's embedding is a random unit vector of all-MiniLM-L6-v2's 384 dimensions (a
scan's time does not depend on the vectors' values), its text one of a few verbatims. The timed calls are the
app's own: `text.explore.similar_records` (no model needed) and `text.explore.search_words`, with the filter
built by `insight.service.matching_ids` as the search route builds it.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Engine, insert, text

from surveys import database
from text_speed import machine

SENTENCES_PER_RECORD = 4
BATCH = 5_000
TEXTS = (
    "The parcel came two days late.",
    "The driver was friendly.",
    "I was charged twice for one order.",
    "The app keeps logging me out.",
)


def fill(engine: Engine, sentences: int) -> uuid.UUID:
    """A workspace with `sentences` analysed sentences; returns its id."""
    from voxpop import migrations
    from voxpop.feedback.models import Feedback
    from voxpop.kit.db import new_session
    from voxpop.kit.ids import new_id
    from voxpop.text.models import TextSentence
    from voxpop.workspace import service as workspace_service

    migrations.upgrade(engine.url.render_as_string(hide_password=False))
    with new_session(engine) as session:
        workspace_id = workspace_service.create(session, "search-bench").id
        session.commit()
    rng = np.random.default_rng(5)
    records = sentences // SENTENCES_PER_RECORD
    started = time.perf_counter()
    with new_session(engine) as session:
        for first in range(0, records, BATCH):
            ids = [new_id() for _ in range(min(BATCH, records - first))]
            session.execute(
                insert(Feedback), [_record(workspace_id, rid, first + i) for i, rid in enumerate(ids)]
            )
            vectors = rng.standard_normal((len(ids) * SENTENCES_PER_RECORD, 384), dtype=np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            session.execute(insert(TextSentence), list(_sentences(workspace_id, ids, vectors)))
            session.commit()
    if engine.dialect.name == "postgresql":  # what autovacuum does soon after a load this size
        with engine.connect() as connection:
            connection.execute(text("ANALYZE feedback, text_sentences"))
            connection.commit()
    print(
        f"stored {records:,} records, {records * SENTENCES_PER_RECORD:,} sentences in "
        f"{time.perf_counter() - started:.0f} s"
    )
    return workspace_id


def _record(workspace_id: uuid.UUID, record_id: uuid.UUID, n: int) -> dict[str, Any]:
    received = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=(n * 7919) % (365 * 24 * 60))  # scattered
    return {
        "id": record_id,
        "workspace_id": workspace_id,
        "kind": "review",
        "channel": "email" if n % 2 else "web",
        "source": "bench",
        "external_id": str(n),
        "received_at": received,
        "text": " ".join(TEXTS),
        "attributes": {},
    }


def _sentences(workspace_id: uuid.UUID, ids: list[uuid.UUID], vectors: Any) -> Iterator[dict[str, Any]]:
    from voxpop.kit.ids import new_id

    for i, vector in enumerate(vectors):
        position = i % SENTENCES_PER_RECORD
        yield {
            "id": new_id(),
            "workspace_id": workspace_id,
            "feedback_id": ids[i // SENTENCES_PER_RECORD],
            "position": position,
            "start": 0,
            "end": len(TEXTS[position]),
            "text": TEXTS[position],
            "language": "en",
            "sentiment_label": "neutral",
            "sentiment_score": 0.0,
            "embedding": vector.tobytes(),
        }


def timed(call: Callable[[], Any], repeats: int) -> tuple[float, float, Any]:
    """Median and slowest seconds of `repeats` calls (after one untimed call), and the last result."""
    result = call()
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), max(seconds), result


def measure(store: str, sentences: int, repeats: int) -> None:
    from sqlalchemy import select

    from voxpop.feedback.models import Feedback
    from voxpop.insight.service import SliceQuery, matching_ids
    from voxpop.kit.db import engine_for, new_session
    from voxpop.text import explore

    with database(store) as url:
        engine = engine_for(url)
        workspace_id = fill(engine, sentences)
        with new_session(engine, write=False) as session:
            some = session.scalar(select(Feedback.id).where(Feedback.workspace_id == workspace_id).limit(1))
            assert some is not None
            quarter = SliceQuery("", where=(("channel", "email"),), since=date(2025, 10, 1))
            among = matching_ids(session, workspace_id, quarter)
            week = SliceQuery("", where=(("channel", "email"),), since=date(2025, 12, 25))
            narrow = matching_ids(session, workspace_id, week)
            shapes: dict[str, Callable[[], Any]] = {
                "more like this, whole workspace": lambda: explore.similar_records(
                    session, workspace_id, some, 20
                ),
                "more like this, channel=email since 2025-10-01": lambda: explore.similar_records(
                    session, workspace_id, some, 20, among
                ),
                "more like this, channel=email since 2025-12-25": lambda: explore.similar_records(
                    session, workspace_id, some, 20, narrow
                ),
                "words, whole workspace": lambda: explore.search_words(session, workspace_id, "charged", 20),
                "words, channel=email since 2025-10-01": lambda: explore.search_words(
                    session, workspace_id, "charged", 20, among
                ),
            }
            for shape, call in shapes.items():
                median, slowest, result = timed(call, repeats)
                scanned = (
                    f"  searched {result.searched:,} sentences, complete {result.complete}"
                    if isinstance(result, explore.Nearest)
                    else ""
                )
                hits = len(result.hits) if isinstance(result, explore.Nearest) else len(result)
                print(
                    f"{store:10}  {shape:48}  median {median * 1000:9.1f} ms  slowest {slowest * 1000:9.1f} ms"
                    f"  hits {hits}{scanned}"
                )
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sentences", type=int, default=1_000_000)
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"# search speed — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}")
    print(f"sentences: {args.sentences:,} ({SENTENCES_PER_RECORD} per record), chunk and budget {_limits()}")
    for store in args.stores.split(","):
        measure(store, args.sentences, args.repeats)


def _limits() -> str:
    from voxpop.text.explore import SEARCH_BUDGET, SEARCH_CHUNK

    return f"{SEARCH_CHUNK:,} / {SEARCH_BUDGET:,} sentences"


if __name__ == "__main__":
    main()
