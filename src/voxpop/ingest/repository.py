"""Every query of the ingest domain."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from voxpop.ingest.models import MAX_FIELD_CHARS, MAX_REASON_CHARS, Import, ImportRejection, ImportStatus
from voxpop.kit.capped import cap_text, without_personal_data
from voxpop.kit.errors import Problem
from voxpop.kit.ids import new_id


def add(session: Session, record: Import) -> Import:
    session.add(record)
    session.flush()
    return record


def get(session: Session, workspace_id: uuid.UUID, import_id: uuid.UUID) -> Import | None:
    return session.scalars(
        select(Import).where(Import.workspace_id == workspace_id, Import.id == import_id)
    ).first()


def get_any(session: Session, import_id: uuid.UUID) -> Import | None:
    return session.get(Import, import_id)


def unfinished_with_content(
    session: Session, workspace_id: uuid.UUID, sha256: str, kind: str
) -> Import | None:
    """An earlier import of the same file that did not finish: a rerun resumes it from its checkpoint."""
    return session.scalars(
        select(Import)
        .where(
            Import.workspace_id == workspace_id,
            Import.file_sha256 == sha256,
            Import.kind == kind,
            Import.status.in_([ImportStatus.PENDING, ImportStatus.RUNNING]),
        )
        .order_by(Import.created_at.desc())
    ).first()


def with_active_key(session: Session, workspace_id: uuid.UUID, active_key: str) -> Import | None:
    return session.scalars(
        select(Import).where(Import.workspace_id == workspace_id, Import.active_key == active_key)
    ).first()


def claim(
    session: Session,
    import_id: uuid.UUID,
    runner: str,
    now: datetime,
    until: datetime,
    dead_runner: str | None = None,
) -> bool:
    """Take an unfinished import to run it, unless another runner holds it and its lease has not run out
    (or it is `dead_runner`, a process known to have ended)."""
    holders = [Import.runner.is_(None), Import.runner == runner, Import.lease_until < now]
    if dead_runner is not None:
        holders.append(Import.runner == dead_runner)
    result = session.execute(
        update(Import)
        .where(
            Import.id == import_id,
            Import.status.in_([ImportStatus.PENDING, ImportStatus.RUNNING]),
            or_(*holders),
        )
        .values(runner=runner, lease_until=until)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


def renew(session: Session, import_id: uuid.UUID, runner: str, until: datetime) -> bool:
    """Extend the runner's lease; False if another runner has taken the import over."""
    result = session.execute(
        update(Import)
        .where(Import.id == import_id, Import.runner == runner)
        .values(lease_until=until)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


def release(session: Session, import_id: uuid.UUID) -> None:
    """A finished import frees its file: a later import of the same file is a new import."""
    session.execute(
        update(Import)
        .where(Import.id == import_id)
        .values(runner=None, lease_until=None, active_key=None)
        .execution_options(synchronize_session=False)
    )


def recent(session: Session, workspace_id: uuid.UUID, limit: int = 20) -> list[Import]:
    return list(
        session.scalars(
            select(Import)
            .where(Import.workspace_id == workspace_id)
            .order_by(Import.created_at.desc())
            .limit(limit)
        )
    )


def add_rejections(session: Session, import_id: uuid.UUID, problems: Sequence[Problem]) -> None:
    """Each rejected row's field and reason, capped, and without the personal data a reason may quote."""
    if problems:
        rows = [
            {
                "id": new_id(),
                "import_id": import_id,
                "row_number": p.row or 0,
                "field": None if p.field is None else cap_text(p.field, MAX_FIELD_CHARS - 40),
                "reason": without_personal_data(p.reason, MAX_REASON_CHARS),
            }
            for p in problems
        ]
        session.execute(insert(ImportRejection), rows)


def rejections(session: Session, import_id: uuid.UUID, limit: int, offset: int) -> list[ImportRejection]:
    return list(
        session.scalars(
            select(ImportRejection)
            .where(ImportRejection.import_id == import_id)
            .order_by(ImportRejection.row_number, ImportRejection.field)
            .limit(limit)
            .offset(offset)
        )
    )


def most_common_rejection(session: Session, import_id: uuid.UUID) -> tuple[str | None, str, int] | None:
    """The (field, reason) most rows of an import were rejected for, with how many."""
    count = func.count().label("rows")
    row = session.execute(
        select(ImportRejection.field, ImportRejection.reason, count)
        .where(ImportRejection.import_id == import_id)
        .group_by(ImportRejection.field, ImportRejection.reason)
        .order_by(count.desc(), ImportRejection.reason)
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1], int(row[2]))


def each_rejection(session: Session, import_id: uuid.UUID, batch: int = 5000) -> Iterator[ImportRejection]:
    query = (
        select(ImportRejection)
        .where(ImportRejection.import_id == import_id)
        .order_by(ImportRejection.row_number, ImportRejection.field)
        .execution_options(yield_per=batch)
    )
    for row in session.scalars(query):
        yield row
        session.expunge(row)
