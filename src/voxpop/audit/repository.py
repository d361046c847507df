"""Every query of the audit log."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from voxpop.audit.models import AuditEvent


def add(session: Session, event: AuditEvent) -> AuditEvent:
    session.add(event)
    session.flush()
    return event


def _conditions(workspace_id: uuid.UUID, action: str | None, actor: str | None) -> list[ColumnElement[bool]]:
    conditions = [AuditEvent.workspace_id == workspace_id]
    if action:
        conditions.append(AuditEvent.action == action)
    if actor:
        conditions.append(AuditEvent.actor_name == actor)
    return conditions


def page(
    session: Session, workspace_id: uuid.UUID, action: str | None, actor: str | None, limit: int, offset: int
) -> tuple[list[AuditEvent], int]:
    """One page of events, newest first, and how many match in all."""
    conditions = _conditions(workspace_id, action, actor)
    rows = session.scalars(
        select(AuditEvent)
        .where(*conditions)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(limit)
        .offset(offset)
    )
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(*conditions))
    return list(rows), total or 0


def actions(session: Session, workspace_id: uuid.UUID) -> list[str]:
    return list(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.workspace_id == workspace_id)
            .distinct()
            .order_by(AuditEvent.action)
        )
    )
