"""Invitations: an admin invites a person by email to join the workspace with a role; the emailed link
(`/invitations/<token>`) works once, until it expires, to set a password (or, for someone who already has an
account, to confirm it with their password). Only a SHA-256 of the token is stored, as for API keys."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from voxpop.auth import repository, service
from voxpop.auth.models import Invitation, User
from voxpop.kit import clock
from voxpop.kit.errors import DomainError, Invalid, NotFound, Problem
from voxpop.kit.validation import normalise_email

VALID_FOR = timedelta(days=7)


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(
    session: Session, workspace_id: uuid.UUID, email: str, role: str, invited_by: uuid.UUID | None
) -> NewInvitation:
    """A new invitation (an earlier open one to the same address is revoked: only the newest link works)."""
    try:
        address = normalise_email(email) or ""
    except ValueError as error:
        raise Invalid("invalid email", [Problem(str(error), field="email")]) from None
    role = service.checked_role(role)
    existing = repository.user_by_email(session, address)
    if existing is not None and repository.membership(session, existing.id, workspace_id) is not None:
        raise Invalid("already a member", [Problem("is already a member of this workspace", field="email")])
    now = clock.now()
    for earlier in repository.open_invitations(session, workspace_id, now):
        if earlier.email == address:
            earlier.revoked_at = now
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        workspace_id=workspace_id,
        email=address,
        role=role,
        token_hash=_digest(token),
        invited_by=invited_by,
        expires_at=now + VALID_FOR,
    )
    repository.add(session, invitation)
    return NewInvitation(invitation, token)


def open_invitations(session: Session, workspace_id: uuid.UUID) -> list[Invitation]:
    return repository.open_invitations(session, workspace_id, clock.now())


def revoke(session: Session, workspace_id: uuid.UUID, invitation_id: uuid.UUID) -> Invitation:
    invitation = repository.invitation(session, workspace_id, invitation_id)
    if invitation is None:
        raise NotFound("invitation")
    invitation.revoked_at = invitation.revoked_at or clock.now()
    return invitation


def by_token(session: Session, token: str) -> Invitation:
    """The invitation this link carries, if it can still be used; a 404 saying why not otherwise."""
    invitation = repository.invitation_by_hash(session, _digest(token))
    if invitation is None:
        raise _gone("this invitation link is not valid; check that the whole link was copied", 404)
    if invitation.accepted_at is not None:
        raise _gone("this invitation link has already been used; sign in instead")
    if invitation.revoked_at is not None:
        raise _gone("this invitation was withdrawn; ask an admin of the workspace for a new one")
    if invitation.expires_at <= clock.now():
        raise _gone(
            f"this invitation link expired on {invitation.expires_at:%Y-%m-%d %H:%M} UTC; ask for a new one"
        )
    return invitation


def _gone(message: str, status: int = 410) -> DomainError:
    return DomainError(message, code="gone" if status == 410 else "not_found", status=status)


def has_account(session: Session, invitation: Invitation) -> bool:
    return repository.user_by_email(session, invitation.email) is not None


def accept(session: Session, token: str, password: str, name: str, address: str) -> tuple[User, Invitation]:
    """Join the workspace: a new account with this password, or an existing one confirmed by its password
    (throttled as signing in is). The link is used up."""
    invitation = by_token(session, token)
    user = repository.user_by_email(session, invitation.email)
    if user is None:
        user = service.create_user(session, invitation.email, password, name.strip())
    else:
        user = service.sign_in(session, invitation.email, password, address)
    service.add_member(session, user, invitation.workspace_id, invitation.role)
    invitation.accepted_at = clock.now()
    return user, invitation
