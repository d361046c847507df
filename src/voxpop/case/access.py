"""Who may see and work which case, and how a caller is named in a case's history.

Admins (MANAGE_CASES) see and work every case of the workspace. Agents (WORK_CASES) see and work the cases
assigned to them or to one of their teams, and the cases whose notes mention them (a mention invites them
in); any other case answers 404, as if it did not exist. Analysts
and viewers read the recovery figures only: cases carry customers' personal details and private notes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from voxpop.audit.service import Actor
from voxpop.auth import service as auth_service
from voxpop.auth.roles import Permission, allows
from voxpop.auth.service import Principal
from voxpop.case import repository
from voxpop.case.repository import Scope
from voxpop.kit.errors import Forbidden


@dataclass(frozen=True)
class Caller:
    """Someone acting on cases: a person (through a page or a key tied to them), a key, a rule or a job."""

    workspace_id: uuid.UUID
    name: str
    user_id: uuid.UUID | None = None
    principal: Principal | None = None

    @property
    def manages(self) -> bool:
        return self.principal is None or allows(self.principal.role, Permission.MANAGE_CASES)

    def audit_actor(self) -> Actor | Principal:
        return self.principal or Actor("system", self.name)


def system(workspace_id: uuid.UUID, name: str) -> Caller:
    return Caller(workspace_id=workspace_id, name=name)


def caller_of(session: Session, principal: Principal) -> Caller:
    """The caller, if their role works cases at all (agents need a user: a page, or a key tied to one)."""
    if not allows(principal.role, Permission.WORK_CASES):
        raise Forbidden(
            f"the role {principal.role!r} may not work cases; the recovery figures are open to every role"
        )
    if principal.user_id is None and not allows(principal.role, Permission.MANAGE_CASES):
        raise Forbidden("an agent's API key must be tied to a user (voxpop apikey create --user EMAIL)")
    return Caller(principal.workspace_id, _name(session, principal), principal.user_id, principal)


def _name(session: Session, principal: Principal) -> str:
    user = auth_service.get_user(session, principal.user_id) if principal.user_id else None
    return user.email if user else f"API key {principal.api_key_id}"


def scope_of(session: Session, caller: Caller) -> Scope:
    if caller.manages:
        return Scope(caller.workspace_id, everything=True)
    assert caller.user_id is not None
    teams = repository.team_ids_of(session, caller.workspace_id, caller.user_id)
    return Scope(caller.workspace_id, everything=False, user_id=caller.user_id, team_ids=teams)


def require_manager(caller: Caller, what: str) -> None:
    if not caller.manages:
        raise Forbidden(f"only admins may {what}")
