"""Imports API: upload a file (CSV, JSON, JSON Lines), then follow its progress and its rejected rows."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile

from voxpop.ingest import service
from voxpop.ingest.schemas import ImportOut, RejectionOut
from voxpop.kit.pagination import Offset
from voxpop.web.deps import Reader, SessionDep, Writer

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])


@router.post("", status_code=202)
def create_import(
    session: SessionDep,
    caller: Writer,
    file: Annotated[UploadFile, File(description="CSV, JSON (an array of objects) or JSON Lines")],
    kind: Annotated[str, Form()] = "feedback",
    mapping: Annotated[str | None, Form(description="a mapping as JSON (see docs/importing.md)")] = None,
) -> ImportOut:
    """Accept a file; it is imported in the background. Poll the import for its progress and report."""
    record = service.start(session, caller, file.file, file.filename, kind, mapping)
    session.commit()
    return service.describe(record)


@router.get("")
def list_imports(session: SessionDep, caller: Reader) -> list[ImportOut]:
    return service.recent(session, caller.workspace_id)


@router.get("/{import_id}")
def get_import(import_id: uuid.UUID, session: SessionDep, caller: Reader) -> ImportOut:
    return service.describe(service.get(session, caller.workspace_id, import_id))


@router.get("/{import_id}/rejections")
def list_rejections(
    import_id: uuid.UUID,
    session: SessionDep,
    caller: Reader,
    limit: int = Query(1000, ge=1, le=10000),
    offset: Offset = 0,
) -> list[RejectionOut]:
    """Each rejected row: its number (records counted from 1, headers excluded), the field, and why."""
    return service.rejections(session, caller.workspace_id, import_id, limit, offset)
