"""Text analytics speed (issue 5): records analysed per second end to end, beside the raw embedding speed of
the same model on the same texts in the same run (the physical limit on this machine); and theme discovery
time and peak memory on 100,000 sentences.

Run by hand (not in CI), from the repository root:

    .venv/bin/python benchmarks/text_speed.py pipeline --records 3000
    .venv/bin/python benchmarks/text_speed.py discovery --sentences 100000

Texts are real customer verbatims from ../shared/data (airline tweets, clothing reviews and their titles, hotel
reviews), read here and never stored in the repository.

- "raw": `SentenceTransformer.encode` over the records' texts, nothing else.
- "end to end": the background job's work (`text.service.analyse_batch` until nothing is left) over the same
  records stored in a fresh SQLite database: read, clean, detect language, redact, split, embed every
  sentence, sentiment, signals, theme assignment, write. The model is loaded (and warmed) before timing.
- discovery: `text.discovery.discover` in a fresh child process over cached sentence embeddings; peak
  memory is that child's maximum resident set size (from `os.wait4`), and how much it grew during discovery.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
TWEETS = SHARED / "twitter_airline_sentiment" / "Tweets.csv"
REVIEWS = SHARED / "womens_clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv"
HOTELS = SHARED / "deceptive_opinion_spam" / "deceptive_opinion_spam.csv"
CACHE = Path(tempfile.gettempdir()) / "voxpop-bench"


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.node()}: nproc {os.cpu_count()}, {memory:.1f} GiB RAM, Python {platform.python_version()}"
    )


def verbatims(count: int) -> list[str]:
    """Alternating airline tweets and clothing reviews, in file order (deterministic)."""
    with TWEETS.open(encoding="utf-8") as handle:
        tweets = [row["text"] for row in csv.DictReader(handle)]
    with REVIEWS.open(encoding="utf-8") as handle:
        reviews = [row["Review Text"] for row in csv.DictReader(handle) if row["Review Text"]]
    mixed = [text for pair in zip(tweets, reviews, strict=False) for text in pair]
    return mixed[:count]


def bench_pipeline(records: int) -> None:
    texts = verbatims(records)
    database = Path(tempfile.mkdtemp()) / "speed.db"
    os.environ["VOXPOP_DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["VOXPOP_TEXT_BATCH_RECORDS"] = "256"
    from voxpop import migrations, registry
    from voxpop.feedback import service as feedback_service
    from voxpop.feedback.schemas import FeedbackIn
    from voxpop.kit.db import new_session
    from voxpop.text import embeddings, pipeline, service
    from voxpop.workspace import service as workspace_service

    migrations.upgrade(os.environ["VOXPOP_DATABASE_URL"])
    registry.register()  # the entry fires its hooks, as in every voxpop process
    with new_session() as session:
        workspace_id = workspace_service.create(session, "speed").id
        items = [
            FeedbackIn(kind="review", channel="web", source="bench", external_id=str(i), text=text)  # type: ignore[call-arg]
            for i, text in enumerate(texts)
        ]
        feedback_service.ingest_many(session, workspace_id, items)
        session.commit()
    pipeline.analyse_texts(texts[:64])  # load and warm the model outside the timings
    words = sum(len(t.split()) for t in texts)

    started = time.perf_counter()
    embeddings.encode("", texts)
    raw = time.perf_counter() - started

    started = time.perf_counter()
    with new_session() as session:
        while service.analyse_batch(session, workspace_id):
            pass
    end_to_end = time.perf_counter() - started
    with new_session(write=False) as session:
        from sqlalchemy import func, select

        from voxpop.text.models import TextAnalysis, TextSentence

        analysed = session.scalar(select(func.count()).select_from(TextAnalysis))
        sentences = session.scalar(select(func.count()).select_from(TextSentence))
    print(f"# text pipeline speed — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}")
    print(
        f"records: {len(texts):,} ({words:,} words; {sentences:,} sentences stored; {analysed:,} analyses stored)"
    )
    print(f"raw embedding of the records: {raw:.2f} s = {len(texts) / raw:,.1f} records/s")
    print(
        f"end to end (analyse_batch, SQLite): {end_to_end:.2f} s = {len(texts) / end_to_end:,.1f} records/s"
    )
    print(f"end to end / raw = {raw / end_to_end:.1%}")


def sentences_for_discovery(count: int) -> tuple[list[str], np.ndarray]:
    """`count` sentences of the verbatims (all tweets, then all reviews), embedded once and cached."""
    from voxpop.text import embeddings
    from voxpop.text.sentences import split

    CACHE.mkdir(exist_ok=True)
    cached = CACHE / f"discovery-{count}.npz"
    if cached.exists():
        data = np.load(cached, allow_pickle=False)
        if len(data["texts"]) == count:
            return [str(t) for t in data["texts"]], data["vectors"]
    texts: list[str] = []
    for verbatim in all_verbatims():
        texts.extend(span.text for span in split(verbatim))
        if len(texts) >= count:
            break
    texts = texts[:count]
    known = _cached_vectors()
    missing = sorted({t for t in texts if t not in known})
    known.update(zip(missing, embeddings.encode("", missing, batch_size=128), strict=True))
    vectors = np.stack([known[t] for t in texts])
    np.savez(cached, texts=np.array(texts), vectors=vectors)
    return texts, vectors


def _cached_vectors() -> dict[str, np.ndarray]:
    """Sentence embeddings of earlier runs (any size), so a new sample embeds only what is new."""
    known: dict[str, np.ndarray] = {}
    for path in CACHE.glob("discovery-*.npz"):
        data = np.load(path, allow_pickle=False)
        known.update(zip((str(t) for t in data["texts"]), data["vectors"], strict=True))
    return known


def all_verbatims() -> list[str]:
    """Every verbatim of the shared sets we may benchmark on: tweets, clothing reviews and titles, hotel reviews."""
    with TWEETS.open(encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    with REVIEWS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    texts += [row["Review Text"] for row in rows if row["Review Text"]] + [
        row["Title"] for row in rows if row["Title"]
    ]
    with HOTELS.open(encoding="utf-8") as handle:
        return texts + [row["text"] for row in csv.DictReader(handle)]


def bench_discovery(count: int) -> None:
    texts, vectors = sentences_for_discovery(count)
    cached = CACHE / f"discovery-{count}.npz"
    # A fresh interpreter, not a fork: forking after torch has started its thread pools can deadlock BLAS.
    child = subprocess.Popen(
        [sys.executable, __file__, "discover-child", str(cached)], stdout=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(child.pid, 0)
    assert child.stdout is not None and status == 0, f"the discovering process failed ({status})"
    seconds, resident, peak, themes, subs = child.stdout.read().split()
    print(f"# theme discovery — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}")
    print(f"sentences: {len(texts):,} (embeddings {vectors.nbytes / 2**20:.0f} MiB)")
    print(f"discovery: {float(seconds):.2f} s, {themes} themes, {subs} sub-themes")
    print(f"peak RSS of the discovering process: {usage.ru_maxrss / 1024:,.0f} MB")
    print(
        f"discovery's own peak: {int(peak) / 1024:,.0f} MB resident, "
        f"{(int(peak) - int(resident)) / 1024:,.0f} MB above the {int(resident) / 1024:,.0f} MB held before it"
    )


def _resident_kb(field: str) -> int:
    """VmRSS (now) or VmHWM (peak since the last reset) of this process, in kB, from /proc."""
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith(field + ":")))


def discover_child(cached: Path) -> None:
    """Runs in its own process: load the cached sentences, discover, print seconds, the resident size
    before discovery and its peak during it (kB), and the counts."""
    from voxpop.text import discovery

    data = np.load(cached, allow_pickle=False)
    texts, vectors = [str(t) for t in data["texts"]], data["vectors"]
    del data
    Path("/proc/self/clear_refs").write_text("5")  # resets the peak (VmHWM) to what is resident now
    resident = _resident_kb("VmRSS")
    started = time.perf_counter()
    themes = discovery.discover(texts, vectors)
    seconds = time.perf_counter() - started
    print(seconds, resident, _resident_kb("VmHWM"), len(themes), sum(len(t.children) or 1 for t in themes))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", choices=["pipeline", "discovery", "discover-child"])
    parser.add_argument("cached", nargs="?", type=Path)
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--sentences", type=int, default=100_000)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    if args.what == "pipeline":
        bench_pipeline(args.records)
    elif args.what == "discover-child":
        discover_child(args.cached)
    else:
        bench_discovery(args.sentences)


if __name__ == "__main__":
    main()
