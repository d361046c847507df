"""Text analytics speed (issue 5): records analysed per second end to end, beside the raw embedding speed of
the same model on the same texts in the same run (the physical limit on this machine); and theme discovery
time and peak memory on 100,000 sentences.

Run by hand (not in CI), from the repository root:

    .venv/bin/python benchmarks/text_speed.py pipeline --records 3000
    .venv/bin/python benchmarks/text_speed.py discovery --sentences 100000

Texts are real customer verbatims from ../shared/data (airline tweets and clothing reviews), read here and
never stored in the repository.

- "raw": `SentenceTransformer.encode` over the records' texts, nothing else.
- "end to end": the background job's work (`text.service.analyse_batch` until nothing is left) over the same
  records stored in a fresh SQLite database: read, clean, detect language, redact, split, embed every
  sentence, sentiment, signals, theme assignment, write. The model is loaded (and warmed) before timing.
- discovery: `text.discovery.discover` in a child process of its own over cached sentence embeddings; peak
  memory is that child's maximum resident set size (from `os.wait4`), minus its size just before discovery.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
TWEETS = SHARED / "twitter_airline_sentiment" / "Tweets.csv"
REVIEWS = SHARED / "womens_clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv"
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
    os.environ["VOXPOP_ENV"] = "test"
    os.environ["VOXPOP_TEXT_BATCH_RECORDS"] = "256"
    from voxpop import migrations
    from voxpop.feedback import service as feedback_service
    from voxpop.feedback.schemas import FeedbackIn
    from voxpop.kit.db import new_session
    from voxpop.text import embeddings, pipeline, service
    from voxpop.workspace import service as workspace_service

    migrations.upgrade(os.environ["VOXPOP_DATABASE_URL"])
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
    from voxpop.text import embeddings
    from voxpop.text.sentences import split

    CACHE.mkdir(exist_ok=True)
    cached = CACHE / f"discovery-{count}.npz"
    if cached.exists():
        data = np.load(cached, allow_pickle=False)
        return [str(t) for t in data["texts"]], data["vectors"]
    texts: list[str] = []
    for verbatim in verbatims(10**9):
        texts.extend(span.text for span in split(verbatim))
        if len(texts) >= count:
            break
    texts = texts[:count]
    vectors = embeddings.encode("", texts, batch_size=128)
    np.savez(cached, texts=np.array(texts), vectors=vectors)
    return texts, vectors


def bench_discovery(count: int) -> None:
    texts, vectors = sentences_for_discovery(count)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        from voxpop.text import discovery

        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        themes = discovery.discover(texts, vectors)
        seconds = time.perf_counter() - started
        subs = sum(len(t.children) or 1 for t in themes)
        os.write(write, f"{seconds} {before} {len(themes)} {subs}".encode())
        os._exit(0)
    os.close(write)
    _, _, usage = os.wait4(pid, 0)
    seconds, before, themes, subs = os.read(read, 200).decode().split()
    peak_mb = usage.ru_maxrss / 1024
    print(f"# theme discovery — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}")
    print(f"sentences: {len(texts):,} (embeddings {vectors.nbytes / 2**20:.0f} MiB)")
    print(f"discovery: {float(seconds):.2f} s, {themes} themes, {subs} sub-themes")
    above = (usage.ru_maxrss - int(before)) / 1024
    print(
        f"peak RSS of the discovering process: {peak_mb:,.0f} MB ({above:,.0f} MB above its size before discovery)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", choices=["pipeline", "discovery"])
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--sentences", type=int, default=100_000)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    if args.what == "pipeline":
        bench_pipeline(args.records)
    else:
        bench_discovery(args.sentences)


if __name__ == "__main__":
    main()
