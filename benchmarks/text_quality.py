"""Text analytics quality on real data (issue 5): one function per section, run by hand, never in the tests.

(The themes section lives in text_themes.py: our discovery beside BERTopic, NMI and ARI.)

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/text_quality.py [--section sentiment|signals|themes|all]
        [--data DIR] [--labels dev|test|both] [--repeats N]

- sentiment: all airline tweets (Twitter US Airline Sentiment, 3 classes), then long text: clothing reviews
  (ratings as 3 classes; the record model's own held-out 40 %, in-distribution) and all hotel reviews (Deceptive
  Opinion Spam polarity, 2 classes, held out); our pipeline beside VADER on the same texts in the same run:
  macro-F1, accuracy, confusion matrices, timing. No airline tweet or hotel review is in our training data
  (see tools/sentiment/README.md). Needs `vadersentiment` (the `bench` extra).
- signals: precision and recall of `voxpop.text.signals.detect` for churn intent and suggestions on 200
  hand-labelled records each of the two development sets (benchmarks/data/signals_labels.csv and
  signals_labels_dev2.csv, whose misses guided the rules) and of the held-out test set
  (signals_labels_test.csv), one table per set (`--labels` picks one); sampling and labelling:
  benchmarks/data/README.md.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import os
import platform
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from text_themes import section_themes

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("VOXPOP_SHARED_DATA", ROOT.parent / "shared" / "data"))
LABEL_FILES = {
    "dev": ROOT / "benchmarks" / "data" / "signals_labels.csv",
    "dev2": ROOT / "benchmarks" / "data" / "signals_labels_dev2.csv",
    "test": ROOT / "benchmarks" / "data" / "signals_labels_test.csv",
}
CLASSES = ("negative", "neutral", "positive")
VADER_THRESHOLD = 0.05  # the VADER authors' thresholds on the compound score


def _macro_f1(
    truth: Sequence[str], predicted: Sequence[str], classes: Sequence[str] = CLASSES
) -> tuple[float, float, list[float]]:
    """Macro-F1 over `classes` (by default the three), accuracy, and the per-class F1. A record predicted
    neutral where the gold labels have no neutral class counts as a miss of its class."""
    per_class: list[float] = []
    for name in classes:
        tp = sum(1 for t, p in zip(truth, predicted, strict=True) if t == name and p == name)
        fp = sum(1 for t, p in zip(truth, predicted, strict=True) if t != name and p == name)
        fn = sum(1 for t, p in zip(truth, predicted, strict=True) if t == name and p != name)
        per_class.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    accuracy = sum(1 for t, p in zip(truth, predicted, strict=True) if t == p) / len(truth)
    return sum(per_class) / len(per_class), accuracy, per_class


def _confusion(truth: Sequence[str], predicted: Sequence[str]) -> str:
    lines = ["    truth \\ predicted  " + "  ".join(f"{c:>8}" for c in CLASSES)]
    for t_name in CLASSES:
        cells = [
            sum(1 for t, p in zip(truth, predicted, strict=True) if t == t_name and p == p_name)
            for p_name in CLASSES
        ]
        lines.append(f"    {t_name:>18}  " + "  ".join(f"{n:>8}" for n in cells))
    return "\n".join(lines)


def _print_scores(
    name: str,
    truth: Sequence[str],
    predicted: Sequence[str],
    seconds: float,
    classes: Sequence[str] = CLASSES,
) -> float:
    macro, accuracy, per_class = _macro_f1(truth, predicted, classes)
    f1s = ", ".join(f"{c} {f:.3f}" for c, f in zip(classes, per_class, strict=True))
    print(
        f"  {name}: macro-F1 {macro:.3f}  accuracy {accuracy:.3f}  (F1 {f1s})  "
        f"time {seconds:.1f} s ({len(truth) / seconds:.0f} texts/s)"
    )
    print(_confusion(truth, predicted))
    return macro


def _airline_tweets(data: Path) -> tuple[list[str], list[str], list[float]]:
    path = data / "twitter_airline_sentiment" / "Tweets.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return (
        [row["text"] for row in rows],
        [row["airline_sentiment"] for row in rows],
        [float(row["airline_sentiment_confidence"]) for row in rows],
    )


def _our_sentiment(texts: Sequence[str]) -> tuple[list[str], str]:
    """Labels from the pipeline's public function if it exists, else the head on whole-text embeddings."""
    try:
        pipeline: Any = importlib.import_module("voxpop.text.pipeline")
        analyse = pipeline.analyse_texts
    except (ImportError, AttributeError):
        analyse = None
    if analyse is not None:
        analyses = analyse(list(texts))
        labels = [a.sentiment.label if a.sentiment is not None else "neutral" for a in analyses]
        missing = sum(1 for a in analyses if a.sentiment is None)
        how = "voxpop.text.pipeline.analyse_texts (per-sentence sentiment, record = length-weighted mean)"
        if missing:
            how += f"; {missing} records without a sentiment counted as neutral"
        return labels, how
    from voxpop.text import embeddings, sentiment
    from voxpop.text.cleaning import clean, words_of

    prepared = [words_of(clean(text, 5000)) for text in texts]
    vectors = embeddings.encode(embeddings.default_model_path(), prepared)
    probabilities = sentiment.probabilities(vectors)
    labels = [CLASSES[int(i)] for i in probabilities.argmax(axis=1)]
    return (
        labels,
        "voxpop.text.pipeline not there yet: the head applied to whole-text embeddings (cleaned text)",
    )


def _vader(texts: Sequence[str]) -> list[str]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # type: ignore[import-untyped]

    analyzer = SentimentIntensityAnalyzer()
    labels: list[str] = []
    for text in texts:
        compound = analyzer.polarity_scores(text)["compound"]
        labels.append(
            "positive"
            if compound >= VADER_THRESHOLD
            else "negative"
            if compound <= -VADER_THRESHOLD
            else "neutral"
        )
    return labels


def _long_texts(data: Path) -> dict[str, tuple[list[str], list[str], str]]:
    """Clothing reviews and hotel reviews with their labels, and what training saw of each."""
    from tools.sentiment import train_record

    _, checked = train_record.review_split(data)
    with (data / "deceptive_opinion_spam" / "deceptive_opinion_spam.csv").open(encoding="utf-8") as handle:
        hotels = list(csv.DictReader(handle))
    return {
        "clothing reviews": (
            [text for text, _ in checked],
            [CLASSES[label] for _, label in checked],
            "1-2 stars negative, 3 neutral, 4-5 positive; reviews neither model was fitted on, but the same "
            "set (its other reviews) trained both the sentence head and the record model: in-distribution",
        ),
        "hotel reviews": (
            [row["text"].strip() for row in hotels],
            [row["polarity"] for row in hotels],
            "all 1,600 Deceptive Opinion Spam reviews, polarity (2 classes); never trained on: held out",
        ),
    }


def section_sentiment(data: Path) -> None:
    """Our sentiment beside VADER on all airline tweets and on long reviews, same texts, same run."""
    texts, truth, confidence = _airline_tweets(data)
    print(f"## sentiment — {len(texts)} airline tweets (Twitter US Airline Sentiment, all rows), 3 classes")
    print("  never trained on: held out; gold:", {c: truth.count(c) for c in CLASSES})

    started = time.perf_counter()
    ours, how = _our_sentiment(texts)
    ours_seconds = time.perf_counter() - started
    print(f"  ours = {how}; time includes loading the model")

    started = time.perf_counter()
    vader = _vader(texts)
    vader_seconds = time.perf_counter() - started

    ours_f1 = _print_scores("ours ", truth, ours, ours_seconds)
    vader_f1 = _print_scores("VADER", truth, vader, vader_seconds)
    print(f"  macro-F1 ours / VADER = {ours_f1 / vader_f1:.2f}x")
    confident = [i for i, c in enumerate(confidence) if c >= 1.0]
    for name, predicted in (("ours ", ours), ("VADER", vader)):
        macro, accuracy, _ = _macro_f1([truth[i] for i in confident], [predicted[i] for i in confident])
        print(
            f"  {name} on the {len(confident)} tweets all annotators agreed on (confidence 1.0): "
            f"macro-F1 {macro:.3f}  accuracy {accuracy:.3f}"
        )
    for name, (long_texts, long_truth, note) in _long_texts(data).items():
        print(f"## sentiment — {len(long_texts)} {name}: {note}")
        print("  gold:", {c: long_truth.count(c) for c in CLASSES if c in long_truth})
        started = time.perf_counter()
        ours, _ = _our_sentiment(long_texts)
        ours_seconds = time.perf_counter() - started
        started = time.perf_counter()
        vader = _vader(long_texts)
        vader_seconds = time.perf_counter() - started
        classes = [c for c in CLASSES if c in long_truth]
        ours_f1 = _print_scores("ours ", long_truth, ours, ours_seconds, classes)
        vader_f1 = _print_scores("VADER", long_truth, vader, vader_seconds, classes)
        print(f"  macro-F1 ours / VADER = {ours_f1 / vader_f1:.2f}x")


def _texts_by_id(data: Path, source: str) -> dict[str, str]:
    with (data / source).open(encoding="utf-8", newline="") as handle:
        texts: dict[str, str] = {}
        for row in csv.DictReader(handle):
            texts.setdefault(row["tweet_id"], row["text"])
        return texts


def _detected(texts: Sequence[str]) -> tuple[list[set[str]], str]:
    """The signal kinds found in each text, and how they were found."""
    try:
        pipeline: Any = importlib.import_module("voxpop.text.pipeline")
        docs = pipeline.analyse_texts(texts, names=("clean", "language", "redact", "sentences", "signals"))
        how = "voxpop.text.pipeline.analyse_texts (clean, language, redact, sentences, signals)"
        return [{hit.kind for hit in doc.signals} for doc in docs], how
    except (ImportError, AttributeError):
        from voxpop.text.cleaning import clean
        from voxpop.text.sentences import split
        from voxpop.text.signals import detect

        found = [
            {hit.kind for hit in detect([span.text for span in split(clean(text, 5000))])} for text in texts
        ]
        return found, "voxpop.text.signals.detect on the cleaned text's sentences (no pipeline yet)"


def _print_signal_scores(labelled: Sequence[dict[str, str]], found: Sequence[set[str]]) -> None:
    for kind in ("churn_intent", "suggestion"):
        for stratum in ("random", "keyword", "all"):
            rows = [i for i, row in enumerate(labelled) if stratum in ("all", row["stratum"])]
            tp = sum(1 for i in rows if labelled[i][kind] == "yes" and kind in found[i])
            fp = sum(1 for i in rows if labelled[i][kind] == "no" and kind in found[i])
            fn = sum(1 for i in rows if labelled[i][kind] == "yes" and kind not in found[i])
            precision = f"{tp / (tp + fp):.2f}" if tp + fp else "n/a"
            recall = f"{tp / (tp + fn):.2f}" if tp + fn else "n/a"
            print(
                f"  {kind:<13} {stratum:<8} n={len(rows):>3}  labelled yes {tp + fn:>3}  detected {tp + fp:>3}  "
                f"TP {tp:>3} FP {fp:>3} FN {fn:>3}  precision {precision}  recall {recall}"
            )
        wrong = [
            (labelled[i]["source"].split("/")[0], labelled[i]["row_id"], "FP" if kind in found[i] else "FN")
            for i in range(len(labelled))
            if (labelled[i][kind] == "yes") != (kind in found[i])
        ]
        print(f"  {kind} errors (source, row id, FP/FN): {wrong}")


def section_signals(data: Path, sets: Sequence[str] = tuple(LABEL_FILES)) -> None:
    """Precision and recall of churn-intent and suggestion detection, one table per hand-labelled set."""
    if not hasattr(importlib.import_module("voxpop.text.signals"), "detect"):
        print("## signals — voxpop.text.signals.detect is not there yet; nothing measured")
        return
    for name in sets:
        with LABEL_FILES[name].open(encoding="utf-8", newline="") as handle:
            labelled = list(csv.DictReader(handle))
        by_id = {source: _texts_by_id(data, source) for source in {row["source"] for row in labelled}}
        texts = [by_id[row["source"]][row["row_id"]] for row in labelled]
        where = LABEL_FILES[name].relative_to(ROOT)
        print(f"## signals, {name} set — {len(labelled)} hand-labelled records ({where})")
        started = time.perf_counter()
        found, how = _detected(texts)
        print(f"  detector: {how}; {time.perf_counter() - started:.2f} s")
        _print_signal_scores(labelled, found)


SECTIONS: dict[str, Callable[[Path], None]] = {
    "sentiment": section_sentiment,
    "signals": section_signals,
    "themes": section_themes,
}


def main() -> None:
    parser = argparse.ArgumentParser(description="Text analytics quality benchmark (issue 5)")
    parser.add_argument("--section", choices=[*SECTIONS, "all"], default="all")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument(
        "--labels", choices=[*LABEL_FILES, "both"], default="both", help="signals: which hand-labelled set(s)"
    )
    parser.add_argument(
        "--repeats", type=int, default=1, help="themes: runs of ours and of BERTopic over one embedding"
    )
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    torch.set_num_threads(2)
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(
        f"# text quality — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
        f"{os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}, numpy {np.__version__}"
    )
    sets = tuple(LABEL_FILES) if args.labels == "both" else (args.labels,)
    sections: dict[str, Callable[[Path], None]] = {
        **SECTIONS,
        "signals": partial(section_signals, sets=sets),
        "themes": partial(section_themes, repeats=args.repeats),
    }
    for name, section in sections.items():
        if args.section in (name, "all"):
            section(args.data)


if __name__ == "__main__":
    main()
