"""The rule API: rules are read by everyone and written by analysts and admins (MANAGE_RULES); every change
goes to the audit log. A dry run changes nothing, so reading is enough for it."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from voxpop.audit import service as audit
from voxpop.auth.service import Principal
from voxpop.kit.pagination import Offset
from voxpop.rule import service
from voxpop.rule.models import Rule
from voxpop.rule.schemas import DryRunOut, MatchOut, RuleIn, RuleOut, TagOut
from voxpop.web.deps import Reader, RuleManager, SessionDep

router = APIRouter(prefix="/api/v1", tags=["rule"])
Days = Annotated[int, Query(ge=1, le=365, description="how many days to look back")]


def _audited(session: Session, caller: Principal, action: str, rule: Rule) -> RuleOut:
    details = {"name": rule.name, "enabled": rule.enabled}
    audit.record(session, caller.workspace_id, caller, action, "rule", rule.id, details)
    out = RuleOut.model_validate(rule)
    session.commit()
    return out


@router.post("/rules", status_code=201)
def create_rule(body: RuleIn, session: SessionDep, caller: RuleManager) -> RuleOut:
    """Add a rule. It acts on records (or insights) that arrive from when it is enabled on."""
    return _audited(session, caller, "rule.create", service.create(session, caller.workspace_id, body))


@router.get("/rules")
def list_rules(session: SessionDep, caller: Reader) -> list[RuleOut]:
    return [RuleOut.model_validate(rule) for rule, _ in service.list_of(session, caller.workspace_id)]


@router.post("/rules/dry-run")
def dry_run(body: RuleIn, session: SessionDep, caller: Reader, days: Days = 30) -> DryRunOut:
    """What an unsaved rule would have matched in the last `days` days, with a few examples."""
    return service.dry_run(session, caller.workspace_id, body, days)


@router.get("/rules/{rule_id}")
def get_rule(rule_id: uuid.UUID, session: SessionDep, caller: Reader) -> RuleOut:
    return RuleOut.model_validate(service.get(session, caller.workspace_id, rule_id))


@router.put("/rules/{rule_id}")
def change_rule(rule_id: uuid.UUID, body: RuleIn, session: SessionDep, caller: RuleManager) -> RuleOut:
    """Replace the rule's definition; its past matches stay."""
    return _audited(
        session, caller, "rule.change", service.change(session, caller.workspace_id, rule_id, body)
    )


@router.delete("/rules/{rule_id}", status_code=204)
def delete_rule(rule_id: uuid.UUID, session: SessionDep, caller: RuleManager) -> Response:
    """Delete the rule and its match log; tags it put on records stay."""
    rule = service.delete(session, caller.workspace_id, rule_id)
    audit.record(session, caller.workspace_id, caller, "rule.delete", "rule", rule_id, {"name": rule.name})
    session.commit()
    return Response(status_code=204)


@router.post("/rules/{rule_id}/enable")
def enable_rule(rule_id: uuid.UUID, session: SessionDep, caller: RuleManager) -> RuleOut:
    rule = service.set_enabled(session, caller.workspace_id, rule_id, True)
    return _audited(session, caller, "rule.enable", rule)


@router.post("/rules/{rule_id}/disable")
def disable_rule(rule_id: uuid.UUID, session: SessionDep, caller: RuleManager) -> RuleOut:
    rule = service.set_enabled(session, caller.workspace_id, rule_id, False)
    return _audited(session, caller, "rule.disable", rule)


@router.post("/rules/{rule_id}/dry-run")
def dry_run_saved(rule_id: uuid.UUID, session: SessionDep, caller: Reader, days: Days = 30) -> DryRunOut:
    rule = service.get(session, caller.workspace_id, rule_id)
    return service.dry_run(session, caller.workspace_id, service.as_input(rule), days)


@router.get("/rules/{rule_id}/matches")
def rule_matches(
    rule_id: uuid.UUID,
    session: SessionDep,
    caller: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> list[MatchOut]:
    """The rule's matches, newest first: what matched, when, and the tags the rule put on the record."""
    return service.matches(session, caller.workspace_id, rule_id, limit, offset)


@router.get("/feedback/{feedback_id}/tags")
def record_tags(feedback_id: uuid.UUID, session: SessionDep, caller: Reader) -> list[TagOut]:
    """The tags rules put on a feedback record, oldest first."""
    return service.tags_of(session, caller.workspace_id, feedback_id)
