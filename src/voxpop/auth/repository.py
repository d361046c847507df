"""Every query of the auth domain."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from voxpop.auth.models import ApiKey, Invitation, Membership, SignInFailures, User
from voxpop.kit.db import is_postgres


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email)).first()


def user_by_id(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def add(session: Session, row: User | Membership | ApiKey | Invitation) -> None:
    session.add(row)
    session.flush()


def delete_membership(session: Session, row: Membership) -> None:
    session.delete(row)
    session.flush()


def membership(session: Session, user_id: uuid.UUID, workspace_id: uuid.UUID) -> Membership | None:
    return session.get(Membership, (user_id, workspace_id))


def memberships_of(session: Session, user_id: uuid.UUID) -> list[Membership]:
    return list(session.scalars(select(Membership).where(Membership.user_id == user_id)))


def members_of(session: Session, workspace_id: uuid.UUID) -> list[tuple[User, str]]:
    rows = session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.workspace_id == workspace_id)
        .order_by(User.email)
    )
    return [(user, role) for user, role in rows]


def key_by_prefix(session: Session, prefix: str) -> ApiKey | None:
    return session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).first()


def key_by_id(session: Session, key_id: uuid.UUID) -> ApiKey | None:
    return session.get(ApiKey, key_id)


def key_in_workspace(session: Session, workspace_id: uuid.UUID, prefix: str) -> ApiKey | None:
    return session.scalars(
        select(ApiKey).where(ApiKey.workspace_id == workspace_id, ApiKey.prefix == prefix)
    ).first()


def keys_of(session: Session, workspace_id: uuid.UUID) -> list[ApiKey]:
    return list(
        session.scalars(select(ApiKey).where(ApiKey.workspace_id == workspace_id).order_by(ApiKey.created_at))
    )


def touch_key(session: Session, key_id: uuid.UUID, when: datetime) -> None:
    session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=when))


def sign_in_failures(session: Session, keys: list[str]) -> list[SignInFailures]:
    return list(session.scalars(select(SignInFailures).where(SignInFailures.key.in_(keys))))


def sign_in_failures_to_update(session: Session, key: str, now: datetime) -> SignInFailures:
    """The key's row, created if missing and locked until commit (two wrong passwords at once both count)."""
    dialect = postgresql if is_postgres(session) else sqlite
    session.execute(
        dialect.insert(SignInFailures)
        .values(key=key, failures=0, last_failure_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    return session.scalars(
        select(SignInFailures)
        .where(SignInFailures.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def forget_sign_in_failures(session: Session, key: str) -> None:
    session.execute(delete(SignInFailures).where(SignInFailures.key == key))


def invitation_by_hash(session: Session, token_hash: str) -> Invitation | None:
    return session.scalars(select(Invitation).where(Invitation.token_hash == token_hash)).first()


def invitation(session: Session, workspace_id: uuid.UUID, invitation_id: uuid.UUID) -> Invitation | None:
    return session.scalars(
        select(Invitation).where(Invitation.workspace_id == workspace_id, Invitation.id == invitation_id)
    ).first()


def open_invitations(session: Session, workspace_id: uuid.UUID, now: datetime) -> list[Invitation]:
    """Not yet accepted, revoked or expired; newest first."""
    return list(
        session.scalars(
            select(Invitation)
            .where(Invitation.workspace_id == workspace_id, Invitation.expires_at > now)
            .where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
            .order_by(Invitation.created_at.desc())
        )
    )
