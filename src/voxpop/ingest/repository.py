"""Every query of the ingest domain."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import insert, select
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
