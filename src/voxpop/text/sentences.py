"""Sentence splitting, and clause splitting at contrasts, so each piece carries one opinion.

"Delivery was slow but the driver was lovely" is one sentence with two opinions; cutting it before "but"
lets each part get its own sentiment and theme (aspect sentiment).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9@#\u00C0-\u024F]|\W)|\n+")
_CONTRAST = re.compile(
    r"(?:,|;)?\s+(?=(?:but|however|although|though|whereas|yet|except that)\s)", re.IGNORECASE
)
_ABBREVIATIONS = {"mr.", "mrs.", "ms.", "dr.", "st.", "vs.", "e.g.", "i.e.", "etc.", "approx.", "no."}
_MIN_CLAUSE_WORDS = 3


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def split(text: str) -> list[Span]:
    """Sentences (and contrasting clauses) of `text` with their character offsets; never empty pieces."""
    spans: list[Span] = []
    for start, end in _sentence_bounds(text):
        spans.extend(_clauses(text, start, end))
    return spans


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start : match.start()].rsplit(" ", 1)[-1].lower()
        if before in _ABBREVIATIONS:
            continue
        bounds.append((start, match.start()))
        start = match.end()
    bounds.append((start, len(text)))
    return [_trimmed(text, s, e) for s, e in bounds if text[s:e].strip()]


def _clauses(text: str, start: int, end: int) -> list[Span]:
    cuts = [start]
    for match in _CONTRAST.finditer(text, start, end):
        if (
            _words(text[cuts[-1] : match.start()]) >= _MIN_CLAUSE_WORDS
            and _words(text[match.end() : end]) >= 2
        ):
            cuts.append(match.end())
    pieces = [(*_trimmed(text, a, b),) for a, b in zip(cuts, [*cuts[1:], end], strict=True)]
    return [Span(a, b, text[a:b]) for a, b in pieces if b > a]


_LEADING_CONNECTIVE = re.compile(
    r"^(?:but|however|although|though|whereas|yet|except that)[,\s]+", re.IGNORECASE
)


def without_connective(clause: str) -> str:
    """The clause without the contrast word that opened it: "but the driver was lovely" is an opinion about
    the driver; the "but" only links it to the sentence before."""
    return _LEADING_CONNECTIVE.sub("", clause, count=1) or clause


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " ,;":
        start += 1
    while end > start and text[end - 1] in " ,;":
        end -= 1
    return start, end


def _words(piece: str) -> int:
    return len(piece.split())
