"""The imports page: upload a file, watch it go in, read what was rejected and why."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from voxpop.auth.roles import Permission
from voxpop.ingest import service
from voxpop.kit.errors import DomainError
from voxpop.kit.settings import get_settings
from voxpop.web.deps import SessionDep
from voxpop.web.pages import PageContext, PageDep, check_csrf, render, upload_permission
from voxpop.web.uploads import Upload, receive_upload

router = APIRouter(include_in_schema=False)
Importer = Annotated[PageContext, Depends(upload_permission(Permission.WRITE_DATA, "import data"))]


@router.get("/imports")
def imports_page(request: Request, session: SessionDep, page: PageDep) -> HTMLResponse:
    imports = service.recent(session, page.principal.workspace_id)
    return render(request, "ingest/imports.html", page=page, imports=imports, error=None)


@router.post("/imports")
async def upload(request: Request, session: SessionDep, page: Importer) -> Response:
    """The member and their role are checked before the body is read, the CSRF token (sent before the file)
    before any of the file is kept; the file is then streamed to disk up to MAX_UPLOAD_BYTES."""
    await run_in_threadpool(session.commit)  # hold no database transaction while the file arrives
    settings = get_settings()
    try:
        received = await receive_upload(
            request,
            settings.uploads_dir,
            settings.max_upload_bytes,
            before_file=lambda fields: check_csrf(request, fields.get("csrf_token")),
        )
        await run_in_threadpool(_start, session, page, received)
    except DomainError as error:
        return await run_in_threadpool(_refused, request, session, page, error)
    return RedirectResponse("/imports", status_code=303)


def _start(session: Session, page: PageContext, received: Upload) -> None:
    try:
        kind = received.fields.get("kind", "feedback")
        service.start(session, page.principal, received.path, received.filename, kind, None)
        session.commit()
    except BaseException:
        received.discard()
        raise


def _refused(request: Request, session: Session, page: PageContext, error: DomainError) -> HTMLResponse:
    session.rollback()
    imports = service.recent(session, page.principal.workspace_id)
    return render(
        request, "ingest/imports.html", error.status, page=page, imports=imports, error=error.message
    )


@router.get("/imports/{import_id}")
def import_page(import_id: uuid.UUID, request: Request, session: SessionDep, page: PageDep) -> HTMLResponse:
    record = service.describe(service.get(session, page.principal.workspace_id, import_id))
    rejections = service.rejections(session, page.principal.workspace_id, import_id, limit=200)
    return render(request, "ingest/import.html", page=page, record=record, rejections=rejections)
