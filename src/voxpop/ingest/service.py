"""File imports: register a file, then stream it through the same services the API uses, chunk by chunk.

Each chunk (rows, their customers, their rejections and the checkpoint) commits as one transaction, so a
process killed mid-import leaves whole chunks only; running the import again resumes after the checkpoint,
and because every record is an upsert on (source, external id), a row processed twice is stored once.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from voxpop.audit import service as audit
from voxpop.auth.service import Principal
from voxpop.customer import service as customer_service
from voxpop.customer.models import Customer, CustomerIdentity
from voxpop.customer.schemas import CustomerIn
from voxpop.feedback import service as feedback_service
from voxpop.feedback.models import Feedback
from voxpop.feedback.schemas import FeedbackIn
from voxpop.ingest import mapping as mappings
from voxpop.ingest import occurrences, readers, repository
from voxpop.ingest.models import Import, ImportStatus
from voxpop.ingest.schemas import ImportOut, RejectionOut
from voxpop.journey import service as journey_service
from voxpop.journey.models import JourneyEvent
from voxpop.journey.schemas import EventIn
from voxpop.kit import clock
from voxpop.kit.db import is_postgres
from voxpop.kit.errors import DomainError, NotFound, Problem, problems_from_errors
from voxpop.kit.jobs import enqueue
from voxpop.kit.logs import fault
from voxpop.kit.settings import get_settings
from voxpop.kit.upsert import Stored

RUN_IMPORT = "ingest.run_import"
IMPORT_LEASE = timedelta(minutes=2)
"""How long a runner holds an import without a sign of life (it renews the lease with every chunk)."""
FOLLOW_POLL_SECONDS = 0.5
Store = Callable[[Session, uuid.UUID, Sequence[Any]], list[Stored]]


@dataclass(frozen=True)
class RecordKind:
    model: type[BaseModel]
    store: Store
    tables: tuple[str, ...]
    """The tables an import of this kind fills."""


def _store_feedback(session: Session, workspace_id: uuid.UUID, items: Sequence[Any]) -> list[Stored]:
    return feedback_service.ingest_many(session, workspace_id, items, default_source="import")


def _store_events(session: Session, workspace_id: uuid.UUID, items: Sequence[Any]) -> list[Stored]:
    return journey_service.ingest_many(session, workspace_id, items, default_source="import")


_CUSTOMER_TABLES = (Customer.__tablename__, CustomerIdentity.__tablename__)
RECORD_KINDS: dict[str, RecordKind] = {
    "feedback": RecordKind(FeedbackIn, _store_feedback, (Feedback.__tablename__, *_CUSTOMER_TABLES)),
    "events": RecordKind(EventIn, _store_events, (JourneyEvent.__tablename__, *_CUSTOMER_TABLES)),
    "customers": RecordKind(CustomerIn, customer_service.upsert, _CUSTOMER_TABLES),
}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def register(
    session: Session,
    workspace_id: uuid.UUID,
    path: Path,
    mapping: mappings.Mapping,
    filename: str | None = None,
    file_format: str | None = None,
    resume: bool = True,
) -> Import:
    """Record an import of a file, or (with `resume`) return the unfinished import of the same file, to
    resume it after its checkpoint, or to follow it while another run has it. Uploads never resume: each
    upload is its own import with its own job."""
    kind = mapping.kind
    declared = readers.detect_format(path, file_format)
    sha = file_sha256(path)
    earlier = repository.unfinished_with_content(session, workspace_id, sha, kind) if resume else None
    if earlier is not None and earlier.mapping == mapping.as_dict():
        earlier.file_path = str(path)
        return earlier
    record = Import(
        workspace_id=workspace_id,
        kind=kind,
        filename=filename or path.name,
        file_path=str(path),
        file_sha256=sha,
        file_format=declared,
        mapping=mapping.as_dict(),
        active_key=_active_key(sha, mapping) if resume else None,
    )
    try:
        with session.begin_nested():
            return repository.add(session, record)
    except IntegrityError:  # another run registered the same file a moment ago: one file, one import
        same = repository.with_active_key(session, workspace_id, record.active_key or "")
        if same is None:
            raise
        return same


def _active_key(sha: str, mapping: mappings.Mapping) -> str:
    described = json.dumps(
        {"sha256": sha, "kind": mapping.kind, "mapping": mapping.as_dict()}, sort_keys=True
    )
    return hashlib.sha256(described.encode()).hexdigest()


def start(
    session: Session,
    caller: Principal,
    path: Path,
    filename: str,
    kind: str,
    mapping_text: str | None,
) -> Import:
    """Accept an uploaded file, already kept at `path` in the uploads folder: record its import, queue the
    job that runs it, and audit it. Never commits: the API and the imports page commit, and the job runs
    once they have (they delete the file if this fails or their commit does)."""
    workspace_id = caller.workspace_id
    mapping = mappings.parse_mapping(kind, mapping_text)
    record = register(session, workspace_id, path, mapping, filename=filename, resume=False)
    enqueue(session, RUN_IMPORT, {"import_id": str(record.id)}, workspace_id=workspace_id)
    details = {"filename": record.filename, "kind": kind}
    audit.record(session, workspace_id, caller, "import.start", "import", record.id, details)
    return record


Progress = Callable[[int, int | None], None]


def run(
    session: Session,
    record: Import,
    progress: Progress | None = None,
    heartbeat: Callable[[], None] = lambda: None,
) -> Import:
    """Import (or resume) a registered file; commits once per chunk. Uses the caller's session throughout.

    One import runs in one place at a time: a second run of the same import waits for the first (showing its
    progress) and returns its outcome, or takes it over after the checkpoint if the first one's lease ran out.
    """
    runner = f"{socket.gethostname()[:30]}:{os.getpid()}:{threading.get_ident()}"
    if not _claim_or_follow(session, record, runner, progress, heartbeat):
        return record
    try:
        return _run_claimed(session, record, runner, progress, heartbeat)
    except BaseException:
        _let_go(session, record, runner)
        raise


def _claim_or_follow(
    session: Session, record: Import, runner: str, progress: Progress | None, heartbeat: Callable[[], None]
) -> bool:
    """True once this runner holds the import; False if it finished while another runner had it."""
    dead: str | None = None
    while True:
        now = clock.now()
        claimed = repository.claim(session, record.id, runner, now, now + IMPORT_LEASE, dead)
        session.commit()
        session.refresh(record)
        if claimed:
            return True
        if record.status not in (ImportStatus.PENDING, ImportStatus.RUNNING):
            return False
        dead = record.runner if _has_ended(record.runner) else None
        if dead is not None:
            continue
        if progress:
            progress(record.rows_done, record.rows_total)
        heartbeat()
        session.commit()  # wait holding no transaction: on SQLite a writing session's holds the write lock
        time.sleep(FOLLOW_POLL_SECONDS)


def _has_ended(runner: str | None) -> bool:
    """Whether the runner holding an import is a process of this machine that no longer exists (killed):
    then running the import again resumes it at once instead of waiting for its lease to run out."""
    host, _, rest = (runner or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname()[:30] or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _let_go(session: Session, record: Import, runner: str) -> None:
    """Stopped by an error: give the import back at once, so that running it again need not wait."""
    try:
        session.rollback()
        repository.renew(session, record.id, runner, clock.now())
        session.commit()
    except Exception:  # the database may be what failed: then the lease simply runs out
        session.rollback()


def _run_claimed(
    session: Session, record: Import, runner: str, progress: Progress | None, heartbeat: Callable[[], None]
) -> Import:
    path = Path(record.file_path or "")
    mapping = mappings.Mapping.from_dict(record.kind, record.mapping)
    try:
        size = path.stat().st_size
        if file_sha256(path) != record.file_sha256:
            return _fail(session, record, _changed(record, "since the import was registered", path))
        info = readers.scan(path, record.file_format, mapping.skip_lines)
    except (DomainError, OSError) as error:
        # Say it with the name the user gave the file, not the server's path of its stored copy.
        said = error.message if isinstance(error, DomainError) else f"no such file: {path}"
        message = said.replace(str(path), record.filename).replace(path.name, record.filename)
        return _fail(session, record, message)
    record.status, record.rows_total = ImportStatus.RUNNING, info.rows
    record.warnings = _warnings(mapping, info)
    session.commit()
    if progress:
        progress(record.rows_done, info.rows)
    rows = (row for row in _with_occurrences(readers.records(path, info)) if row.number > record.rows_done)
    for number, chunk in enumerate(_chunks(rows, get_settings().import_chunk_rows), start=1):
        if not repository.renew(session, record.id, runner, clock.now() + IMPORT_LEASE):
            session.rollback()  # another runner took the import over (this one stalled past its lease)
            session.refresh(record)
            return record
        _import_chunk(session, record, mapping, chunk)
        session.commit()
        if number == 1:
            _refresh_statistics(session, RECORD_KINDS[record.kind].tables)
        heartbeat()
        if progress:
            progress(record.rows_done, info.rows)
        if _size(path) != size:
            return _fail(session, record, _changed(record, "while it was being imported", path, size))
    if file_sha256(path) != record.file_sha256 if path.is_file() else True:
        return _fail(session, record, _changed(record, "while it was being imported", path, size))
    if record.rows_created + record.rows_updated == 0:
        return _fail(session, record, _why_nothing(session, record, path, info))
    record.status, record.finished_at = ImportStatus.DONE, clock.now()
    repository.release(session, record.id)
    _forget_uploaded_file(record)
    session.commit()
    return record


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _changed(record: Import, when: str, path: Path, size: int | None = None) -> str:
    """The file is not the one registered: name how, and what happens to what was stored."""
    now = _size(path)
    found = "it is gone" if now is None else f"it now has {now:,} bytes and SHA-256 {file_sha256(path)[:16]}…"
    before = f"{size:,} bytes and " if size is not None else ""
    stored = record.rows_created + record.rows_updated
    kept = (
        f"; the {stored:,} rows stored before the change stay (running the import of the complete file again "
        "updates them, never duplicates them)"
        if stored
        else "; nothing was stored"
    )
    return (
        f"{record.filename} changed {when}: it had {before}SHA-256 {record.file_sha256[:16]}… when the import "
        f"was registered, {found}{kept}"
    )


def _why_nothing(session: Session, record: Import, path: Path, info: readers.FileInfo) -> str:
    """A file that yields nothing is a failed import: say why, in the words of its most common rejection,
    and point at the header row when it seems to be further down than where the file was read from."""
    if info.rows == 0:
        found = "a header but no rows" if info.format == "csv" else "no records"
        message = f"no row could be read: {record.filename} holds {found}"
    else:
        message = f"no row could be imported: all {info.rows:,} rows were rejected"
        common = repository.most_common_rejection(session, record.id)
        if common is not None:
            field, reason, count = common
            where = f" (column {field[:80]})" if field else ""
            message += f"; the most common reason, for {count:,} rows{where}: {reason}"
    if info.format == "csv" and path.is_file():
        header_line = readers.detect_header_line(path, info.encoding)
        if header_line != info.skipped_lines:
            message += (
                f" — the header looks like it is on line {header_line + 1}: "
                f"skip {header_line} lines (skip_lines in the mapping's options, --skip-lines)"
            )
    return message


def _refresh_statistics(session: Session, tables: tuple[str, ...]) -> None:
    """PostgreSQL: give the planner column statistics once the first chunk is in.

    Without them (a new or small table), it guesses that the key look-ups of every chunk match a row or two
    and reads them through the index's (workspace, source) prefix only, filtering every row of the workspace:
    each chunk then costs more than the one before, and a million-row import takes hours. One ANALYZE fixes
    the plans for the rest of the import; later growth is tracked from the table's size.
    """
    if not is_postgres(session):
        return
    for table in tables:
        session.execute(text(f"ANALYZE {table}"))
    session.commit()


def _warnings(mapping: mappings.Mapping, info: readers.FileInfo) -> dict[str, Any]:
    if info.format != "csv":
        return {"encoding": info.encoding}
    return {
        "encoding": info.encoding,
        "skipped_lines": info.skipped_lines,
        "columns": mapping.resolved(info.headers),
        "kept_as_attributes": mapping.unmapped(info.headers),
    }


def fail_unexpectedly(session: Session, import_id: uuid.UUID, error: Exception) -> None:
    """An import that broke on something other than its data says so, instead of looking busy forever.
    Rows committed so far stay; the next run of the same file starts again and updates them in place."""
    record = repository.get_any(session, import_id)
    if record is not None:
        _fail(
            session,
            record,
            f"the import stopped on an unexpected error after row {record.rows_done:,}: {fault(error)}",
        )


def _fail(session: Session, record: Import, message: str) -> Import:
    record.status, record.error, record.finished_at = ImportStatus.FAILED, message, clock.now()
    repository.release(session, record.id)
    _forget_uploaded_file(record)
    session.commit()
    return record


def _chunks(rows: Iterator[readers.SourceRow], size: int) -> Iterator[list[readers.SourceRow]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _import_chunk(
    session: Session, record: Import, mapping: mappings.Mapping, chunk: list[readers.SourceRow]
) -> None:
    kind = RECORD_KINDS[record.kind]
    items: list[BaseModel] = []
    rejected: list[Problem] = []
    for row in chunk:
        item, problems = _validate(kind.model, mapping, row)
        if item is not None:
            items.append(item)
        rejected.extend(problems)
    results = kind.store(session, record.workspace_id, items) if items else []
    created = sum(stored.created for stored in results)
    record.rows_created += created
    record.rows_updated += len(items) - created
    record.rows_rejected += len({p.row for p in rejected})
    record.rows_done = chunk[-1].number
    repository.add_rejections(session, record.id, rejected)


def _with_occurrences(rows: Iterator[readers.SourceRow]) -> Iterator[readers.SourceRow]:
    """Give each row without an id or a time a stable one: its content and how many identical rows came before
    it. Importing the file again (or resuming it) gives the same ids; two identical rows stay two records.
    The counts live in a temporary SQLite file, not in memory, so a file of any length needs the same memory."""
    with occurrences.Occurrences() as seen:
        for batch in _chunks(rows, occurrences.BATCH_ROWS):
            digests = [
                hashlib.sha256(repr(sorted(row.values.items())).encode()).hexdigest()[:32] for row in batch
            ]
            for row, digest, number in zip(batch, digests, seen.count(digests), strict=True):
                row.fallback_id = f"auto:{digest}:{number}"
                yield row


def _validate(
    model: type[BaseModel], mapping: mappings.Mapping, row: readers.SourceRow
) -> tuple[BaseModel | None, list[Problem]]:
    if row.problem is not None:
        return None, [row.problem]
    data, problems = mappings.apply(mapping, row.values, row.number)
    if problems:
        return None, problems
    try:
        item = model.model_validate(data)
    except ValidationError as error:
        columns = {target: column for column, target in mapping.resolved(list(row.values)).items()}
        found = problems_from_errors(error.errors(include_url=False), row=row.number)
        return None, [_name_column(problem, columns) for problem in found]
    if _needs_fallback_id(item):
        item.external_id = row.fallback_id  # type: ignore[attr-defined]
    return item, []


def _needs_fallback_id(item: BaseModel) -> bool:
    """Records (not customers, whose key is their identities) with neither an id nor a time."""
    times = [name for name in ("received_at", "occurred_at") if name in type(item).model_fields]
    return (
        bool(times)
        and getattr(item, "external_id", None) is None
        and all(getattr(item, n) is None for n in times)
    )


def _name_column(problem: Problem, columns: dict[str, str]) -> Problem:
    """Say which column of the file a field came from: users know their columns, not our fields."""
    column = columns.get(problem.field or "")
    if column is None or column == problem.field:
        return problem
    return Problem(problem.reason, field=f"{column} ({problem.field})", row=problem.row)


def _forget_uploaded_file(record: Import) -> None:
    """Uploaded copies hold personal data: delete them once imported, unless told to keep them."""
    if record.file_path is None or get_settings().keep_import_files:
        return
    path = Path(record.file_path)
    if path.resolve().is_relative_to(get_settings().uploads_dir.resolve()):
        path.unlink(missing_ok=True)
        record.file_path = None


def get(session: Session, workspace_id: uuid.UUID, import_id: uuid.UUID) -> Import:
    record = repository.get(session, workspace_id, import_id)
    if record is None:
        raise NotFound("import")
    return record


def describe(record: Import) -> ImportOut:
    return ImportOut.model_validate(record)


def rejections(
    session: Session, workspace_id: uuid.UUID, import_id: uuid.UUID, limit: int = 1000, offset: int = 0
) -> list[RejectionOut]:
    record = get(session, workspace_id, import_id)
    return [RejectionOut.model_validate(r) for r in repository.rejections(session, record.id, limit, offset)]


def each_rejection(session: Session, workspace_id: uuid.UUID, import_id: uuid.UUID) -> Iterator[RejectionOut]:
    """Every rejection of an import, streamed from the database (a million of them never sit in memory)."""
    record = get(session, workspace_id, import_id)
    for row in repository.each_rejection(session, record.id):
        yield RejectionOut.model_validate(row)


def recent(session: Session, workspace_id: uuid.UUID) -> list[ImportOut]:
    return [describe(r) for r in repository.recent(session, workspace_id)]
