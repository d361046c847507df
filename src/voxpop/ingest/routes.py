"""Imports API: upload a file (CSV, JSON, JSON Lines), then follow its progress and its rejected rows."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from voxpop.auth.service import Principal
from voxpop.ingest import service
from voxpop.ingest.schemas import ImportOut, RejectionOut
from voxpop.kit.pagination import Offset
from voxpop.kit.settings import get_settings
from voxpop.web.deps import Reader, SessionDep, Writer
from voxpop.web.uploads import Upload, receive_upload

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])

UPLOAD_FORM: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "CSV, JSON (an array of objects) or JSON Lines, up to MAX_UPLOAD_BYTES",
                        },
                        "kind": {"type": "string", "enum": list(service.RECORD_KINDS), "default": "feedback"},
                        "mapping": {
                            "type": "string",
                            "description": "a mapping as JSON (see docs/importing.md)",
                        },
                    },
                }
            }
        },
    }
}


@router.post("", status_code=202, openapi_extra=UPLOAD_FORM)
async def create_import(request: Request, session: SessionDep, caller: Writer) -> ImportOut:
    """Accept a file; it is imported in the background. Poll the import for its progress and report.

    The caller's key and role are checked before a byte of the file is read; the file is then streamed to
    disk and refused (413) as soon as it passes MAX_UPLOAD_BYTES."""
    await run_in_threadpool(session.commit)  # hold no database transaction while the file arrives
    settings = get_settings()
    upload = await receive_upload(request, settings.uploads_dir, settings.max_upload_bytes)
    return await run_in_threadpool(_start, session, caller, upload)


def _start(session: Session, caller: Principal, upload: Upload) -> ImportOut:
    try:
        kind, mapping = upload.fields.get("kind", "feedback"), upload.fields.get("mapping")
        record = service.start(session, caller, upload.path, upload.filename, kind, mapping)
        session.commit()
    except BaseException:
        upload.discard()
        raise
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
