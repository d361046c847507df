"""File uploads, read only once the caller is known, streamed to disk in chunks, and stopped at the limit.

FastAPI reads a form body *before* it runs a route's dependencies when the route declares `File` or `Form`
parameters, so an upload route declares none: its dependencies authenticate and authorise the caller
first, and only then does the route call `receive_upload`, which reads the multipart body from the request
stream (python-multipart's streaming parser), writes the file part to the data directory a chunk at a time,
and refuses a file over the limit as soon as it passes it. A page's CSRF token is checked as soon as the
form's fields before the file have arrived (`before_file`), so a forged form never stores a byte either.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from voxpop.kit.errors import DomainError, Invalid, Problem
from voxpop.kit.ids import new_id

FILE_FIELD = "file"
MAX_FIELDS = 20
MAX_FIELD_BYTES = 64 * 1024
MAX_FILENAME_CHARS = 200
FIELDS_ALLOWANCE = 2 * 1024 * 1024
"""Room for the form's other fields and the multipart framing on top of the file's own limit."""
WRITE_BYTES = 1 << 20

FieldsCheck = Callable[[dict[str, str]], None]


class TooLarge(DomainError):
    def __init__(self, limit: int) -> None:
        super().__init__(too_large_message(limit), code="too_large", status=413)


class NoSpace(DomainError):
    def __init__(self) -> None:
        message = (
            "the server has no room to keep the file (its disk is full); nothing was imported. "
            "Try again later, or ask an operator to free space in the data directory"
        )
        super().__init__(message, code="no_space", status=507)


def too_large_message(limit: int) -> str:
    return (
        f"the file is larger than the upload limit of {limit:,} bytes ({_size(limit)}): split it into smaller "
        "files, or ask an operator to raise MAX_UPLOAD_BYTES"
    )


def _size(count: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:,.1f} {unit}".replace(".0 ", " ")
    return f"{count} bytes"


@dataclass
class Upload:
    """A file received in full and kept at `path` (the caller owns it: import it or `discard` it)."""

    path: Path
    filename: str
    size: int
    fields: dict[str, str]

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


async def receive_upload(
    request: Request, folder: Path, max_bytes: int, before_file: FieldsCheck | None = None
) -> Upload:
    """Read a multipart form with one file (field `file`) and a few short fields; keep the file in `folder`.

    Call it only after the caller is authenticated and authorised. `before_file` sees the fields sent before
    the file (a page's CSRF token) and may refuse; it runs before any of the file is written."""
    try:
        boundary = _boundary(request.headers.get("content-type", ""))
    except Invalid:
        if before_file is not None:
            before_file({})  # a body that is no form carries no token either: refused as such first
        raise
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes + FIELDS_ALLOWANCE:
        raise TooLarge(max_bytes)
    receiver = _Receiver(folder, max_bytes, before_file)
    parser = MultipartParser(boundary, receiver.callbacks())
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            if receiver.pending_bytes() >= WRITE_BYTES:
                await run_in_threadpool(receiver.flush)
        await run_in_threadpool(receiver.finish)
        return receiver.upload()
    except MultipartParseError as error:
        receiver.discard()
        raise Invalid(f"the upload is not a valid multipart form: {error}") from None
    except OSError as error:
        receiver.discard()
        if error.errno == 28:  # ENOSPC
            raise NoSpace() from None
        raise
    except BaseException:
        receiver.discard()
        raise


def _boundary(content_type: str) -> bytes:
    kind, options = parse_options_header(content_type)
    if kind != b"multipart/form-data" or not options.get(b"boundary"):
        raise Invalid(
            "send the file as multipart/form-data, in the field 'file' (curl -F file=@data.csv)",
            [Problem("a multipart/form-data body is required", field=FILE_FIELD)],
        )
    return options[b"boundary"]


@dataclass
class _Part:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    header_name: bytes = b""
    header_value: bytes = b""
    name: str = ""
    data: bytearray = field(default_factory=bytearray)
    is_file: bool = False


class _Receiver:
    """The parser's callbacks: fields are kept in memory (small, few), the file goes to disk."""

    def __init__(self, folder: Path, max_bytes: int, before_file: FieldsCheck | None) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.before_file = before_file
        self.checked = before_file is None
        self.fields: dict[str, str] = {}
        self.part = _Part()
        self.path: Path | None = None
        self.handle: IO[bytes] | None = None
        self.filename = ""
        self.size = 0
        self.buffer = bytearray()
        self.ended = False

    def callbacks(self) -> Any:
        return {
            "on_part_begin": self.on_part_begin,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_end": self.on_end,
        }

    def on_part_begin(self) -> None:
        self.part = _Part()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.part.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.part.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.part.headers[self.part.header_name.lower()] = self.part.header_value
        self.part.header_name = self.part.header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.part.headers.get(b"content-disposition", b""))
        if b"name" not in options:
            raise Invalid("a part of the form has no name (Content-Disposition: form-data; name=…)")
        self.part.name = _text(options[b"name"])
        if b"filename" not in options:
            if len(self.fields) >= MAX_FIELDS:
                raise Invalid(f"the form has more than {MAX_FIELDS} fields")
            return
        if self.part.name != FILE_FIELD or self.path is not None:
            raise Invalid(
                "send one file, in the field 'file'",
                [Problem(f"unexpected file in the field {self.part.name!r}", field=self.part.name)],
            )
        self.check_fields()
        self.part.is_file = True
        self.filename = _filename(_text(options[b"filename"]))
        suffix = Path(self.filename).suffix.lower()[:10]
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / f"{new_id()}{suffix}"
        self.handle = self.path.open("wb")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.part.is_file:
            self.size += end - start
            if self.size > self.max_bytes:
                raise TooLarge(self.max_bytes)
            self.buffer += data[start:end]
            return
        self.part.data += data[start:end]
        if len(self.part.data) > MAX_FIELD_BYTES:
            raise Invalid(
                f"the field {self.part.name!r} is longer than {MAX_FIELD_BYTES:,} bytes",
                [Problem(f"longer than {MAX_FIELD_BYTES:,} bytes", field=self.part.name)],
            )

    def on_part_end(self) -> None:
        if not self.part.is_file:
            self.fields.setdefault(self.part.name, _text(bytes(self.part.data)))

    def on_end(self) -> None:
        self.ended = True

    def check_fields(self) -> None:
        if not self.checked and self.before_file is not None:
            self.before_file(dict(self.fields))
            self.checked = True

    def pending_bytes(self) -> int:
        return len(self.buffer)

    def flush(self) -> None:
        if self.handle is not None and self.buffer:
            self.handle.write(self.buffer)
            self.buffer.clear()

    def finish(self) -> None:
        self.check_fields()
        if not self.ended:
            raise Invalid(
                "the upload ended before the form did (the connection was cut, or the body is not a form)"
            )
        if self.handle is None:
            raise Invalid(
                "the form has no file: send it in the field 'file'",
                [Problem("a file is required", field=FILE_FIELD)],
            )
        self.flush()
        self.handle.flush()
        os.fsync(self.handle.fileno())  # durable before the import is recorded and the caller told so
        self.handle.close()

    def upload(self) -> Upload:
        assert self.path is not None
        return Upload(self.path, self.filename, self.size, self.fields)

    def discard(self) -> None:
        if self.handle is not None:
            self.handle.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def _filename(sent: str) -> str:
    """The name the user gave the file, without any folders, cut to a length a record keeps."""
    name = sent.replace("\\", "/").rsplit("/", 1)[-1].strip() or "upload"
    if len(name) <= MAX_FILENAME_CHARS:
        return name
    suffix = Path(name).suffix[:10]
    return name[: MAX_FILENAME_CHARS - len(suffix) - 1] + "…" + suffix
