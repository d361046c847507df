"""The labelled collections the theme benchmark scores against, and their embeddings (cached on disk).

Each collection is records with a human label (or several); the texts are read from ../shared/data and never
copied into the repository. Embedding runs the pipeline's own stages (clean, language, redact, sentences,
embed), so the sentences are those the app would store; each record is also embedded whole (the baseline's
input). The result is cached under the temp folder, keyed by the texts and the pipeline's version, so a re-run
does not embed again.
"""

from __future__ import annotations

import csv
import hashlib
import os
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = next(
    (p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").is_dir()),
    ROOT.parent / "shared" / "data",
)
"""../shared/data beside the checkout (or beside a folder of worktrees)."""
CACHE_DIR = Path(tempfile.gettempdir()) / "voxpop-theme-quality-cache"
_CACHE_FORMAT = "2"
_STAGES = ("clean", "language", "redact", "sentences", "embed")
CLOTHING_SAMPLE = 3000
CLOTHING_SEED = 21


@dataclass(frozen=True)
class Collection:
    name: str
    role: str
    """"development" (looked at while choosing the method) or "held out" (only scored)."""
    texts: list[str]
    labels: dict[str, list[str]]


@dataclass(frozen=True)
class Embedded:
    """A collection as the methods see it: records' stored texts and whole-record embeddings, and the
    pipeline's sentences with the record each belongs to."""

    record_texts: list[str]
    record_vectors: npt.NDArray[np.float32]
    doc_index: npt.NDArray[np.int64]
    sentences: list[str]
    sentence_vectors: npt.NDArray[np.float32]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def airline(data: Path) -> Collection:
    rows = [
        r
        for r in _rows(data / "twitter_airline_sentiment" / "Tweets.csv")
        if r["airline_sentiment"] == "negative" and r["negativereason"]
    ]
    return Collection(
        "airline tweets",
        "development",
        [r["text"] for r in rows],
        {"reason": [r["negativereason"] for r in rows]},
    )


def hotels(data: Path) -> Collection:
    rows = _rows(data / "deceptive_opinion_spam" / "deceptive_opinion_spam.csv")
    return Collection(
        "hotel reviews",
        "development",
        [r["text"].strip() for r in rows],
        {
            "polarity": [r["polarity"] for r in rows],
            "truthfulness": [r["deceptive"] for r in rows],
            "hotel": [r["hotel"] for r in rows],
        },
    )


def clothing(data: Path) -> Collection:
    """A seeded sample of the reviews with text and a class (the whole set is 22,641: CPU on a shared machine)."""
    rows = [
        r
        for r in _rows(data / "womens_clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv")
        if r["Review Text"].strip() and r["Class Name"] and r["Department Name"]
    ]
    rows = random.Random(CLOTHING_SEED).sample(rows, min(CLOTHING_SAMPLE, len(rows)))
    return Collection(
        "clothing reviews",
        "held out",
        [r["Review Text"].strip() for r in rows],
        {"class": [r["Class Name"] for r in rows], "department": [r["Department Name"] for r in rows]},
    )


def signals(data: Path) -> Collection:
    """The 400 hand-labelled records of benchmarks/data (both signal sets): which source each came from, and
    which signal a person found in it (churn intent, suggestion, both or neither)."""
    labelled = _rows(ROOT / "benchmarks" / "data" / "signals_labels.csv") + _rows(
        ROOT / "benchmarks" / "data" / "signals_labels_test.csv"
    )
    texts: dict[str, dict[str, str]] = {}
    for source in {r["source"] for r in labelled}:
        texts[source] = {}
        for row in _rows(data / source):
            texts[source].setdefault(row["tweet_id"], row["text"])

    def signal(row: dict[str, str]) -> str:
        found = [kind for kind in ("churn_intent", "suggestion") if row[kind] == "yes"]
        return "+".join(found) or "neither"

    return Collection(
        "signals sets",
        "held out",
        [texts[r["source"]][r["row_id"]] for r in labelled],
        {"source": [r["source"].split("/")[0] for r in labelled], "signal": [signal(r) for r in labelled]},
    )


LOADERS: dict[str, Callable[[Path], Collection]] = {
    "airline": airline,
    "hotels": hotels,
    "clothing": clothing,
    "signals": signals,
}


def embed(collection: Collection) -> tuple[Embedded, str]:
    """The collection's sentences and embeddings, from the cache when the same pipeline embedded the same
    texts before; and where they came from."""
    from voxpop.text import embeddings, pipeline, service

    options = service.options()
    key = hashlib.sha256(
        "\x00".join([_CACHE_FORMAT, pipeline.version_key(_STAGES, options), *collection.texts]).encode()
    ).hexdigest()[:16]
    path = CACHE_DIR / f"{collection.name.replace(' ', '-')}-{key}.npz"
    if path.exists():
        with np.load(path) as stored:
            return (
                Embedded(
                    [str(t) for t in stored["record_texts"]],
                    stored["record_vectors"],
                    stored["doc_index"],
                    [str(s) for s in stored["sentences"]],
                    stored["sentence_vectors"],
                ),
                f"cached in {path}",
            )
    started = time.perf_counter()
    docs = pipeline.analyse_texts(collection.texts, options, _STAGES)
    pieces = [(i, s) for i, doc in enumerate(docs) for s in doc.sentences if s.embedding is not None]
    fresh = Embedded(
        [doc.text for doc in docs],
        embeddings.encode(options.model, [doc.text for doc in docs]),
        np.array([i for i, _ in pieces], dtype=np.int64),
        [s.text for _, s in pieces],
        np.stack([s.embedding for _, s in pieces if s.embedding is not None]).astype(np.float32),
    )
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part.npz")
    np.savez(
        partial,
        record_texts=np.array(fresh.record_texts, dtype=str),
        record_vectors=fresh.record_vectors,
        doc_index=fresh.doc_index,
        sentences=np.array(fresh.sentences, dtype=str),
        sentence_vectors=fresh.sentence_vectors,
    )
    partial.replace(path)
    return fresh, f"embedded in {time.perf_counter() - started:.0f} s, cached in {path}"


if __name__ == "__main__":
    import sys

    import torch

    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))

    for name in sys.argv[1:] or list(LOADERS):
        loaded = LOADERS[name](DEFAULT_DATA)
        embedded, how = embed(loaded)
        print(
            f"{loaded.name}: {len(loaded.texts):,} records, {len(embedded.sentences):,} sentences, {how}",
            flush=True,
        )
