"""Improvement initiatives: the domain's operations. Nothing here commits; the route or command does."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from voxpop.audit import service as audit
from voxpop.auth import service as auth_service
from voxpop.auth.service import Principal
from voxpop.initiative import repository
from voxpop.initiative.models import Initiative
from voxpop.initiative.schemas import InitiativeChange, InitiativeIn, InitiativeOut, Targets
from voxpop.kit import clock
from voxpop.kit.errors import Invalid, NotFound, Problem
from voxpop.text import explore as text_explore


def get(session: Session, workspace_id: uuid.UUID, initiative_id: uuid.UUID) -> Initiative:
    found = repository.initiative(session, workspace_id, initiative_id)
    if found is None:
        raise NotFound(f"initiative {initiative_id}")
    return found


def list_of(session: Session, workspace_id: uuid.UUID, status: str | None = None) -> list[Initiative]:
    """Latest start first."""
    return repository.initiatives(session, workspace_id, status)


def create(session: Session, caller: Principal, data: InitiativeIn) -> Initiative:
    """A new initiative, and its entry in the audit log."""
    workspace_id = caller.workspace_id
    _check_period(data.starts_on, data.ends_on)
    initiative = Initiative(
        workspace_id=workspace_id,
        name=data.name,
        description=data.description,
        owner_id=_member(session, workspace_id, data.owner),
        status=data.status,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        targets=_checked_targets(session, workspace_id, data.targets),
    )
    repository.add(session, initiative)
    _audit(session, caller, "initiative.create", initiative, {"status": initiative.status})
    return initiative


def change(
    session: Session, caller: Principal, initiative_id: uuid.UUID, data: InitiativeChange
) -> Initiative:
    """Apply the fields given; the audit log names the fields that changed, if any did."""
    workspace_id = caller.workspace_id
    initiative = get(session, workspace_id, initiative_id)
    given = data.model_fields_set
    for name in ("name", "description", "owner", "status", "starts_on", "targets"):
        if name in given and getattr(data, name) is None:
            raise Invalid(f"{name} cannot be null", [Problem("must have a value", field=name)])
    starts_on = data.starts_on or initiative.starts_on
    ends_on = data.ends_on if "ends_on" in given else initiative.ends_on
    _check_period(starts_on, ends_on)
    values: dict[str, object] = {
        name: getattr(data, name)
        for name in ("name", "description", "status", "starts_on", "ends_on")
        if name in given
    }
    if "owner" in given:
        values["owner_id"] = _member(session, workspace_id, str(data.owner))
    if data.targets is not None:
        values["targets"] = _checked_targets(session, workspace_id, data.targets)
    changed = [name for name, value in values.items() if getattr(initiative, name) != value]
    for name in changed:
        setattr(initiative, name, values[name])
    if changed:
        initiative.updated_at = clock.now()
        fields = [name.removesuffix("_id") for name in changed]
        _audit(session, caller, "initiative.change", initiative, {"changed": fields})
    return initiative


def delete(session: Session, caller: Principal, initiative_id: uuid.UUID) -> None:
    initiative = get(session, caller.workspace_id, initiative_id)
    _audit(session, caller, "initiative.delete", initiative, {})
    repository.delete(session, initiative)


def _audit(
    session: Session, caller: Principal, action: str, initiative: Initiative, details: dict[str, Any]
) -> None:
    details = {"name": initiative.name, **details}
    audit.record(session, caller.workspace_id, caller, action, "initiative", initiative.id, details)


def describe(session: Session, initiatives: Sequence[Initiative]) -> list[InitiativeOut]:
    """The initiatives as the API shows them, with their owners' emails."""
    emails: dict[uuid.UUID, str] = {}
    for owner_id in {i.owner_id for i in initiatives if i.owner_id is not None}:
        user = auth_service.get_user(session, owner_id)
        if user is not None:
            emails[owner_id] = user.email
    return [
        InitiativeOut(
            id=i.id,
            name=i.name,
            description=i.description,
            owner=emails.get(i.owner_id) if i.owner_id else None,
            status=i.status,
            starts_on=i.starts_on,
            ends_on=i.ends_on,
            targets=targets_of(i),
            created_at=i.created_at,
            updated_at=i.updated_at,
        )
        for i in initiatives
    ]


def targets_of(initiative: Initiative) -> Targets:
    return Targets.model_validate(initiative.targets)


def _check_period(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise Invalid(
            "the initiative ends before it starts",
            [Problem(f"must not be before starts_on ({starts_on.isoformat()})", field="ends_on")],
        )


def _member(session: Session, workspace_id: uuid.UUID, email: str) -> uuid.UUID:
    """The user id of the workspace member with this email. The same answer whether the user does not
    exist or belongs to other workspaces only, so no one learns who uses other workspaces."""
    problem = [Problem(f"no member of this workspace has the email {email!r}", field="owner")]
    try:
        user = auth_service.user_by_email(session, email)
    except NotFound:
        raise Invalid("unknown owner", problem) from None
    if workspace_id not in {m.workspace_id for m in auth_service.memberships_of(session, user.id)}:
        raise Invalid("unknown owner", problem)
    return user.id


def _checked_targets(session: Session, workspace_id: uuid.UUID, targets: Targets) -> dict[str, object]:
    """The targets as stored, once every theme id is a top-level theme of the workspace."""
    if targets.themes:
        tree = text_explore.theme_tree(session, workspace_id)
        parents = {child.id: top.name for top in tree for child in top.children}
        tops = {top.id for top in tree}
        for index, theme_id in enumerate(targets.themes):
            if theme_id in tops:
                continue
            reason = (
                f"is a sub-theme of “{parents[theme_id]}”; target that theme"
                if theme_id in parents
                else "is not a theme of this workspace"
            )
            raise Invalid("unknown theme", [Problem(reason, field=f"targets.themes[{index}]")])
    return targets.model_dump(mode="json")
