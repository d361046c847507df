"""Text clean-up before analysis: markup out, entities decoded, control characters and runs of space gone.

The cleaned text is what is stored, displayed and analysed, so sentence offsets point into it.
"""

from __future__ import annotations

import html
import re
import unicodedata

import emoji

_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|</?[a-zA-Z][^<>]*>", re.DOTALL | re.IGNORECASE)
_BLOCK_TAG = re.compile(r"<\s*(br|/p|/div|/li|/h[1-6]|/tr)\b[^<>]*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_KEEP_CONTROLS = {"\n", "\t"}


def clean(text: str, max_chars: int) -> str:
    """Plain, readable text: tags removed (block tags become line breaks), entities decoded, control
    characters dropped, whitespace collapsed, and cut to `max_chars` at a word boundary."""
    text = _BLOCK_TAG.sub("\n", text)
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    text = "".join(ch for ch in text if ch in _KEEP_CONTROLS or unicodedata.category(ch)[0] != "C")
    text = unicodedata.normalize("NFC", text).replace("\t", " ")
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n", "\n".join(lines)).strip()
    return _cut(text, max_chars)


def _cut(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    cut = text.rfind(" ", 0, max_chars)
    return text[: cut if cut > max_chars // 2 else max_chars]


_HANDLES_AND_LINKS = re.compile(r"https?://\S+|www\.\S+|(?<!\w)@\w+")


def words_of(text: str) -> str:
    """What the model reads (offsets are not kept): emoji spelled out as words (👍 → "thumbs up"), without
    @handles and links, which say who was addressed, not what was meant, and would otherwise make every
    reply to one company look alike; "#" dropped from hashtags, whose words stay."""
    stripped = _HANDLES_AND_LINKS.sub(" ", text).replace("#", " ")
    if not stripped.isascii():  # emoji are never ASCII: plain text skips the scan
        stripped = emoji.demojize(stripped, delimiters=(" ", " "))
    spelled = stripped.replace("_", " ")
    return " ".join(spelled.split()) or text


def has_words(text: str) -> bool:
    """Whether the text has a letter that is not part of an emoji (a few emoji, like ℹ, count as letters).

    Plain ASCII text answers without the emoji scan, which costs more than the rest of cleaning."""
    if text.isascii():
        return any(ch.isalpha() for ch in text)
    return any(ch.isalpha() for ch in emoji.replace_emoji(text, ""))
