"""Text analytics speed (issues 5 and 21): records analysed per second end to end, beside the raw embedding speed
of the same model on the same texts in the same run, at full precision (sentence-transformers, torch) and
quantised (int8, ONNX Runtime, the default backend); and theme discovery time and peak memory on 100,000
sentences.

Run by hand (not in CI), from the repository root:

    .venv/bin/python benchmarks/text_speed.py pipeline --records 3000 [--profile] [--threads N]
    .venv/bin/python benchmarks/text_speed.py discovery --sentences 100000
    .venv/bin/python benchmarks/text_speed.py responsive [--threads N] [--port 8765] [--seconds 3600]

`responsive`: the demo (`voxpop demo --no-serve`, 30,000 records) in a fresh data directory, then `voxpop serve`
(jobs in-process, as `make demo` runs): how long until every text is analysed, and the latency of signed-in
page loads (overview, themes, ideas, search, records) fetched one after another while the analysis runs,
beside the same pages once it is done (only when it finished within `--seconds`).

`--profile` also prints where the end-to-end time goes (cProfile, the 25 functions with the most cumulative
time). `--threads` sets `VOXPOP_TEXT_THREADS` (0: one per core). Every figure is printed with the machine's
load average (the machine may be shared).

Texts are real customer verbatims from ../shared/data (airline tweets, clothing reviews and their titles, hotel
reviews), read here and never stored in the repository.

- "raw": `embeddings.encode` over the records' texts, nothing else, by each backend ("torch":
  `SentenceTransformer.encode`; "onnx-int8": the quantised model, built before timing).
- "end to end": the background job's work (`text.service.analyse_batch` until nothing is left) over the same
  records stored in a fresh SQLite database: read, clean, detect language, redact, split, embed every
  sentence, sentiment, signals, theme assignment, write. The model is loaded (and warmed) before timing.
- discovery: `text.discovery.discover` in a fresh child process over cached sentence embeddings; peak
  memory is that child's maximum resident set size (from `os.wait4`), and how much it grew during discovery.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import os
import platform
import pstats
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

SHARED = Path(os.environ.get("VOXPOP_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
TWEETS = SHARED / "twitter_airline_sentiment" / "Tweets.csv"
REVIEWS = SHARED / "womens_clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv"
HOTELS = SHARED / "deceptive_opinion_spam" / "deceptive_opinion_spam.csv"
CACHE = Path(tempfile.gettempdir()) / "voxpop-bench"


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.node()}: nproc {os.cpu_count()}, {memory:.1f} GiB RAM, Python {platform.python_version()}"
    )


def load() -> str:
    """The load averages over 1, 5 and 15 minutes (on 2 cores, above 2 means the machine was shared)."""
    return "load " + " / ".join(f"{value:.2f}" for value in os.getloadavg())


def verbatims(count: int) -> list[str]:
    """Alternating airline tweets and clothing reviews, in file order (deterministic)."""
    with TWEETS.open(encoding="utf-8") as handle:
        tweets = [row["text"] for row in csv.DictReader(handle)]
    with REVIEWS.open(encoding="utf-8") as handle:
        reviews = [row["Review Text"] for row in csv.DictReader(handle) if row["Review Text"]]
    mixed = [text for pair in zip(tweets, reviews, strict=False) for text in pair]
    return mixed[:count]


def bench_pipeline(records: int, profile: bool, threads: int) -> None:
    texts = verbatims(records)
    database = Path(tempfile.mkdtemp()) / "speed.db"
    os.environ["VOXPOP_DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["VOXPOP_TEXT_BATCH_RECORDS"] = "256"
    os.environ["VOXPOP_TEXT_THREADS"] = str(threads)
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
    print(f"# text pipeline speed — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}")
    words = sum(len(t.split()) for t in texts)
    print(f"records: {len(texts):,} ({words:,} words); TEXT_THREADS={threads or 'one per core'}")
    raw: dict[str, float] = {}
    for backend in embeddings.BACKENDS:
        embeddings.encode("", texts[:64], backend=backend)  # load (and build) and warm outside the timing
        started = time.perf_counter()
        embeddings.encode("", texts, backend=backend)
        raw[backend] = time.perf_counter() - started
        print(
            f"raw embedding, {backend}: {raw[backend]:.2f} s = {len(texts) / raw[backend]:,.1f} records/s ({load()})"
        )
    pipeline.analyse_texts(texts[:64])  # warm the other components

    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    with new_session() as session:
        if profiler:
            profiler.enable()
        while service.analyse_batch(session, workspace_id):
            pass
        if profiler:
            profiler.disable()
    end_to_end = time.perf_counter() - started
    with new_session(write=False) as session:
        from sqlalchemy import func, select

        from voxpop.text.models import TextAnalysis, TextSentence

        analysed = session.scalar(select(func.count()).select_from(TextAnalysis))
        sentences = session.scalar(select(func.count()).select_from(TextSentence))
    print(f"stored: {analysed:,} analyses, {sentences:,} sentences")
    print(
        f"end to end (analyse_batch, SQLite, {service.options().backend}): {end_to_end:.2f} s = "
        f"{len(texts) / end_to_end:,.1f} records/s ({load()})"
    )
    print(
        f"quantised raw / full-precision raw = {raw['torch'] / raw['onnx-int8']:.2f}x; "
        f"end to end / full-precision raw = {raw['torch'] / end_to_end:.1%}; "
        f"end to end / quantised raw = {raw['onnx-int8'] / end_to_end:.1%}"
    )
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


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


PAGES = ("/", "/themes", "/ideas", "/search?q=late+delivery", "/trends")


def bench_responsive(threads: int, port: int, budget: float) -> None:
    import httpx

    data = Path(tempfile.mkdtemp())
    env = {
        **os.environ,
        "VOXPOP_DATA_DIR": str(data),
        "VOXPOP_DEMO_PASSWORD": "bench-password-1",
        "VOXPOP_TEXT_THREADS": str(threads),
        "VOXPOP_PORT": str(port),
    }
    print(f"# responsiveness during analysis — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}")
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "voxpop", "demo", "--no-serve"], env=env, check=True, capture_output=True
    )
    print(
        f"demo loaded in {time.perf_counter() - started:.0f} s ({load()}); TEXT_THREADS={threads or 'one per core'}"
    )
    database = data / "voxpop.db"
    started = time.perf_counter()  # the analysis starts with the server, as with `make demo`
    server = subprocess.Popen([sys.executable, "-m", "voxpop", "serve"], env=env, stderr=subprocess.DEVNULL)
    try:
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
        _wait_for(client)
        _sign_in(client)
        during: list[float] = []
        texts = _count(database, "SELECT count(*) FROM feedback WHERE text IS NOT NULL AND text != ''")
        done, moved = 0, time.perf_counter()
        # until every text is analysed, or the time budget is spent, or nothing moved for 5 minutes
        while done < texts and time.perf_counter() - started < budget and time.perf_counter() - moved < 300:
            during.extend(_fetch(client))
            now = _count(database, "SELECT count(*) FROM text_analyses")
            done, moved = now, time.perf_counter() if now > done else moved
        analysis = time.perf_counter() - started
        print(
            f"{done:,} of {texts:,} texts analysed in {analysis:.0f} s = {done / analysis:,.1f} records/s ({load()})"
        )
        after = [seconds for _ in range(4) for seconds in _fetch(client)] if done == texts else []
        for name, times in (("during analysis", during), ("after analysis", after)):
            if not times:
                continue
            print(
                f"page loads {name}: n={len(times)}, median {np.median(times):.3f} s, "
                f"p95 {np.percentile(times, 95):.3f} s, max {max(times):.3f} s"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for(client: Any) -> None:
    for _ in range(240):
        try:
            client.get("/login")
            return
        except Exception:
            time.sleep(0.5)
    raise SystemExit("the server did not start")


def _sign_in(client: Any) -> None:
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token, "no sign-in form"
    form = {"email": "admin@demo.voxpop.local", "password": "bench-password-1", "csrf_token": token.group(1)}
    assert client.post("/login", data=form).status_code == 303, "sign-in failed"


def _fetch(client: Any) -> list[float]:
    times = []
    for page in PAGES:
        started = time.perf_counter()
        reply = client.get(page)
        times.append(time.perf_counter() - started)
        assert reply.status_code == 200, f"{page}: {reply.status_code}"
    return times


def _count(database: Path, query: str) -> int:
    import sqlite3

    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as connection:
        return int(connection.execute(query).fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", choices=["pipeline", "discovery", "discover-child", "responsive"])
    parser.add_argument("cached", nargs="?", type=Path)
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true", help="pipeline: where the time goes (cProfile)")
    parser.add_argument("--threads", type=int, default=0, help="TEXT_THREADS (0: one per core)")
    parser.add_argument("--port", type=int, default=8765, help="responsive: where the app listens")
    parser.add_argument(
        "--seconds", type=float, default=3600, help="responsive: stop measuring after this long"
    )
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    if args.what == "pipeline":
        bench_pipeline(args.records, args.profile, args.threads)
    elif args.what == "responsive":
        bench_responsive(args.threads, args.port, args.seconds)
    elif args.what == "discover-child":
        discover_child(args.cached)
    else:
        bench_discovery(args.sentences)


if __name__ == "__main__":
    main()
