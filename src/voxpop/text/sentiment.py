"""Sentiment from sentence embeddings: a small trained head (see `sentiment_model/`), per sentence and per record.

A record's sentiment is the length-weighted mean of its sentences' class probabilities, so a long complaint
with a polite "thanks" at the end stays negative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

HEAD_FILE = Path(__file__).parent / "sentiment_model" / "sentiment_head.npz"
LABELS = ("negative", "neutral", "positive")
Probabilities = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Sentiment:
    label: str
    score: float
    """From −1 (surely negative) to 1 (surely positive): P(positive) − P(negative)."""

    @classmethod
    def of(cls, probabilities: Probabilities) -> Sentiment:
        label = LABELS[int(np.argmax(probabilities))]
        return cls(label, round(float(probabilities[2] - probabilities[0]), 4))


def head_file(configured: str = "") -> Path:
    """The sentiment head to use: a configured file, or the one shipped with voxpop."""
    return Path(configured) if configured else HEAD_FILE


@lru_cache(maxsize=2)
def _layers(path: Path) -> tuple[tuple[Probabilities, Probabilities], ...]:
    with np.load(path) as head:
        classes = [str(name) for name in head["classes"]]
        if tuple(classes) != LABELS:
            raise ValueError(f"{path}: classes {classes}, expected {list(LABELS)}")
        count = sum(1 for key in head.files if key.startswith("W"))
        return tuple(
            (head[f"W{i}"].astype(np.float64), head[f"b{i}"].astype(np.float64)) for i in range(count)
        )


def probabilities(embeddings: npt.NDArray[np.float32], head: Path = HEAD_FILE) -> Probabilities:
    """Class probabilities (negative, neutral, positive), one row per embedding."""
    hidden = embeddings.astype(np.float64)
    layers = _layers(head)
    for index, (weights, bias) in enumerate(layers):
        hidden = hidden @ weights + bias
        if index < len(layers) - 1:
            hidden = np.maximum(hidden, 0.0)
    hidden -= hidden.max(axis=1, keepdims=True)
    exp = np.exp(hidden)
    result: Probabilities = exp / exp.sum(axis=1, keepdims=True)
    return result


def of_record(sentence_probabilities: Probabilities, lengths: Sequence[int]) -> Sentiment | None:
    """The record's sentiment from its sentences' probabilities, weighted by sentence length."""
    if len(sentence_probabilities) == 0:
        return None
    weights = np.asarray(lengths, dtype=np.float64)
    mean = (sentence_probabilities * weights[:, None]).sum(axis=0) / weights.sum()
    return Sentiment.of(mean)
