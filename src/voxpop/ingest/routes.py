"""Imports API: upload a file (CSV, JSON, JSON Lines), then follow its progress and its rejected rows."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile

from voxpop.audit import service as audit
from voxpop.auth.service import Principal
from voxpop.ingest import service
from voxpop.ingest.jobs import RUN_IMPORT
from voxpop.ingest.mapping import parse_mapping
from voxpop.ingest.schemas import ImportOut, RejectionOut
from voxpop.kit.ids import new_id
from voxpop.kit.jobs import enqueue
from voxpop.kit.settings import get_settings
from voxpop.web.deps import Reader, SessionDep, Writer

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])


def save_upload(upload: UploadFile) -> Path:
    """Copy the upload to the data directory (durable before we answer), streaming, never whole in memory."""
    folder = get_settings().uploads_dir
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(upload.filename or "").suffix.lower()[:10]
    path = folder / f"{new_id()}{suffix}"
    with path.open("wb") as target:
        shutil.copyfileobj(upload.file, target, length=1 << 20)
    return path


def start_import(
    session: SessionDep, caller: Principal, upload: UploadFile, kind: str, mapping_text: str | None
) -> ImportOut:
    workspace_id = caller.workspace_id
    mapping = parse_mapping(kind, mapping_text)
    path = save_upload(upload)
    try:
        record = service.register(
            session, workspace_id, path, mapping, filename=upload.filename or path.name, resume=False
        )
    except Exception:
        path.unlink(missing_ok=True)
        raise
    enqueue(session, RUN_IMPORT, {"import_id": str(record.id)}, workspace_id=workspace_id)
    details = {"filename": record.filename, "kind": kind}
    audit.record(session, workspace_id, caller, "import.start", "import", record.id, details)
    session.commit()
    return service.describe(record)


@router.post("", status_code=202)
def create_import(
    session: SessionDep,
    caller: Writer,
    file: Annotated[UploadFile, File(description="CSV, JSON (an array of objects) or JSON Lines")],
    kind: Annotated[str, Form()] = "feedback",
    mapping: Annotated[str | None, Form(description="a mapping as JSON (see docs/importing.md)")] = None,
) -> ImportOut:
    """Accept a file; it is imported in the background. Poll the import for its progress and report."""
    return start_import(session, caller, file, kind, mapping)


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
    offset: int = Query(0, ge=0),
) -> list[RejectionOut]:
    """Each rejected row: its number (records counted from 1, headers excluded), the field, and why."""
    return service.rejections(session, caller.workspace_id, import_id, limit, offset)
