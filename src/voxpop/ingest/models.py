from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, validates

from voxpop.kit import clock
from voxpop.kit.capped import cap_json, cap_text, without_personal_data
from voxpop.kit.db import Base, IdMixin


class ImportStatus:
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


MAX_FILENAME_CHARS = 255
MAX_ERROR_CHARS = 2000
MAX_WARNING_CHARS = 120
MAX_WARNING_ITEMS = 100
MAX_FIELD_CHARS = 200
MAX_REASON_CHARS = 500


class Import(IdMixin, Base):
    """A file import. `rows_done` is the checkpoint: rows up to it are committed, so a rerun resumes.

    What it keeps of text that came from the file or from an error (the file's name, its columns, the
    reason it failed) is capped, with a mark where it was cut: a record is read on every list of imports."""

    __tablename__ = "imports"
    __table_args__ = (UniqueConstraint("workspace_id", "active_key"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(500))
    file_path: Mapped[str | None] = mapped_column(String(1000))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_format: Mapped[str] = mapped_column(String(10))
    mapping: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default=ImportStatus.PENDING)
    rows_total: Mapped[int | None]
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_created: Mapped[int] = mapped_column(default=0)
    rows_updated: Mapped[int] = mapped_column(default=0)
    rows_rejected: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    finished_at: Mapped[datetime | None]
    active_key: Mapped[str | None] = mapped_column(String(64))
    """Set while the import is unfinished (the file's content, kind and mapping): one file, one import."""
    runner: Mapped[str | None] = mapped_column(String(64))
    """Which process runs the import; it holds it until `lease_until` and renews the lease every chunk."""
    lease_until: Mapped[datetime | None]

    @validates("filename")
    def _cap_filename(self, _key: str, value: str) -> str:
        return cap_text(value, MAX_FILENAME_CHARS - 40)

    @validates("error")
    def _cap_error(self, _key: str, value: str | None) -> str | None:
        return None if value is None else without_personal_data(value, MAX_ERROR_CHARS)

    @validates("warnings")
    def _cap_warnings(self, _key: str, value: dict[str, Any]) -> dict[str, Any]:
        capped: dict[str, Any] = cap_json(value, MAX_WARNING_CHARS, MAX_WARNING_ITEMS)
        return capped


class ImportRejection(IdMixin, Base):
    """One rejected row of an import: which row, which field, and why (never the row's personal data)."""

    __tablename__ = "import_rejections"

    import_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"), index=True)
    row_number: Mapped[int]
    field: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
