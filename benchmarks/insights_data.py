"""Deterministic feedback and customers for the dashboard benchmark, written once as tab-separated files.

The same files feed PostgreSQL (COPY text format: tab-separated, `\\N` for NULL), SQLite (read back and
handed to executemany) and DuckDB (read_csv), so the three stores hold exactly the same rows. UUIDs are
32-character hex, timestamps 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC (what SQLAlchemy stores on SQLite; the
PostgreSQL session loading them runs with TimeZone UTC), JSON is text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np

WORKSPACE_ID = "0190aaaa0000700080000000000000ff"
WORKSPACE_NAME = "bench-insights"
ROWS_PER_CUSTOMER = 5
CHUNK = 500_000
START = np.datetime64("2024-07-01T00:00:00", "us")
END = np.datetime64("2026-01-01T00:00:00", "us")  # 18 months
NULL = "\\N"

CHANNELS = ["email", "web", "app", "chat", "sms", "phone", "in_store"]
CHANNEL_WEIGHTS = [0.30, 0.25, 0.15, 0.10, 0.07, 0.08, 0.05]
KIND_OF_CHANNEL = {
    "email": "survey",
    "web": "survey",
    "app": "review",
    "chat": "conversation",
    "sms": "survey",
    "phone": "conversation",
    "in_store": "survey",
}
STAGES = ["onboarding", "active", "renewal", "churned", NULL]
STAGE_WEIGHTS = [0.14, 0.55, 0.13, 0.08, 0.10]
TOUCHPOINTS = ["checkout", "delivery", "support", "returns", "billing", "onboarding", NULL]
TOUCHPOINT_WEIGHTS = [0.2, 0.2, 0.15, 0.1, 0.1, 0.05, 0.2]
LANGUAGES = ["en", "de", "fr", "es", "nl"]
LANGUAGE_WEIGHTS = [0.7, 0.1, 0.08, 0.07, 0.05]
REGIONS = ["north", "south", "east", "west", "central", "overseas"]
REGION_WEIGHTS = [0.2, 0.2, 0.18, 0.18, 0.14, 0.10]
PLANS = ["free", "basic", "plus", "premium", "business"]
PLAN_WEIGHTS = [0.35, 0.25, 0.2, 0.12, 0.08]
NPS_WEIGHTS = [0.03, 0.02, 0.03, 0.04, 0.05, 0.07, 0.08, 0.14, 0.18, 0.17, 0.19]
SHARE = {"nps": 0.45, "csat": 0.25, "ces": 0.12, "rating": 0.15}
ANONYMOUS_SHARE = 0.05

_OPENINGS = [
    "The delivery was",
    "Checkout felt",
    "Your support agent was",
    "The new app update is",
    "Returning the jacket was",
    "Prices this month seem",
    "The store staff were",
    "Tracking my order was",
    "The refund process was",
    "Signing up was",
]
_JUDGEMENTS = [
    "quick and painless",
    "slow and confusing",
    "friendly but not very helpful",
    "much better than last time",
    "frustrating, I waited for ages",
    "fine, nothing special",
    "excellent, thank you",
    "a bit of a mess honestly",
]
_ENDINGS = [
    "",
    " Please fix the login page.",
    " I will order again.",
    " Would be great to have more sizes.",
    " The courier left it at the wrong door.",
    " Keep it up!",
]
COMMENTS = [f"{o} {j}.{e}" for o in _OPENINGS for j in _JUDGEMENTS for e in _ENDINGS]
STORE_JSON = [json.dumps({"store": f"store-{n:03d}"}) for n in range(1, 121)]

FEEDBACK_COLUMNS = [
    "id",
    "workspace_id",
    "customer_id",
    "kind",
    "channel",
    "source",
    "external_id",
    "received_at",
    "lifecycle_stage",
    "touchpoint",
    "title",
    "text",
    "language",
    "nps",
    "csat",
    "ces",
    "rating",
    "attributes",
    "created_at",
    "updated_at",
]
CUSTOMER_COLUMNS = ["id", "workspace_id", "name", "language", "attributes", "created_at", "updated_at"]
INTEGER_COLUMNS = {"nps", "csat", "ces"}
FLOAT_COLUMNS = {"rating"}


def customer_id(index: int) -> str:
    return f"0190cccc{index:024x}"


def _timestamps(values: np.ndarray) -> list[str]:
    return [s.replace("T", " ") for s in np.datetime_as_string(values, unit="us").tolist()]


def _choice(rng: np.random.Generator, options: list[str], weights: list[float], size: int) -> list[str]:
    picked = rng.choice(len(options), size=size, p=np.array(weights) / sum(weights))
    return [options[i] for i in picked.tolist()]


def _optional_scores(
    rng: np.random.Generator, share: float, low: int, high: int, size: int, weights: list[float] | None = None
) -> list[str]:
    present = rng.random(size) < share
    if weights is None:
        scores = rng.integers(low, high + 1, size=size)
    else:
        scores = rng.choice(np.arange(low, high + 1), size=size, p=np.array(weights) / sum(weights))
    return [str(s) if p else NULL for s, p in zip(scores.tolist(), present.tolist(), strict=True)]


def customer_lines(total_records: int, seed: int) -> Iterator[str]:
    rng = np.random.default_rng([seed, 1])
    count = max(1, total_records // ROWS_PER_CUSTOMER)
    regions = _choice(rng, REGIONS, REGION_WEIGHTS, count)
    plans = _choice(rng, PLANS, PLAN_WEIGHTS, count)
    languages = _choice(rng, LANGUAGES, LANGUAGE_WEIGHTS, count)
    created = _timestamps(START + rng.integers(0, 3600 * 24 * 30, size=count).astype("m8[s]"))
    attributes = {(r, p): json.dumps({"region": r, "plan": p}) for r in REGIONS for p in PLANS}
    for i in range(count):
        yield (
            "\t".join(
                (
                    customer_id(i),
                    WORKSPACE_ID,
                    f"Customer {i}",
                    languages[i],
                    attributes[(regions[i], plans[i])],
                    created[i],
                    created[i],
                )
            )
            + "\n"
        )


def feedback_lines(total_records: int, seed: int) -> Iterator[str]:
    """The records in time order (as a live system appends them), ids increasing with time."""
    customers = max(1, total_records // ROWS_PER_CUSTOMER)
    span_us = int((END - START) / np.timedelta64(1, "us"))
    done = 0
    chunk_index = 0
    while done < total_records:
        size = min(CHUNK, total_records - done)
        rng = np.random.default_rng([seed, 2, chunk_index])
        # each chunk covers its own slice of the 18 months, so the whole file is sorted by time
        low = span_us * done // total_records
        high = span_us * (done + size) // total_records
        offsets = np.sort(rng.integers(low, max(low + 1, high), size=size))
        received = _timestamps(START + offsets.astype("m8[us]"))
        owners = rng.integers(0, customers, size=size).tolist()
        anonymous = (rng.random(size) < ANONYMOUS_SHARE).tolist()
        channels = _choice(rng, CHANNELS, CHANNEL_WEIGHTS, size)
        stages = _choice(rng, STAGES, STAGE_WEIGHTS, size)
        touchpoints = _choice(rng, TOUCHPOINTS, TOUCHPOINT_WEIGHTS, size)
        languages = _choice(rng, LANGUAGES, LANGUAGE_WEIGHTS, size)
        has_text = (rng.random(size) < 0.8).tolist()
        comments = rng.integers(0, len(COMMENTS), size=size).tolist()
        stores = rng.integers(0, len(STORE_JSON), size=size).tolist()
        nps = _optional_scores(rng, SHARE["nps"], 0, 10, size, NPS_WEIGHTS)
        csat = _optional_scores(rng, SHARE["csat"], 1, 5, size, [0.08, 0.1, 0.17, 0.35, 0.3])
        ces = _optional_scores(rng, SHARE["ces"], 1, 7, size)
        rating = [
            NULL if s == NULL else f"{s}.0"
            for s in _optional_scores(rng, SHARE["rating"], 1, 5, size, [0.07, 0.08, 0.15, 0.3, 0.4])
        ]
        for i in range(size):
            n = done + i
            channel = channels[i]
            yield (
                "\t".join(
                    (
                        f"0190ffff{n:024x}",
                        WORKSPACE_ID,
                        NULL if anonymous[i] else customer_id(owners[i]),
                        KIND_OF_CHANNEL[channel],
                        channel,
                        f"bench-{channel}",
                        f"r{n}",
                        received[i],
                        stages[i],
                        touchpoints[i],
                        NULL,
                        COMMENTS[comments[i]] if has_text[i] else NULL,
                        languages[i],
                        nps[i],
                        csat[i],
                        ces[i],
                        rating[i],
                        STORE_JSON[stores[i]],
                        received[i],
                        received[i],
                    )
                )
                + "\n"
            )
        done += size
        chunk_index += 1


def write_files(directory: Path, total_records: int, seed: int) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    customers = directory / f"customers-{total_records}-{seed}.tsv"
    feedback = directory / f"feedback-{total_records}-{seed}.tsv"
    for path, lines in ((customers, customer_lines), (feedback, feedback_lines)):
        if path.exists():
            continue
        partial = path.with_suffix(".partial")
        with partial.open("w", encoding="utf-8", buffering=1 << 20) as out:
            out.writelines(lines(total_records, seed))
        partial.rename(path)
    return customers, feedback


def parsed_rows(path: Path, columns: list[str], batch: int = 50_000) -> Iterator[list[tuple[object, ...]]]:
    """A TSV file back as tuples for sqlite3 (NULLs as None, scores as numbers), a batch at a time."""
    kinds = [int if name in INTEGER_COLUMNS else float if name in FLOAT_COLUMNS else None for name in columns]
    rows: list[tuple[object, ...]] = []
    with path.open(encoding="utf-8") as source:
        for line in source:
            values = line.rstrip("\n").split("\t")
            rows.append(
                tuple(
                    None if v == NULL else (k(v) if k is not None else v)
                    for v, k in zip(values, kinds, strict=True)
                )
            )
            if len(rows) >= batch:
                yield rows
                rows = []
    if rows:
        yield rows
