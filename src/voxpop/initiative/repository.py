"""Every query of the initiative domain; each one takes the workspace."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from voxpop.initiative.models import Initiative


def add(session: Session, initiative: Initiative) -> None:
    session.add(initiative)
    session.flush()


def delete(session: Session, initiative: Initiative) -> None:
    session.delete(initiative)
    session.flush()


def initiative(session: Session, workspace_id: uuid.UUID, initiative_id: uuid.UUID) -> Initiative | None:
    return session.scalars(
        select(Initiative).where(Initiative.workspace_id == workspace_id, Initiative.id == initiative_id)
    ).first()


def initiatives(session: Session, workspace_id: uuid.UUID, status: str | None) -> list[Initiative]:
    query = select(Initiative).where(Initiative.workspace_id == workspace_id)
    if status is not None:
        query = query.where(Initiative.status == status)
    return list(session.scalars(query.order_by(Initiative.starts_on.desc(), Initiative.name)))
