"""Workspaces (tenants): create and find them. Every other domain scopes its queries by workspace id."""

from __future__ import annotations

import re
import uuid

from sqlalchemy.orm import Session

from voxpop.kit.errors import Conflict, Invalid, NotFound, Problem
from voxpop.workspace import repository
from voxpop.workspace.models import Workspace

NAME = re.compile(r"^[\w][\w .\-]{0,99}$")


def create(session: Session, name: str) -> Workspace:
    name = name.strip()
    if not NAME.match(name):
        raise Invalid(
            "invalid workspace name",
            [Problem("use 1–100 letters, digits, spaces, dots, dashes or underscores", field="name")],
        )
    if repository.by_name(session, name) is not None:
        raise Conflict(f"a workspace named {name!r} already exists")
    return repository.add(session, name)


def get_by_name(session: Session, name: str) -> Workspace:
    workspace = repository.by_name(session, name)
    if workspace is None:
        raise NotFound(f"workspace {name!r}")
    return workspace


def get(session: Session, workspace_id: uuid.UUID) -> Workspace:
    workspace = repository.by_id(session, workspace_id)
    if workspace is None:
        raise NotFound("workspace")
    return workspace


def get_many(session: Session, workspace_ids: list[uuid.UUID]) -> list[Workspace]:
    return repository.by_ids(session, workspace_ids)
