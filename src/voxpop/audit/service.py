"""The audit log: who did what, to what, and when. Domains call `record` in the transaction of the action
itself, so an action and its audit entry are committed (or rolled back) together."""

from __future__ import annotations

import getpass
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from voxpop.audit import repository
from voxpop.audit.models import AuditEvent
from voxpop.auth import service as auth_service
from voxpop.auth.service import Principal


@dataclass(frozen=True)
class Actor:
    """Who acted: a user, an API key, or someone at the command line (`voxpop …`)."""

    type: str
    name: str
    id: uuid.UUID | None = None


def command_line() -> Actor:
    return Actor("cli", f"cli:{getpass.getuser()}")


def _actor_of(session: Session, principal: Principal) -> Actor:
    if principal.user_id is not None:
        user = auth_service.get_user(session, principal.user_id)
        return Actor("user", user.email if user else str(principal.user_id), principal.user_id)
    key = next(
        (k for k in auth_service.api_keys(session, principal.workspace_id) if k.id == principal.api_key_id),
        None,
    )
    return Actor(
        "api_key", f"API key {key.prefix}" if key else str(principal.api_key_id), principal.api_key_id
    )


def record(
    session: Session,
    workspace_id: uuid.UUID,
    actor: Actor | Principal,
    action: str,
    target_type: str,
    target_id: uuid.UUID | str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit entry, e.g. `record(session, ws, caller, "customer.erase", "customer", customer_id)`."""
    who = actor if isinstance(actor, Actor) else _actor_of(session, actor)
    return repository.add(
        session,
        AuditEvent(
            workspace_id=workspace_id,
            actor_type=who.type,
            actor_id=who.id,
            actor_name=who.name,
            action=action,
            target_type=target_type,
            target_id=None if target_id is None else str(target_id),
            details=details or {},
        ),
    )


def page(
    session: Session,
    workspace_id: uuid.UUID,
    *,
    action: str | None = None,
    actor: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[AuditEvent], int]:
    """Newest first; `actor` is the name shown in the log (an email, `API key vpk_…`, `cli:<user>`)."""
    return repository.page(session, workspace_id, action, actor, limit, offset)


def actions(session: Session, workspace_id: uuid.UUID) -> list[str]:
    return repository.actions(session, workspace_id)
