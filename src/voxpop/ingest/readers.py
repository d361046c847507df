"""Streaming readers for CSV, JSON and JSON Lines files.

A file is read twice: `scan` checks that the whole file can be parsed and counts its records (so a broken
file stores nothing, and the progress bar knows its total), then `records` yields them one at a time, so
memory stays flat whatever the file's size. Row numbers count records from 1, headers excluded.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

import ijson

from voxpop.kit.errors import Invalid, Problem

FORMATS = ("csv", "json", "jsonl")
SNIFF_BYTES = 1 << 20
MAX_HEADER_BYTES = 1 << 20
"""The longest header line (column names) a CSV file may have: 1 MiB is thousands of long column names."""
CSV_DELIMITERS = ",;\t|"
QUALTRICS_IMPORT_ID = '{"ImportId"'
HEADER_SEARCH_LINES = 10
"""How far down a file the header row is looked for, when chatter (a title, an export date) sits above it."""
HEADER_SAMPLE_RECORDS = 5

csv.field_size_limit(1 << 30)


@dataclass
class SourceRow:
    number: int
    values: dict[str, Any]
    problem: Problem | None = None
    fallback_id: str | None = None


@dataclass
class FileInfo:
    format: str
    encoding: str
    rows: int
    headers: list[str] = field(default_factory=list)
    skipped_lines: int = 0
    """Lines above the header row (chatter such as a title or an export date), given or detected."""


def detect_format(path: Path, declared: str | None = None) -> str:
    if declared:
        if declared not in FORMATS:
            raise Invalid(f"unknown file format {declared!r}; use one of {', '.join(FORMATS)}")
        return declared
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("ndjson", "jsonl"):
        return "jsonl"
    if suffix in FORMATS:
        return suffix
    if suffix in ("tsv", "txt"):
        return "csv"
    with path.open("rb") as handle:
        start = handle.read(4096).lstrip(codecs.BOM_UTF8).lstrip()
    if start.startswith(b"["):
        return "json"
    return "jsonl" if start.startswith(b"{") else "csv"


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) or UTF-16 by BOM; Windows-1252 (a superset of Latin-1's text) only when
    no line of the first megabyte is UTF-8 beyond ASCII. A file with both is UTF-8 with some bad lines,
    which are then rejected one by one rather than silently misread."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    utf8_evidence = invalid = False
    for line in head.split(b"\n")[:-1] if len(head) == SNIFF_BYTES else head.split(b"\n"):
        try:
            utf8_evidence |= not line.decode("utf-8").isascii()
        except UnicodeDecodeError:
            invalid = True
    return "cp1252" if invalid and not utf8_evidence else "utf-8"


def refuse_binary(path: Path, encoding: str) -> None:
    if encoding == "utf-16":
        return
    offset = 0
    with path.open("rb") as handle:
        while block := handle.read(SNIFF_BYTES):
            position = block.find(b"\x00")
            if position >= 0:
                raise Invalid(
                    f"{path.name} is not a text file: it holds a NUL byte at offset {offset + position:,} "
                    "(binary data). Export the data as CSV, JSON or JSON Lines."
                )
            offset += len(block)


class _DecodedLines:
    """Decodes a binary file line by line, remembering which lines were not valid in its encoding."""

    def __init__(self, handle: BinaryIO, encoding: str) -> None:
        self._handle = handle
        self._encoding = encoding
        self.line = 0
        self.bad_lines: dict[int, str] = {}

    def __iter__(self) -> Iterator[str]:
        decode = codecs.getdecoder(self._encoding)
        for raw in self._handle:
            self.line += 1
            try:
                yield decode(raw)[0]
            except UnicodeDecodeError as error:
                self.bad_lines[self.line] = (
                    f"byte 0x{raw[error.start]:02x} at position {error.start} is not valid {self._encoding}; "
                    "the file mixes encodings: save it again as UTF-8"
                )
                yield raw.decode(self._encoding, errors="replace")


def _open_text_lines(path: Path, encoding: str) -> tuple[BinaryIO, _DecodedLines]:
    handle: BinaryIO = path.open("rb")
    if encoding == "utf-8-sig":
        handle.seek(len(codecs.BOM_UTF8))
        encoding = "utf-8"
    if encoding == "utf-16":
        text = path.read_text("utf-16")
        handle.close()
        handle = BytesIO(text.encode("utf-8"))
        encoding = "utf-8"
    return handle, _DecodedLines(handle, encoding)


def _delimiter(header_line: str) -> str:
    return max(CSV_DELIMITERS, key=header_line.count)


def _csv_records(path: Path, encoding: str, skip_lines: int = 0) -> Iterator[tuple[list[str], SourceRow]]:
    handle, lines = _open_text_lines(path, encoding)
    with handle:
        iterator = iter(lines)
        for _ in range(skip_lines):
            next(iterator, None)
        first = next(iterator, None)
        if first is None:
            return
        reader = csv.reader(_chain(first, iterator), delimiter=_delimiter(first), strict=True)
        header = [h.strip() for h in next(reader)]
        records = _with_line_spans(reader, lines)
        for number, (cells, span) in enumerate(_skip_extra_header_rows(records), start=1):
            bad = next((lines.bad_lines.pop(n) for n in span if n in lines.bad_lines), None)
            yield header, _csv_row(number, header, cells, bad)


def detect_header_line(path: Path, encoding: str) -> int:
    """How many lines of chatter sit above the header row (0 for most files).

    The header is the first of the first lines that has at least two columns and that the records after it
    agree with (at least half of the next few have as many fields). A file where no line qualifies (a
    one-column file, say) is read from its first line."""
    for skip in range(HEADER_SEARCH_LINES):
        verdict = _looks_like_header(path, encoding, skip)
        if verdict is None:
            break
        if verdict:
            return skip
    return 0


def _looks_like_header(path: Path, encoding: str, skip: int) -> bool | None:
    """Whether line `skip + 1` looks like the header; None past the end of the file."""
    handle, lines = _open_text_lines(path, encoding)
    with handle:
        rest = islice(iter(lines), skip, None)
        first = next(rest, None)
        if first is None:
            return None
        try:
            reader = csv.reader(_chain(first, rest), delimiter=_delimiter(first))
            records = list(islice(reader, HEADER_SAMPLE_RECORDS + 1))
        except csv.Error:
            return False
    header, following = records[0], records[1:]
    if len([cell for cell in header if cell.strip()]) < 2:
        return False
    agreeing = sum(1 for cells in following if len(cells) == len(header))
    return not following or agreeing * 2 >= len(following)


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _with_line_spans(reader: Iterator[list[str]], lines: _DecodedLines) -> Iterator[tuple[list[str], range]]:
    """Each record with the physical lines it came from (a quoted field may span several)."""
    last = lines.line
    for cells in reader:
        yield cells, range(last + 1, lines.line + 1)
        last = lines.line


def _skip_extra_header_rows(
    records: Iterator[tuple[list[str], range]],
) -> Iterator[tuple[list[str], range]]:
    """Qualtrics exports carry two more header rows (question texts, then ImportId objects): skip them."""
    peeked = list(islice(records, 2))
    if not (len(peeked) == 2 and any(cell.startswith(QUALTRICS_IMPORT_ID) for cell in peeked[1][0])):
        yield from peeked
    yield from records


def _csv_row(number: int, header: list[str], cells: list[str], bad_encoding: str | None) -> SourceRow:
    if bad_encoding:
        return SourceRow(number, {}, Problem(bad_encoding, row=number))
    if len(cells) != len(header) and any(c.strip() for c in cells[len(header) :]):
        reason = f"has {len(cells)} fields but the header has {len(header)}"
        return SourceRow(number, {}, Problem(reason, row=number))
    return SourceRow(number, dict(zip(header, cells, strict=False)))


def _jsonl_records(path: Path) -> Iterator[SourceRow]:
    handle, lines = _open_text_lines(path, "utf-8-sig" if detect_encoding(path) == "utf-8-sig" else "utf-8")
    with handle:
        number = 0
        for text in lines:
            if not text.strip():
                continue
            number += 1
            if lines.line in lines.bad_lines:
                yield SourceRow(number, {}, Problem(lines.bad_lines.pop(lines.line), row=number))
                continue
            yield _json_row(number, text)


def _json_row(number: int, text: str) -> SourceRow:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        return SourceRow(
            number, {}, Problem(f"is not valid JSON: {error.msg} at column {error.colno}", row=number)
        )
    return _object_row(number, value)


def _object_row(number: int, value: Any) -> SourceRow:
    if not isinstance(value, dict):
        return SourceRow(number, {}, Problem(f"is a JSON {type(value).__name__}, not an object", row=number))
    return SourceRow(number, value)


def _json_records(path: Path) -> Iterator[SourceRow]:
    with path.open("rb") as handle:
        if handle.read(3) != codecs.BOM_UTF8:
            handle.seek(0)
        for number, value in enumerate(ijson.items(handle, "item", use_float=True), start=1):
            yield _object_row(number, value)


def records(path: Path, info: FileInfo) -> Iterator[SourceRow]:
    if info.format == "csv":
        return (row for _, row in _csv_records(path, info.encoding, info.skipped_lines))
    if info.format == "jsonl":
        return _jsonl_records(path)
    return _json_records(path)


def scan(path: Path, declared_format: str | None = None, skip_lines: int | None = None) -> FileInfo:
    """Check that the whole file parses; raise `Invalid` with the place and reason if it does not.
    `skip_lines` (CSV): lines above the header row; None looks for the header in the first lines."""
    if not path.is_file():
        raise Invalid(f"no such file: {path}")
    file_format = detect_format(path, declared_format)
    encoding = detect_encoding(path)
    refuse_binary(path, encoding)
    if file_format == "csv":
        skip = detect_header_line(path, encoding) if skip_lines is None else skip_lines
        return _scan_csv(path, encoding, skip)
    if file_format == "json":
        return _scan_json(path)
    return FileInfo("jsonl", encoding, sum(1 for _ in _jsonl_records(path)))


def _scan_csv(path: Path, encoding: str, skip_lines: int = 0) -> FileInfo:
    _refuse_long_header(path)
    header: list[str] = []
    rows = 0
    try:
        for row_header, _ in _csv_records(path, encoding, skip_lines):
            header = row_header
            rows += 1
    except csv.Error as error:
        raise Invalid(f"{path.name} is not valid CSV after record {rows:,}: {error}") from None
    if not header:
        header = _header_only(path, encoding, skip_lines)
    return FileInfo("csv", encoding, rows, header, skip_lines)


def _refuse_long_header(path: Path) -> None:
    """A first line longer than `MAX_HEADER_BYTES` is no header: refuse it, saying how long it is, before
    reading it whole (counted a block at a time)."""
    with path.open("rb") as handle:
        first = handle.readline(MAX_HEADER_BYTES + 1)
        if len(first) <= MAX_HEADER_BYTES or first.endswith(b"\n"):
            return
        length = len(first)
        while (block := handle.read(SNIFF_BYTES)) and (end := block.find(b"\n")) < 0:
            length += len(block)
        length += end if block else 0
    raise Invalid(
        f"{path.name}: the first line, which should hold the column names, is {length:,} bytes long; "
        f"a header line may be at most {MAX_HEADER_BYTES:,} bytes. Is the file a CSV with one line per record?"
    )


def _header_only(path: Path, encoding: str, skip_lines: int) -> list[str]:
    handle, lines = _open_text_lines(path, encoding)
    with handle:
        first = next(islice(iter(lines), skip_lines, None), "")
    return [h.strip() for h in next(csv.reader([first], delimiter=_delimiter(first)), [])]


def _scan_json(path: Path) -> FileInfo:
    rows = 0
    try:
        with path.open("rb") as handle:
            if handle.read(3) != codecs.BOM_UTF8:
                handle.seek(0)
            first = handle.read(1)
            while first.isspace():
                first = handle.read(1)
            if first != b"[":
                raise Invalid(f"{path.name}: a JSON file must hold an array of records ([{{…}}, …])")
            handle.seek(handle.tell() - 1)
            for _ in ijson.items(handle, "item", use_float=True):
                rows += 1
    except (ijson.JSONError, UnicodeDecodeError) as error:
        where = f"after record {rows:,}"
        raise Invalid(f"{path.name} is not valid JSON {where}: {str(error).splitlines()[0]}") from None
    return FileInfo("json", "utf-8", rows)
