"""Workspace administration: members and their roles, invitations by email, API keys. Each operation checks
what would leave the workspace without an admin, calls auth's service, and writes the audit entry in the same
transaction; nothing here commits.

A member removed from the workspace, or deactivated, is refused at their next request: pages read the
membership and the account on every request, and API keys acting for them are checked at every use."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from voxpop.audit import service as audit
from voxpop.auth import invitations
from voxpop.auth import service as auth_service
from voxpop.auth.models import ApiKey, Invitation, User
from voxpop.auth.roles import Role
from voxpop.auth.service import NewApiKey, Principal
from voxpop.delivery import service as delivery
from voxpop.kit.errors import Conflict, Invalid, NotFound, Problem
from voxpop.workspace import service as workspace_service


@dataclass(frozen=True)
class Member:
    user: User
    role: str
    other_workspaces: int
    """How many other workspaces the person belongs to (deactivating them would lock them out of those)."""


def members(session: Session, workspace_id: uuid.UUID) -> list[Member]:
    return [
        Member(user, role, len(auth_service.memberships_of(session, user.id)) - 1)
        for user, role in auth_service.members_of(session, workspace_id)
    ]


def _member(session: Session, workspace_id: uuid.UUID, user_id: uuid.UUID) -> Member:
    found = next((m for m in members(session, workspace_id) if m.user.id == user_id), None)
    if found is None:
        raise NotFound("member")
    return found


def _keep_an_admin(session: Session, workspace_id: uuid.UUID, leaving: uuid.UUID, what: str) -> None:
    admins = [
        m
        for m in members(session, workspace_id)
        if m.role == Role.ADMIN and m.user.is_active and m.user.id != leaving
    ]
    if not admins:
        raise Conflict(
            f"{what} would leave the workspace without an active admin; make someone else admin first"
        )


def change_role(session: Session, actor: Principal, user_id: uuid.UUID, role: str) -> Member:
    member = _member(session, actor.workspace_id, user_id)
    role = auth_service.checked_role(role)
    if role == member.role:
        return member
    if member.role == Role.ADMIN:
        _keep_an_admin(session, actor.workspace_id, user_id, "taking this role away")
    auth_service.set_role(session, user_id, actor.workspace_id, role)
    details = {"email": member.user.email, "from": member.role, "to": role}
    audit.record(session, actor.workspace_id, actor, "member.role_change", "user", user_id, details)
    return _member(session, actor.workspace_id, user_id)


def remove(session: Session, actor: Principal, user_id: uuid.UUID) -> User:
    member = _member(session, actor.workspace_id, user_id)
    _keep_an_admin(session, actor.workspace_id, user_id, "removing this member")
    auth_service.remove_member(session, member.user, actor.workspace_id)
    details = {"email": member.user.email, "role": member.role}
    audit.record(session, actor.workspace_id, actor, "member.remove", "user", user_id, details)
    return member.user


def deactivate(session: Session, actor: Principal, user_id: uuid.UUID) -> User:
    member = _member(session, actor.workspace_id, user_id)
    if member.other_workspaces:
        raise Conflict(
            f"{member.user.email} also belongs to other workspaces; remove them from this one instead"
        )
    _keep_an_admin(session, actor.workspace_id, user_id, "deactivating this member")
    auth_service.deactivate_user(session, member.user)
    audit.record(
        session, actor.workspace_id, actor, "member.deactivate", "user", user_id, {"email": member.user.email}
    )
    return member.user


def reactivate(session: Session, actor: Principal, user_id: uuid.UUID) -> User:
    member = _member(session, actor.workspace_id, user_id)
    auth_service.reactivate_user(session, member.user)
    audit.record(
        session, actor.workspace_id, actor, "member.reactivate", "user", user_id, {"email": member.user.email}
    )
    return member.user


def invite(session: Session, actor: Principal, email: str, role: str, base_url: str) -> Invitation:
    """Invite by email: the link to join goes out through the email queue once the caller commits."""
    made = invitations.invite(session, actor.workspace_id, email, role, actor.user_id)
    invitation = made.invitation
    workspace = workspace_service.get(session, actor.workspace_id)
    inviter = auth_service.get_user(session, actor.user_id) if actor.user_id else None
    link = f"{base_url}/invitations/{made.token}"
    text = (
        f"{inviter.email if inviter else 'An admin'} invites you to the voxpop workspace {workspace.name} "
        f"as {invitation.role}.\n\nChoose your password here (the link works once, until "
        f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC):\n{link}\n\n"
        "If you did not expect this, ignore this email.\n"
    )
    subject = f"You are invited to {workspace.name} on voxpop"
    delivery.queue_email(session, actor.workspace_id, to=invitation.email, subject=subject, text=text)
    details = {
        "email": invitation.email,
        "role": invitation.role,
        "expires_at": invitation.expires_at.isoformat(),
    }
    audit.record(session, actor.workspace_id, actor, "member.invite", "invitation", invitation.id, details)
    return invitation


def open_invitations(session: Session, workspace_id: uuid.UUID) -> list[Invitation]:
    return invitations.open_invitations(session, workspace_id)


def withdraw(session: Session, actor: Principal, invitation_id: uuid.UUID) -> Invitation:
    invitation = invitations.revoke(session, actor.workspace_id, invitation_id)
    details = {"email": invitation.email}
    audit.record(
        session, actor.workspace_id, actor, "member.invite_withdraw", "invitation", invitation.id, details
    )
    return invitation


def accept(session: Session, token: str, password: str, name: str, address: str) -> User:
    user, invitation = invitations.accept(session, token, password, name, address)
    actor = audit.Actor("user", user.email, user.id)
    details = {"email": user.email, "role": invitation.role}
    audit.record(session, invitation.workspace_id, actor, "member.join", "user", user.id, details)
    return user


def api_keys(session: Session, workspace_id: uuid.UUID) -> list[ApiKey]:
    return sorted(auth_service.api_keys(session, workspace_id), key=lambda k: k.created_at, reverse=True)


def create_key(
    session: Session,
    actor: Principal,
    name: str,
    role: str,
    expires_in_days: int | None,
    acts_for: uuid.UUID | None,
) -> NewApiKey:
    if not name.strip():
        raise Invalid("no name", [Problem("say what the key is for, e.g. 'CRM import'", "name")])
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise Invalid("bad expiry", [Problem("between 1 and 3,650 days", "expires_in_days")])
    created = auth_service.create_api_key(
        session, actor.workspace_id, role, name.strip(), expires_in_days, acts_for
    )
    key = created.key
    details = {
        "prefix": key.prefix,
        "role": key.role,
        "name": key.name,
        "user_id": str(acts_for) if acts_for else None,
        "expires_at": key.expires_at.isoformat() if key.expires_at else None,
    }
    audit.record(session, actor.workspace_id, actor, "api_key.create", "api_key", key.id, details)
    return created


def revoke_key(session: Session, actor: Principal, prefix: str) -> ApiKey:
    key = auth_service.revoke_api_key(session, actor.workspace_id, prefix)
    audit.record(session, actor.workspace_id, actor, "api_key.revoke", "api_key", key.id, {"prefix": prefix})
    return key


def key_state(key: ApiKey, now: datetime) -> str:
    if key.revoked_at is not None:
        return "revoked"
    if key.expires_at is not None and key.expires_at <= now:
        return "expired"
    return "active"
