"""Does the quantised encoder keep the full-precision model's quality? (issue 21, part 4)

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/text_quantised.py [--tweets 2000] [--reviews 1000]
        [--hotels 400] [--seeds 5]

Runs the whole pipeline (`voxpop.text.pipeline.analyse_texts`) over the same records twice, once per embedding
backend ("torch": sentence-transformers at full precision; "onnx-int8": the default), and prints side by side:
- sentiment macro-F1 per collection: airline tweets (3 classes as labelled), clothing reviews (1–2 stars
  negative, 3 neutral, 4–5 positive), hotel reviews (Deceptive Opinion Spam polarity, 2 classes);
- theme grouping as a proxy: NMI of k-means (k = the number of labels, seeds 0…N−1, mean) on each record's
  mean sentence embedding against its human labels: airline negative reasons (negative tweets with a reason
  other than "Can't Tell"), clothing departments, hotel polarity and truthfulness.
The issue keeps the quantised backend only if each figure stays within 0.01 of full precision.
Samples are seeded (`random.Random(21)`) and identical for both backends.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import f1_score, normalized_mutual_info_score

DATA = Path(os.environ.get("VOXPOP_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
"""The shared data folder beside the checkout (`VOXPOP_SHARED_DATA` for another place, e.g. from a worktree)."""
BACKENDS = ("torch", "onnx-int8")


def collections(tweets: int, reviews: int, hotels: int) -> dict[str, tuple[list[str], dict[str, list[str]]]]:
    """Per collection: texts and, per labelling, one label per text ("" where the text has none)."""
    rng = random.Random(21)
    with (DATA / "twitter_airline_sentiment" / "Tweets.csv").open(encoding="utf-8") as handle:
        rows = rng.sample(list(csv.DictReader(handle)), tweets)
    reason = [r["negativereason"] if r["negativereason"] not in ("", "Can't Tell") else "" for r in rows]
    airline = (
        [r["text"] for r in rows],
        {"sentiment": [r["airline_sentiment"] for r in rows], "reason": reason},
    )
    path = DATA / "womens_clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv"
    with path.open(encoding="utf-8") as handle:
        rows = rng.sample(
            [r for r in csv.DictReader(handle) if r["Review Text"] and r["Department Name"]], reviews
        )
    stars = {"1": "negative", "2": "negative", "3": "neutral", "4": "positive", "5": "positive"}
    clothing = (
        [r["Review Text"] for r in rows],
        {"sentiment": [stars[r["Rating"]] for r in rows], "department": [r["Department Name"] for r in rows]},
    )
    with (DATA / "deceptive_opinion_spam" / "deceptive_opinion_spam.csv").open(encoding="utf-8") as handle:
        rows = rng.sample(list(csv.DictReader(handle)), hotels)
    hotel = (
        [r["text"].strip() for r in rows],
        {"sentiment": [r["polarity"] for r in rows], "truthfulness": [r["deceptive"] for r in rows]},
    )
    return {"airline tweets": airline, "clothing reviews": clothing, "hotel reviews": hotel}


def analyse(texts: Sequence[str], backend: str) -> tuple[list[str], np.ndarray]:
    """Record sentiment labels ("neutral" where none) and mean sentence embeddings, by the pipeline."""
    from voxpop.text import pipeline
    from voxpop.text.components import Options

    docs = pipeline.analyse_texts(list(texts), Options(backend=backend))
    labels = [d.sentiment.label if d.sentiment else "neutral" for d in docs]
    vectors = np.stack(
        [
            np.mean([s.embedding for s in d.sentences if s.embedding is not None], axis=0)
            if any(s.embedding is not None for s in d.sentences)
            else np.zeros(384, dtype=np.float32)
            for d in docs
        ]
    )
    return labels, vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def nmi(vectors: np.ndarray, labels: Sequence[str], seeds: int) -> float:
    keep = [i for i, label in enumerate(labels) if label]
    truth = [labels[i] for i in keep]
    k = len(set(truth))
    scores = [
        normalized_mutual_info_score(truth, KMeans(k, random_state=seed, n_init=1).fit_predict(vectors[keep]))
        for seed in range(seeds)
    ]
    return float(np.mean(scores))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tweets", type=int, default=2000)
    parser.add_argument("--reviews", type=int, default=1000)
    parser.add_argument("--hotels", type=int, default=400)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    print(
        f"# quantised vs full-precision embeddings — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, nproc {os.cpu_count()}, "
        f"load {' / '.join(f'{v:.2f}' for v in os.getloadavg())}",
        flush=True,
    )
    for name, (texts, labellings) in collections(args.tweets, args.reviews, args.hotels).items():
        results = {backend: analyse(texts, backend) for backend in BACKENDS}
        truth = labellings["sentiment"]
        classes = sorted(set(truth))  # hotels: 2 classes; a record read neutral is a miss of its class
        f1 = {b: f1_score(truth, results[b][0], labels=classes, average="macro") for b in BACKENDS}
        print(
            f"{name} (n={len(texts)}): sentiment macro-F1 torch {f1['torch']:.3f}, onnx-int8 "
            f"{f1['onnx-int8']:.3f} (difference {f1['onnx-int8'] - f1['torch']:+.3f})"
        )
        for labelling, labels in labellings.items():
            if labelling == "sentiment" and name != "hotel reviews":
                continue
            score = {b: nmi(results[b][1], labels, args.seeds) for b in BACKENDS}
            print(
                f"{name}, k-means NMI against {labelling} (n={sum(1 for x in labels if x)}, "
                f"k={len(set(labels) - {''})}, {args.seeds} seeds): torch {score['torch']:.3f}, onnx-int8 "
                f"{score['onnx-int8']:.3f} (difference {score['onnx-int8'] - score['torch']:+.3f})",
                flush=True,
            )
    print(f"# done — load {' / '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
