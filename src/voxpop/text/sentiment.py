"""Sentiment from sentence embeddings: a small trained head (see `sentiment_model/`), per sentence and per record.

A record's sentiment comes from a small record-level model (`record_head.npz`, multinomial logistic regression)
over what its sentences say together: the length-weighted mean of their class probabilities, the most negative
and most positive sentence, the shares of negative and positive sentences, the record's length, its signals
(churn intent, effort, urgency, emotions) and complaint markers ("still not", "was told", "refund"). So a
complaint told in calm words, each sentence near neutral, still reads negative, and a long complaint with a
polite "thanks" at the end stays negative. Without the file it is the length-weighted mean alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

HEAD_FILE = Path(__file__).parent / "sentiment_model" / "sentiment_head.npz"
RECORD_HEAD_FILE = Path(__file__).parent / "sentiment_model" / "record_head.npz"
LABELS = ("negative", "neutral", "positive")
Probabilities = npt.NDArray[np.float64]
SIGNALS = ("churn_intent", "urgency", "effort", "anger", "frustration", "disappointment", "joy", "gratitude")
"""Signals (kinds, or emotion details) the record model reads, each as present or not."""
FEATURES = (
    "mean_negative",
    "mean_neutral",
    "mean_positive",
    "max_negative",
    "max_positive",
    "min_score",
    "max_score",
    "share_negative",
    "share_positive",
    "log_sentences",
    "complaint_markers",
    *SIGNALS,
)
_COMPLAINT = re.compile(
    r"\b(?:still (?:not|no|waiting|hasn't|haven't)|(?:has|have|had) not (?:been|received|arrived|heard)"
    r"|(?:hasn't|haven't|hadn't) (?:been|received|arrived|heard)|was told|were told|no (?:one|response|reply)"
    r"|nobody|refund|complain\w*|despite|unable to|failed to|never (?:received|arrived|came)|charged"
    r"|unfortunately|regrettabl\w*|afraid|disappoint\w*|instead of|not as described|missing|damaged|broken"
    r"|cancel+ed|delay\w*|late\b|wrong|error|again)",
    re.IGNORECASE,
)


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


def mean_of(sentence_probabilities: Probabilities, lengths: Sequence[int]) -> Probabilities:
    """The sentences' class probabilities, weighted by sentence length."""
    weights = np.asarray(lengths, dtype=np.float64)
    result: Probabilities = (sentence_probabilities * weights[:, None]).sum(axis=0) / weights.sum()
    return result


def record_features(
    sentence_probabilities: Probabilities, texts: Sequence[str], signals: Sequence[tuple[str, str]]
) -> npt.NDArray[np.float64]:
    """What the record model reads (`FEATURES`, in order) from a record's sentences and its signals."""
    p = sentence_probabilities
    score, label = p[:, 2] - p[:, 0], p.argmax(axis=1)
    found = {name for pair in signals for name in pair}
    markers = sum(len(_COMPLAINT.findall(text)) for text in texts)
    return np.array(
        [
            *mean_of(p, [len(text) for text in texts]),
            p[:, 0].max(),
            p[:, 2].max(),
            score.min(),
            score.max(),
            float(np.mean(label == 0)),
            float(np.mean(label == 2)),
            np.log1p(len(texts)),
            np.log1p(markers),
            *(1.0 if name in found else 0.0 for name in SIGNALS),
        ]
    )


@lru_cache(maxsize=2)
def _record_model(path: Path) -> tuple[Probabilities, Probabilities, Probabilities, Probabilities] | None:
    """(mean, scale, coefficients, intercepts) of the record model, or None when there is no file."""
    if not path.is_file():
        return None
    with np.load(path) as model:
        if tuple(str(name) for name in model["features"]) != FEATURES:
            raise ValueError(f"{path}: features {list(model['features'])}, expected {list(FEATURES)}")
        mean, scale, coef, intercept = (
            model[key].astype(np.float64) for key in ("mean", "scale", "coef", "intercept")
        )
        return mean, scale, coef, intercept


def of_record(
    sentence_probabilities: Probabilities,
    texts: Sequence[str],
    signals: Sequence[tuple[str, str]] = (),
    model: Path = RECORD_HEAD_FILE,
) -> Sentiment | None:
    """The record's sentiment from its sentences (probabilities and texts) and signals ((kind, detail) pairs)."""
    if len(sentence_probabilities) == 0:
        return None
    fitted = _record_model(model)
    if fitted is None:
        return Sentiment.of(mean_of(sentence_probabilities, [len(text) for text in texts]))
    mean, scale, coef, intercept = fitted
    logits = (record_features(sentence_probabilities, texts, signals) - mean) / scale @ coef + intercept
    exp = np.exp(logits - logits.max())
    return Sentiment.of(exp / exp.sum())
