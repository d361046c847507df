"""Language detection (py3langid) with the caution short texts need.

Short texts fool any detector ("ok" looks Afrikaans), so a text is called foreign only when the detector is
sure and the text is long enough, or when its letters are mostly of a script the model does not read.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

UNDETERMINED = "und"
CANDIDATES = [
    "en",
    "de",
    "fr",
    "es",
    "it",
    "pt",
    "nl",
    "sv",
    "da",
    "no",
    "fi",
    "pl",
    "cs",
    "sk",
    "hu",
    "ro",
    "tr",
    "ru",
    "uk",
    "el",
    "bg",
    "ar",
    "he",
    "fa",
    "hi",
    "bn",
    "ur",
    "zh",
    "ja",
    "ko",
    "th",
    "vi",
    "id",
    "ms",
    "tl",
]
_MIN_WORDS_FOR_FOREIGN = 3
_SURE = 0.9


@dataclass(frozen=True)
class Language:
    code: str
    confidence: float


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(CANDIDATES))
    return identifier


def detect(text: str, default: str = "en") -> Language:
    """The text's language; `default` when the text is too short or mixed to tell; `und` without letters."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return Language(UNDETERMINED, 0.0)
    code, confidence = _identifier().classify(text)
    latin_share = sum(_is_latin(ch) for ch in letters) / len(letters)
    if latin_share < 0.5:
        return Language(str(code), float(confidence))
    if code != default and confidence >= _SURE and len(text.split()) >= _MIN_WORDS_FOR_FOREIGN:
        return Language(str(code), float(confidence))
    return Language(default, float(confidence) if code == default else 1.0 - float(confidence))


def _is_latin(ch: str) -> bool:
    return ch.isascii() or unicodedata.name(ch, "").startswith("LATIN")
