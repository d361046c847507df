"""Every query of the workspace domain."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from voxpop.workspace.models import Workspace


def by_name(session: Session, name: str) -> Workspace | None:
    return session.scalars(select(Workspace).where(Workspace.name == name)).first()


def by_id(session: Session, workspace_id: uuid.UUID) -> Workspace | None:
    return session.get(Workspace, workspace_id)


def by_ids(session: Session, workspace_ids: list[uuid.UUID]) -> list[Workspace]:
    return list(
        session.scalars(select(Workspace).where(Workspace.id.in_(workspace_ids)).order_by(Workspace.name))
    )


def add(session: Session, name: str) -> Workspace:
    workspace = Workspace(name=name)
    session.add(workspace)
    session.flush()
    return workspace
