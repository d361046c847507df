"""Fit the record-level sentiment model (`record_head.npz`) over what a record's sentences say together.

    HF_HUB_OFFLINE=1 .venv/bin/python -m tools.sentiment.train_record [--data DIR] [--reviews N]
        [--no-write]

Trained only on data we may ship a model of (see README.md, "Record-level model"):
- clothing reviews (CC0) that the sentence head held out (`train.py`'s own split, so the head's probabilities
  on them are as on unseen text): a seeded sample of `--reviews`, 60 % to fit, 40 % scored here; 1–2 stars
  negative, 3 neutral, 4–5 positive;
- the service messages the head held out (`train.py`'s split of `service_sentences.txt`), as one-line records;
- `formal_records.txt`: whole messages written for this project, complaints told in calm words among them,
  weighted like the service messages.
Airline tweets, hotel reviews and the support tweets are evaluation sets only and never read here.
Features are those of `voxpop.text.sentiment.record_features`, computed by the pipeline itself.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from tools.sentiment import train
from voxpop.text import pipeline, sentiment
from voxpop.text.components import Options

HERE = Path(__file__).parent
FORMAL_FILE = HERE / "formal_records.txt"
WRITTEN_WEIGHT = 5.0
STARS = {1: 0, 2: 0, 3: 1, 4: 2, 5: 2}
REVIEWS = 1500
"""Held-out clothing reviews sampled: 60 % fitted, 40 % scored (also by benchmarks/text_quality.py)."""


def review_split(data: Path, count: int = REVIEWS) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(fitted, checked) clothing reviews, from those the sentence head held out."""
    reviews = held_out_reviews(data)
    sample = random.Random(train.SEED + 2).sample(reviews, min(count, len(reviews)))
    cut = int(len(sample) * 0.6)
    return sample[:cut], sample[cut:]


def held_out_reviews(data: Path) -> list[tuple[str, int]]:
    """(review, label) of the clothing reviews `train.py` held out from the sentence head, in file order."""
    rng = random.Random(train.SEED)
    clothing = train.clothing_examples(data)
    written = train.written_neutral_examples() + train.template_neutral_examples(rng)
    written += train.written_polar_examples() + train.template_polar_examples()
    examples = [e for e in clothing if e.kind != "review"] + written
    _, test = train.split_groups(examples, 0.2, rng)
    groups = {examples[i].group for i in test}
    return _reviews(data, groups)


def _reviews(data: Path, groups: set[str]) -> list[tuple[str, int]]:
    import csv

    path = data / "womens_clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            (row["Review Text"], STARS[int(row["Rating"])])
            for row in csv.DictReader(handle)
            if f"clothing:{row['']}" in groups and row["Review Text"]
        ]


def held_out_service() -> list[tuple[str, int]]:
    service = train.written_service_examples()
    _, test = train.split_groups(service, 0.2, random.Random(train.SEED + 1))
    return [(service[i].text, service[i].label) for i in test]


def formal_records() -> list[tuple[str, int]]:
    rows = []
    for line in FORMAL_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, text = line.split("\t", 1)
            rows.append((text, sentiment.LABELS.index(label)))
    return rows


def features(texts: Sequence[str]) -> tuple[np.ndarray, list[int]]:
    """Record features by the pipeline (the record model's inputs) and the mean-only labels, per text."""
    docs = pipeline.analyse_texts(list(texts), Options(), names=pipeline.DEFAULT_COMPONENTS[:-1])
    rows, mean_labels = [], []
    for doc in docs:
        scored = [s for s in doc.sentences if s.supported and s.embedding is not None]
        if not scored:
            rows.append(np.zeros(len(sentiment.FEATURES)))
            mean_labels.append(1)
            continue
        p = sentiment.probabilities(np.stack([s.embedding for s in scored if s.embedding is not None]))
        texts_of = [s.text for s in scored]
        rows.append(sentiment.record_features(p, texts_of, [(h.kind, h.detail) for h in doc.signals]))
        mean_labels.append(int(sentiment.mean_of(p, [len(t) for t in texts_of]).argmax()))
    return np.stack(rows), mean_labels


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=train.DEFAULT_DATA)
    parser.add_argument("--reviews", type=int, default=REVIEWS)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    fit_rows, check_rows = review_split(args.data, args.reviews)
    written = held_out_service() + formal_records()
    rows = fit_rows + written
    x, _ = features([text for text, _ in rows])
    y = np.array([label for _, label in rows])
    weights = np.array([1.0] * len(fit_rows) + [WRITTEN_WEIGHT] * len(written))
    mean, scale = x.mean(axis=0), np.maximum(x.std(axis=0), 1e-6)
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
    model.fit((x - mean) / scale, y, sample_weight=weights)
    print(f"fitted on {len(fit_rows)} clothing reviews and {len(written)} written records")
    cx, mean_only = features([text for text, _ in check_rows])
    truth = [label for _, label in check_rows]
    calibrated = model.predict((cx - mean) / scale)
    print(
        f"held-out clothing reviews (n={len(check_rows)}, 3 classes): macro-F1 length-weighted mean "
        f"{f1_score(truth, mean_only, average='macro'):.3f}, record model {f1_score(truth, calibrated, average='macro'):.3f}"
    )
    for name, weight in zip(sentiment.FEATURES, model.coef_.T, strict=True):
        print(f"  {name:<18} " + " ".join(f"{w:+.2f}" for w in weight))
    if not args.no_write:
        np.savez(
            sentiment.RECORD_HEAD_FILE,
            features=np.array(sentiment.FEATURES),
            mean=mean.astype(np.float32),
            scale=scale.astype(np.float32),
            coef=model.coef_.T.astype(np.float32),
            intercept=model.intercept_.astype(np.float32),
        )
        print(f"wrote {sentiment.RECORD_HEAD_FILE}")


if __name__ == "__main__":
    main()
