"""Theme discovery quality (issue 5): our discovery beside BERTopic with its defaults, on the same embeddings,
in the same run, against the human "negativereason" labels of the negative airline tweets (NMI and ARI).

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/text_quality.py --section themes [--repeats N]

(also runnable alone: `.venv/bin/python benchmarks/text_themes.py [--repeats N] [--reduced-topics K]`).
Needs `bertopic` (the `bench` extra).

- Ours: the pipeline's sentences and embeddings; `text.discovery.discover` over the sentences, then every
  sentence to its nearest theme (as new records are assigned, without the similarity floor, so every tweet
  gets a theme as BERTopic's every tweet gets a topic), and a tweet takes the theme most of its text is in.
  Timed: discovery and assignment (not the embedding, which both share).
- BERTopic: `BERTopic()` with its defaults (UMAP + HDBSCAN + c-TF-IDF), given the tweets' embeddings by the
  same model (`fit_transform(docs, embeddings)`); its outlier topic −1 counts as one cluster, as it is what
  a user sees. Timed: `fit_transform`.
- `--repeats N`: the tweets are embedded once (and the embeddings cached in the temp folder, keyed by the
  texts and the pipeline's version, so a re-run does not re-embed), then each method runs N times. BERTopic
  stays unseeded (UMAP's default), so its runs differ; `discover` has a fixed seed and no seed parameter,
  so ours gives the same labels every run (the output says whether it did).
- `--reduced-topics K` (default off): one extra, non-default BERTopic run with `nr_topics=K`, to set beside
  our top level; extra information only.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import platform
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CACHE_DIR = Path(tempfile.gettempdir()) / "voxpop-text-themes-cache"
_CACHE_FORMAT = "1"
_NAMES = ("clean", "language", "redact", "sentences", "embed")
BERTOPIC = "BERTopic (defaults)"


@dataclass(frozen=True)
class Embedded:
    """What both methods start from: the pipeline's sentences (with the tweet each is in) and their
    embeddings, for ours; one embedding per tweet, for BERTopic."""

    doc_index: npt.NDArray[np.int64]
    sentences: list[str]
    sentence_vectors: npt.NDArray[np.float32]
    tweet_vectors: npt.NDArray[np.float32]


@dataclass(frozen=True)
class Run:
    labels: list[int]
    seconds: float
    clusters: int
    nmi: float
    ari: float
    outliers: int = 0


def negative_tweets(data: Path) -> tuple[list[str], list[str]]:
    with (data / "twitter_airline_sentiment" / "Tweets.csv").open(encoding="utf-8", newline="") as handle:
        rows = [
            row
            for row in csv.DictReader(handle)
            if row["airline_sentiment"] == "negative" and row["negativereason"]
        ]
    return [row["text"] for row in rows], [row["negativereason"] for row in rows]


def embed(texts: list[str]) -> tuple[Embedded, str]:
    """The sentences and embeddings of `texts`, from the cache if these texts were embedded by the same
    pipeline version before; and where they came from."""
    from voxpop.text import embeddings, pipeline, service

    options = service.options()
    key = hashlib.sha256(
        "\x00".join([_CACHE_FORMAT, pipeline.version_key(_NAMES, options), repr(options), *texts]).encode()
    ).hexdigest()[:16]
    path = CACHE_DIR / f"airline-negative-{key}.npz"
    if path.exists():
        with np.load(path) as stored:
            cached = Embedded(
                stored["doc_index"],
                [str(s) for s in stored["sentences"]],
                stored["sentence_vectors"],
                stored["tweet_vectors"],
            )
        return cached, f"cached in {path}"
    started = time.perf_counter()
    docs = pipeline.analyse_texts(texts, options, _NAMES)
    pieces = [(i, s) for i, doc in enumerate(docs) for s in doc.sentences if s.embedding is not None]
    fresh = Embedded(
        np.array([i for i, _ in pieces], dtype=np.int64),
        [s.text for _, s in pieces],
        np.stack([s.embedding for _, s in pieces if s.embedding is not None]).astype(np.float32),
        embeddings.encode("", texts),
    )
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    partial_path = path.with_suffix(".part.npz")
    np.savez(
        partial_path,
        doc_index=fresh.doc_index,
        sentences=np.array(fresh.sentences, dtype=str),
        sentence_vectors=fresh.sentence_vectors,
        tweet_vectors=fresh.tweet_vectors,
    )
    partial_path.replace(path)
    return fresh, f"embedded in {time.perf_counter() - started:.1f} s, cached in {path}"


def ours(texts: list[str], embedded: Embedded) -> dict[str, tuple[list[int], float, int]]:
    """Tweet labels at both levels (themes, sub-themes), the time of discovery + assignment, cluster counts."""
    from voxpop.text import discovery

    vectors = embedded.sentence_vectors
    started = time.perf_counter()
    themes = discovery.discover(embedded.sentences, vectors)
    leaves = [(top, leaf) for top, theme in enumerate(themes) for leaf in (theme.children or [theme])]
    nearest = (vectors @ np.stack([leaf.centroid for _, leaf in leaves]).T).argmax(axis=1)
    seconds = time.perf_counter() - started
    levels: tuple[tuple[str, Callable[[int], int]], ...] = (
        ("themes", lambda leaf: leaves[leaf][0]),
        ("sub-themes", lambda leaf: leaf),
    )
    result = {}
    for level, key in levels:
        weight: list[Counter[int]] = [Counter() for _ in texts]
        for doc_index, sentence, leaf_index in zip(
            embedded.doc_index, embedded.sentences, nearest, strict=True
        ):
            weight[int(doc_index)][key(int(leaf_index))] += len(sentence)
        labels = [counter.most_common(1)[0][0] if counter else -1 for counter in weight]
        result[level] = (labels, seconds, len(set(labels)))
    return result


def bertopic(texts: list[str], embedded: Embedded, **parameters: Any) -> tuple[list[int], float, int, int]:
    """Topic per tweet, `fit_transform` time, topic count (without the outlier topic −1), outlier count."""
    from bertopic import BERTopic  # type: ignore[import-untyped]

    started = time.perf_counter()
    topics, _ = BERTopic(**parameters).fit_transform(texts, embeddings=embedded.tweet_vectors)
    seconds = time.perf_counter() - started
    labels = [int(t) for t in topics]
    return labels, seconds, len(set(labels) - {-1}), labels.count(-1)


def _machine() -> str:
    memory: dict[str, str] = {}
    with Path("/proc/meminfo").open(encoding="ascii") as handle:
        for line in handle:
            name, _, value = line.partition(":")
            memory[name] = value.strip()
    return (
        f"{platform.node()}, nproc {len(os.sched_getaffinity(0))} (cpu_count {os.cpu_count()}), "
        f"MemTotal {memory.get('MemTotal', '?')}, MemAvailable {memory.get('MemAvailable', '?')}, "
        f"Python {platform.python_version()}"
    )


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC, load average {one:.2f} {five:.2f} {fifteen:.2f}"


def _summary(name: str, runs: Sequence[Run]) -> str:
    nmis = [r.nmi for r in runs]
    seconds = [r.seconds for r in runs]
    return (
        f"  {name} ({len(runs)} runs): NMI mean {statistics.fmean(nmis):.4f} min {min(nmis):.4f} "
        f"max {max(nmis):.4f}  |  time mean {statistics.fmean(seconds):.2f} s min {min(seconds):.2f} s "
        f"max {max(seconds):.2f} s  |  ARI mean {statistics.fmean(r.ari for r in runs):.4f}  |  "
        f"clusters {min(r.clusters for r in runs)}–{max(r.clusters for r in runs)}"
    )


def section_themes(data: Path, repeats: int = 1, reduced_topics: int = 0) -> None:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    if repeats < 1:
        raise ValueError("--repeats must be at least 1")
    texts, reasons = negative_tweets(data)
    print(
        f"## themes — negative airline tweets with a human reason: {len(texts):,} tweets, {len(set(reasons))} reasons"
    )
    print(f"  machine: {_machine()}")
    print(f"  start: {_load()}")
    print(
        "  note: timings, and the time ratios most of all, are disturbed by any other load on the machine "
        "(another job training a model alongside, say): compare the load averages at start and end."
    )
    embedded, source = embed(texts)
    print(
        f"  embeddings (not timed): {len(embedded.sentences):,} sentences and {len(texts):,} tweets, {source}"
    )

    def score(labels: list[int]) -> tuple[float, float]:
        return normalized_mutual_info_score(reasons, labels), adjusted_rand_score(reasons, labels)

    runs: dict[str, list[Run]] = {"ours, themes": [], "ours, sub-themes": [], BERTOPIC: []}
    for repeat in range(1, repeats + 1):
        for level, (labels, seconds, clusters) in ours(texts, embedded).items():
            name = f"ours, {level}"
            runs[name].append(Run(labels, seconds, clusters, *score(labels)))
        labels, seconds, clusters, outliers = bertopic(texts, embedded)
        runs[BERTOPIC].append(Run(labels, seconds, clusters, *score(labels), outliers))
        for name in runs:
            run = runs[name][-1]
            extra = f"  outliers (topic −1) {run.outliers:,} tweets" if name == BERTOPIC else ""
            print(
                f"  run {repeat}/{repeats} {name}: NMI {run.nmi:.4f}  ARI {run.ari:.4f}  "
                f"time {run.seconds:.2f} s  clusters {run.clusters}{extra}",
                flush=True,
            )
    print(f"## themes — summary over {repeats} run(s) of each method")
    for name, done in runs.items():
        print(_summary(name, done))
    for name in ("ours, themes", "ours, sub-themes"):
        same = all(r.labels == runs[name][0].labels for r in runs[name])
        print(
            f"  {name}: discover() has a fixed seed (discovery.SEED) and no seed parameter; "
            + (
                f"its {repeats} runs gave identical labels (only the time varies)"
                if same
                else f"its {repeats} runs did NOT all give identical labels"
            )
        )
    their_nmi = statistics.fmean(r.nmi for r in runs[BERTOPIC])
    their_time = statistics.fmean(r.seconds for r in runs[BERTOPIC])
    for name in ("ours, themes", "ours, sub-themes"):
        mine_nmi = statistics.fmean(r.nmi for r in runs[name])
        mine_time = statistics.fmean(r.seconds for r in runs[name])
        print(
            f"  {name} / BERTopic, ratio of means: NMI {mine_nmi / their_nmi:.3f}×, time {mine_time / their_time:.3f}×"
        )
        above = sum(1 for r in runs[BERTOPIC] if r.nmi <= mine_nmi)
        print(f"    BERTopic runs with NMI at or below ours ({name}, mean): {above} of {repeats}")
    if reduced_topics:
        labels, seconds, clusters, outliers = bertopic(texts, embedded, nr_topics=reduced_topics)
        nmi, ari = score(labels)
        print(
            f"## themes — extra, NON-DEFAULT: BERTopic(nr_topics={reduced_topics}), one run, beside our top level"
        )
        print(
            f"  BERTopic (nr_topics={reduced_topics}): NMI {nmi:.4f}  ARI {ari:.4f}  time {seconds:.2f} s  "
            f"clusters {clusters}  outliers (topic −1) {outliers:,} tweets"
        )
        mine = runs["ours, themes"][0]
        print(f"  ours, themes (run 1): NMI {mine.nmi:.4f}  ({mine.nmi / nmi:.3f}× this run)")
    print(f"  end: {_load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Theme discovery quality: ours beside BERTopic (issue 5)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--repeats", type=int, default=1, help="runs of each method over one embedding")
    parser.add_argument(
        "--reduced-topics", type=int, default=0, help="extra non-default BERTopic(nr_topics=K) run; 0: none"
    )
    args = parser.parse_args()
    section_themes(args.data, args.repeats, args.reduced_topics)


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    main()
