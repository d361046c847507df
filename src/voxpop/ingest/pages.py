"""The imports page: upload a file, watch it go in, read what was rejected and why."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from voxpop.auth.roles import Permission
from voxpop.ingest import service
from voxpop.kit.errors import DomainError
from voxpop.web.deps import SessionDep
from voxpop.web.pages import PageContext, PageDep, page_permission, render

router = APIRouter(include_in_schema=False)
Importer = Annotated[PageContext, Depends(page_permission(Permission.WRITE_DATA, "import data"))]


@router.get("/imports")
def imports_page(request: Request, session: SessionDep, page: PageDep) -> HTMLResponse:
    imports = service.recent(session, page.principal.workspace_id)
    return render(request, "ingest/imports.html", page=page, imports=imports, error=None)


@router.post("/imports")
def upload(
    request: Request,
    session: SessionDep,
    page: Importer,
    file: Annotated[UploadFile, File()],
    kind: Annotated[str, Form()] = "feedback",
) -> Response:
    try:
        service.start(session, page.principal, file.file, file.filename, kind, None)
        session.commit()
    except DomainError as error:
        imports = service.recent(session, page.principal.workspace_id)
        return render(request, "ingest/imports.html", 422, page=page, imports=imports, error=error.message)
    return RedirectResponse("/imports", status_code=303)


@router.get("/imports/{import_id}")
def import_page(import_id: uuid.UUID, request: Request, session: SessionDep, page: PageDep) -> HTMLResponse:
    record = service.describe(service.get(session, page.principal.workspace_id, import_id))
    rejections = service.rejections(session, page.principal.workspace_id, import_id, limit=200)
    return render(request, "ingest/import.html", page=page, record=record, rejections=rejections)
