"""Theme names a person would write: short noun phrases ("Late delivery", "Courier", "Refund not received")
taken from the theme's own sentences.

Candidates are noun chunks found by a part-of-speech tagger (TextBlob's pattern tagger, whose lexicon ships in
the package: nothing is downloaded) and a few rules over its tags: adjectives and nouns ending in a noun
("late delivery"), "lack of communication", and "refund not received". Each cluster's candidates are ranked
by class-based TF-IDF (common in this cluster, rare in its siblings); a longer phrase that carries most of a
shorter one's mentions is preferred ("late delivery" over "delivery"). A name is never a stop word at either
end, a masking token (`xxxx`, `XX/XX/XXXX`, `[name]`, our redaction placeholders), a number, a repeated word
or a vague word alone ("thing", "issue"), and siblings never share one.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

if TYPE_CHECKING:
    from textblob.en.taggers import PatternTagger

MAX_WORDS = 4
FALLBACK = "Other"
_MASK = re.compile(
    r"\[[^\]\s]{1,20}\]|\{[^}]*\}|\b[xX]{2,}(?:[/\-.][xX0-9]{2,})*\b|@\w+|#\w+|https?://\S+|www\.\S+|&\w+;"
)
_WORD = re.compile(r"^[a-z][a-z'\-]*[a-z]$|^[a-z]$")
_NEGATION = {"not", "never", "no", "n't"}
_VAGUE = {
    "thing", "things", "lot", "lots", "bit", "way", "time", "times", "day", "days", "something", "anything",
    "everything", "nothing", "one", "ones", "kind", "sort", "stuff", "issue", "issues", "problem", "problems",
    "people", "guy", "guys", "today", "yesterday", "tomorrow", "tonight", "morning", "week", "month", "year",
    "hour", "hours", "weeks", "months", "years", "minute", "minutes", "love", "thanks", "thank", "please",
    "lol", "omg", "ok", "okay", "hi", "hello", "yes", "yeah", "wow", "fine", "great", "good", "bad", "nice", "sure", "help",
}  # fmt: skip
_STOP = frozenset(ENGLISH_STOP_WORDS) | {
    "im",
    "ive",
    "dont",
    "didnt",
    "cant",
    "wont",
    "doesnt",
    "isnt",
    "u",
    "ur",
}


@lru_cache(maxsize=1)
def _tagger() -> PatternTagger:
    from textblob.en.taggers import PatternTagger

    return PatternTagger()


@lru_cache(maxsize=50_000)
def candidates(sentence: str) -> frozenset[str]:
    """The noun phrases of one sentence that could name a theme, lower-cased, each counted once (cached: a
    sentence is read for its theme and again for its sub-theme)."""
    found: set[str] = set()
    for piece in _MASK.split(sentence):
        tags = [(w.lower(), t) for w, t in _tagger().tag(piece) if w.strip()]
        found.update(_chunks(tags))
    return frozenset(phrase for phrase in found if acceptable(phrase))


def _chunks(tags: list[tuple[str, str]]) -> list[str]:
    """Maximal runs of adjectives and nouns ending in a noun, "N of N", and "N not V-ed"."""
    out: list[str] = []
    i = 0
    while i < len(tags):
        j = i
        while j < len(tags) and _modifier_or_noun(tags[j][1]):
            j += 1
        run = tags[i:j]
        while run and not run[-1][1].startswith("NN"):
            run = run[:-1]
        if run:
            words = [w for w, _ in run]
            out.extend(" ".join(words[k:]) for k in range(len(words)) if words[k] not in _STOP)
            out.extend(_after_noun(words, tags, j))
        i = max(j, i + 1)
    return out


def _after_noun(words: list[str], tags: list[tuple[str, str]], j: int) -> list[str]:
    head = words[-1]
    rest = tags[j : j + 5]
    if len(rest) >= 2 and rest[0][0] == "of" and rest[1][1].startswith("NN"):
        return [f"{head} of {rest[1][0]}"]
    verbs = [w for w, t in rest if t in ("VBN", "VBD") and w not in _STOP]
    said = [w for w, _ in rest]
    if verbs and any(w in _NEGATION for w in said[: said.index(verbs[0])]):
        return [f"{head} not {verbs[0]}"]
    return []


def _modifier_or_noun(tag: str) -> bool:
    return tag.startswith("NN") or tag in ("JJ", "VBG")


def acceptable(phrase: str) -> bool:
    """A phrase that may name a theme: 1 to 4 plain words, no stop word at either end, no number, no masking
    token, no word twice, and not a vague word alone."""
    words = phrase.split()
    if not words or len(words) > MAX_WORDS or len(set(words)) < len(words):
        return False
    if not all(_WORD.match(w) for w in words) or any(re.fullmatch(r"x{2,}", w) for w in words):
        return False
    if words[0] in _STOP or words[-1] in _STOP or len(phrase) < 3:
        return False
    return not (len(words) == 1 and words[0] in _VAGUE) and not all(w in _VAGUE for w in words)


def name_siblings(
    sentences: Sequence[Sequence[str]], taken: Sequence[str] = ()
) -> list[tuple[str, list[str]]]:
    """A name and telling phrases for each of several sibling clusters, given some of each one's sentences.

    Names differ from each other and from `taken` (a parent's name, say); a cluster with no usable phrase is
    called "Other" (numbered when several are).
    """
    counts = [Counter(p for s in cluster for p in candidates(s)) for cluster in sentences]
    everywhere: Counter[str] = Counter()
    for c in counts:
        everywhere.update(c)
    total = sum(len(cluster) for cluster in sentences) or 1
    ranked = [
        _ranked(c, everywhere, max(len(cluster), 1), total)
        for c, cluster in zip(counts, sentences, strict=True)
    ]
    used = list(taken)
    names: dict[int, str] = {}
    for index in sorted(range(len(sentences)), key=lambda i: -len(sentences[i])):
        choice = next((p for p in ranked[index] if not any(_same(p, u) for u in used)), None)
        if choice is not None:
            used.append(choice)
            names[index] = choice[0].upper() + choice[1:]
    others = [i for i in range(len(sentences)) if i not in names]
    for number, index in enumerate(others, start=1):
        names[index] = FALLBACK if len(others) == 1 else f"{FALLBACK} {number}"
    return [(names[i], ranked[i][:6]) for i in range(len(sentences))]


def _ranked(counts: Counter[str], everywhere: Counter[str], size: int, total: int) -> list[str]:
    """Class-based TF-IDF over phrases seen at least twice, longer phrases kept when they carry most of the
    mentions of a shorter one they contain."""
    score = {
        p: (n / size) * math.log(1 + total / everywhere[p]) for p, n in counts.items() if n >= min(2, size)
    }
    out: list[str] = []
    for phrase in sorted(score, key=lambda p: (-score[p], p)):
        longer = [
            p
            for p in score
            if p != phrase and f" {phrase} " in f" {p} " and counts[p] >= 0.5 * counts[phrase]
        ]
        pick = max(longer, key=lambda p: (counts[p], p)) if longer else phrase
        if pick not in out:
            out.append(pick)
    return out


def _same(one: str, other: str) -> bool:
    """Phrases that differ only in case or in a plural count as the same name ("Dress", "dresses")."""
    from textblob.en.inflect import singularize

    a, b = one.lower().split(), other.lower().split()
    return len(a) == len(b) and all(
        x == y or singularize(x) == y or singularize(y) == x for x, y in zip(a, b, strict=True)
    )
