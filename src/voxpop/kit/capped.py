"""Caps on what a stored record keeps of text it did not choose (file headers, error texts, reasons).

A cut value says so, with how much was left out, so nobody takes it for the whole."""

from __future__ import annotations

from typing import Any

MORE = "…"


def cap_text(text: str, limit: int) -> str:
    """`text`, or its first `limit` characters and a mark telling how many more were cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}{MORE} [{len(text) - limit:,} more characters cut]"


def cap_json(value: Any, max_chars: int, max_items: int) -> Any:
    """A JSON-like value with every string capped at `max_chars` and every list or object at `max_items`
    entries; a cut list ends with a string saying how many entries were left out, a cut object with the
    key "…" saying the same."""
    if isinstance(value, str):
        return cap_text(value, max_chars)
    if isinstance(value, list):
        kept = [cap_json(item, max_chars, max_items) for item in value[:max_items]]
        return kept + ([f"{MORE} and {len(value) - max_items:,} more"] if len(value) > max_items else [])
    if isinstance(value, dict):
        items = list(value.items())
        kept_items = {
            cap_text(str(key), max_chars): cap_json(item, max_chars, max_items)
            for key, item in items[:max_items]
        }
        if len(items) > max_items:
            kept_items[MORE] = f"and {len(items) - max_items:,} more"
        return kept_items
    return value


def without_personal_data(text: str, limit: int) -> str:
    """`text` capped at `limit` characters with emails, phone numbers, cards and the like replaced by
    placeholders (redacted before the final cut, so a cut never leaves half an address behind): for error
    texts and reasons that may quote a customer's data."""
    from voxpop.kit.redaction import redact
    from voxpop.kit.settings import get_settings

    redacted = redact(cap_text(text, limit * 4), get_settings().default_phone_region, mask_names=False).text
    return cap_text(redacted, limit)
