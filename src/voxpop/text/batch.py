"""`voxpop analyze`: the pipeline over a file, without storing anything — one JSON object per input row.

Themes come from a workspace's curated themes when one is named; otherwise they are discovered from the
file itself, which means holding the file's results until the end (about 2 KB per sentence).
"""

from __future__ import annotations

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

BATCH = 256
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
) -> Iterator[dict[str, Any]]:
    """One result per row, in order. With `themes`, results stream; without, themes are discovered first."""
    if themes is not None:
        yield from _stream(rows, options, lambda docs: _assign(docs, themes, min_similarity), progress)
        return
    held = list(_stream(rows, options, lambda docs: None, progress, keep_docs=True))
    yield from _with_discovered_themes(held)


def _stream(
    rows: Iterator[Row],
    options: Options,
    assign: Callable[[list[Doc]], None],
    progress: Callable[[int], None],
    keep_docs: bool = False,
) -> Iterator[Any]:
    done = 0
    while batch := list(islice(rows, BATCH)):
        good = [(n, text) for n, text, problem in batch if problem is None]
        docs = dict(
            zip(
                (n for n, _ in good), pipeline.analyse_texts([t or "" for _, t in good], options), strict=True
            )
        )
        assign(list(docs.values()))
        for number, _, problem in batch:
            if problem is not None:
                yield {"row": number, "error": problem.reason}
            else:
                yield (number, docs[number]) if keep_docs else as_json(number, docs[number])
        done += len(batch)
        progress(done)


def _assign(docs: list[Doc], themes: ThemeSet, min_similarity: float) -> None:
    pieces = [s for doc in docs for s in doc.sentences if s.supported and s.embedding is not None]
    if not pieces:
        return
    vectors = np.stack([s.embedding for s in pieces if s.embedding is not None])
    for piece, (theme_id, similarity) in zip(pieces, themes.assign(vectors, min_similarity), strict=True):
        piece.theme_id, piece.theme_similarity = (themes.labels[theme_id] if theme_id else None), similarity


def _with_discovered_themes(held: list[Any]) -> Iterator[dict[str, Any]]:
    pieces = [
        s
        for item in held
        if isinstance(item, tuple)
        for s in item[1].sentences
        if s.supported and s.embedding is not None
    ]
    if pieces:
        vectors = np.stack([s.embedding for s in pieces if s.embedding is not None])
        clusters = discovery.discover([s.text for s in pieces], vectors)
        for theme in clusters:
            for child in theme.children or [theme]:
                for index in child.members:
                    name = theme.name if child is theme else f"{theme.name} › {child.name}"
                    pieces[index].theme_id = name
    for item in held:
        yield as_json(*item) if isinstance(item, tuple) else item


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
