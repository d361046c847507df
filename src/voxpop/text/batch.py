"""`voxpop analyze`: the pipeline over a file, without storing anything — one JSON object per input row.

Results stream: each row's line is yielded as soon as its batch is analysed. Themes come from a workspace's
curated themes when one is named; otherwise they are discovered from the file's first `DISCOVERY_RECORDS`
rows (held until then, about 2 KB per sentence), and later rows are assigned to those themes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np

from voxpop.ingest import readers
from voxpop.kit.errors import Invalid, Problem
from voxpop.text import discovery, pipeline
from voxpop.text.components import Doc, Options
from voxpop.text.themes import ThemeSet

BATCH = 64
DISCOVERY_RECORDS = 2000
"""Without a workspace, themes come from the file's first rows; the rest stream, assigned to them."""
Row = tuple[int, str | None, Problem | None]


def rows_of(path: Path, file_format: str | None, column: str) -> tuple[int, Iterator[Row]]:
    """(row count, rows) of a CSV, JSON, JSON Lines or plain text file; a row without the column is a problem."""
    if file_format == "txt" or (file_format is None and path.suffix.lower() == ".txt"):
        return _text_lines(path)
    info = readers.scan(path, file_format)
    if info.format == "csv" and column not in info.headers:
        raise Invalid(
            f"{path.name} has no column {column!r}",
            [Problem(f"columns are: {', '.join(info.headers)}", column)],
        )
    return info.rows, (_value(row, column) for row in readers.records(path, info))


def _text_lines(path: Path) -> tuple[int, Iterator[Row]]:
    if not path.is_file():
        raise Invalid(f"no such file: {path}")
    encoding = readers.detect_encoding(path)
    readers.refuse_binary(path, encoding)
    with path.open(encoding=encoding, errors="replace") as handle:
        count = sum(1 for _ in handle)

    def lines() -> Iterator[Row]:
        with path.open(encoding=encoding, errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                yield number, line.rstrip("\n"), None

    return count, lines()


def _value(row: readers.SourceRow, column: str) -> Row:
    if row.problem is not None:
        return row.number, None, row.problem
    value = row.values.get(column)
    if value is not None and not isinstance(value, str):
        return (
            row.number,
            None,
            Problem(f"{column} is a {type(value).__name__}, not text", column, row.number),
        )
    return row.number, value or "", None


def analyse_rows(
    rows: Iterator[Row],
    options: Options,
    themes: ThemeSet | None,
    min_similarity: float,
    progress: Callable[[int], None] = lambda _: None,
    discover_from: int = DISCOVERY_RECORDS,
) -> Iterator[dict[str, Any]]:
    """One result per row, in order, each yielded as soon as its batch is analysed.

    With `themes`, sentences go to the nearest of them. Without, themes are discovered from the first
    `discover_from` rows (held until then), and every later row is assigned to those themes as it streams.
    """
    done = 0
    held: list[tuple[int, Doc] | dict[str, Any]] = []
    for batch in _batches(rows):
        analysed = _analyse(batch, options)
        done += len(batch)
        if themes is None:
            held.extend(analysed)
            if done < discover_from:
                progress(done)
                continue
            themes = _discovered(held)
            analysed, held = held, []
        _assign([item[1] for item in analysed if isinstance(item, tuple)], themes, min_similarity)
        yield from (as_json(*item) if isinstance(item, tuple) else item for item in analysed)
        progress(done)
    if held:
        _assign([item[1] for item in held if isinstance(item, tuple)], _discovered(held), min_similarity)
        yield from (as_json(*item) if isinstance(item, tuple) else item for item in held)


def _batches(rows: Iterator[Row]) -> Iterator[list[Row]]:
    while batch := list(islice(rows, BATCH)):
        yield batch


def _analyse(batch: list[Row], options: Options) -> list[tuple[int, Doc] | dict[str, Any]]:
    """(row, document) per good row, or the row's error, in order."""
    good = [(n, text) for n, text, problem in batch if problem is None]
    docs = iter(pipeline.analyse_texts([text or "" for _, text in good], options))
    return [
        {"row": number, "error": problem.reason} if problem is not None else (number, next(docs))
        for number, _, problem in batch
    ]


def _assign(docs: list[Doc], themes: ThemeSet, min_similarity: float) -> None:
    pieces = [s for doc in docs for s in doc.sentences if s.supported and s.embedding is not None]
    if not pieces:
        return
    vectors = np.stack([s.embedding for s in pieces if s.embedding is not None])
    for piece, (theme_id, similarity) in zip(pieces, themes.assign(vectors, min_similarity), strict=True):
        piece.theme_id, piece.theme_similarity = (themes.labels[theme_id] if theme_id else None), similarity


def _discovered(held: list[tuple[int, Doc] | dict[str, Any]]) -> ThemeSet:
    """Themes discovered from the held rows' sentences, as a set of leaves to assign sentences to."""
    pieces = [
        s for item in held if isinstance(item, tuple) for s in item[1].sentences if s.embedding is not None
    ]
    supported = [s for s in pieces if s.supported]
    vectors = np.stack([s.embedding for s in supported if s.embedding is not None]) if supported else None
    clusters = discovery.discover([s.text for s in supported], vectors) if vectors is not None else []
    leaves = [
        (theme.name if child is theme else f"{theme.name} › {child.name}", child.centroid)
        for theme in clusters
        for child in theme.children or [theme]
    ]
    ids = [uuid.uuid4() for _ in leaves]
    matrix = np.stack([centroid for _, centroid in leaves]) if leaves else np.zeros((0, 0), np.float32)
    return ThemeSet(ids, matrix, "file", {i: name for i, (name, _) in zip(ids, leaves, strict=True)})


def as_json(number: int, doc: Doc) -> dict[str, Any]:
    return {
        "row": number,
        "language": doc.language,
        "supported": doc.supported,
        "flags": doc.flags,
        "text": doc.text,
        "redactions": dict(doc.redactions),
        "sentiment": {"label": doc.sentiment.label, "score": doc.sentiment.score} if doc.sentiment else None,
        "sentences": [
            {
                "text": s.text,
                "start": s.start,
                "end": s.end,
                "language": s.language,
                "sentiment": {"label": s.sentiment.label, "score": s.sentiment.score}
                if s.sentiment
                else None,
                "theme": s.theme_id,
            }
            for s in doc.sentences
        ],
        "themes": sorted({s.theme_id for s in doc.sentences if s.theme_id}),
        "signals": [
            {"kind": h.kind, "detail": h.detail, "sentence": h.sentence_index, "phrase": h.phrase}
            for h in doc.signals
        ],
    }
