"""The rule pages: the list (on/off, matches in the last 30 days) and the editor, a plain form that works
without JavaScript. "Dry run" re-renders the form with what the rule would have matched; "Save" stores it."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from voxpop.audit import service as audit
from voxpop.auth.roles import Permission
from voxpop.kit.errors import Invalid, Problem
from voxpop.kit.validation import LIFECYCLE_STAGES
from voxpop.rule import actions, form, service
from voxpop.rule.schemas import DryRunOut, RuleIn
from voxpop.text.sentiment import LABELS
from voxpop.web.deps import SessionDep
from voxpop.web.pages import Member, PageContext, PageDep, page_permission, problems_by_field, render, require

router = APIRouter(include_in_schema=False)
MULTIPLE = ("sentiment_labels", "themes", "signals", "lifecycle_stages")
RECENT_MATCHES = 20
NEW_RULE: dict[str, Any] = {"subject": "feedback", "enabled": False, "days": "30"}
"""A new rule is saved off: it is switched on after its dry run, from its page or the list."""
CHANGE_RULES = "change rules"
RuleEditor = Annotated[PageContext, Depends(page_permission(Permission.MANAGE_RULES, CHANGE_RULES))]


@router.get("/rules")
def rules_page(request: Request, session: SessionDep, page: PageDep) -> HTMLResponse:
    return render(
        request, "rule/list.html", page=page, rules=service.list_of(session, page.principal.workspace_id)
    )


@router.post("/rules/{rule_id}/switch")
def switch_rule(
    rule_id: uuid.UUID,
    session: SessionDep,
    page: RuleEditor,
    enabled: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    rule = service.set_enabled(session, page.principal.workspace_id, rule_id, enabled == "on")
    action = "rule.enable" if rule.enabled else "rule.disable"
    audit.record(
        session, page.principal.workspace_id, page.principal, action, "rule", rule.id, {"name": rule.name}
    )
    session.commit()
    if back == "rule":  # switched from the rule's own page: say so there
        state = "on" if rule.enabled else "off"
        return RedirectResponse(f"/rules/{rule.id}?done=switched_{state}", status_code=303)
    return RedirectResponse("/rules", status_code=303)


@router.post("/rules/{rule_id}/delete")
def delete_rule(
    rule_id: uuid.UUID,
    session: SessionDep,
    page: RuleEditor,
) -> Response:
    rule = service.delete(session, page.principal.workspace_id, rule_id)
    audit.record(
        session,
        page.principal.workspace_id,
        page.principal,
        "rule.delete",
        "rule",
        rule_id,
        {"name": rule.name},
    )
    session.commit()
    return RedirectResponse("/rules", status_code=303)


@router.get("/rules/new")
def new_rule_page(request: Request, session: SessionDep, page: PageDep) -> HTMLResponse:
    return _editor(request, session, page, None, dict(NEW_RULE))


@router.post("/rules/new")
async def post_new_rule(request: Request, session: SessionDep, page: Member) -> Response:
    fields = await _fields(request)
    return await run_in_threadpool(_submit, request, session, page, None, fields)


@router.get("/rules/{rule_id}")
def rule_page(rule_id: uuid.UUID, request: Request, session: SessionDep, page: PageDep) -> HTMLResponse:
    rule = service.get(session, page.principal.workspace_id, rule_id)
    fields = {**form.from_rule(service.as_input(rule)), "days": "30"}
    return _editor(request, session, page, rule_id, fields, done=request.query_params.get("done", ""))


@router.post("/rules/{rule_id}")
async def post_rule(rule_id: uuid.UUID, request: Request, session: SessionDep, page: Member) -> Response:
    fields = await _fields(request)
    return await run_in_threadpool(_submit, request, session, page, rule_id, fields)


async def _fields(request: Request) -> dict[str, Any]:
    posted = await request.form()
    fields: dict[str, Any] = {k: str(v) for k, v in posted.items() if k not in MULTIPLE}
    fields.update({k: [str(v) for v in posted.getlist(k)] for k in MULTIPLE})
    return fields


def _submit(
    request: Request, session: Session, page: PageContext, rule_id: uuid.UUID | None, fields: dict[str, Any]
) -> Response:
    workspace_id = page.principal.workspace_id
    fields["enabled"] = rule_id is not None and service.get(session, workspace_id, rule_id).enabled
    data, problems = form.to_rule(fields)
    if data is not None:
        problems += _definition_problems(session, workspace_id, data)
    if data is None or problems:
        return _editor(request, session, page, rule_id, fields, problems=problems)
    try:
        if fields.get("intent") == "dry_run":
            result = service.dry_run(session, workspace_id, data, _days(fields.get("days", "30")))
            return _editor(request, session, page, rule_id, fields, result=result)
        require(page, Permission.MANAGE_RULES, CHANGE_RULES)
        saved = _save(session, page, rule_id, data)
    except Invalid as error:
        return _editor(
            request, session, page, rule_id, fields, problems=error.problems or [Problem(error.message)]
        )
    session.commit()
    return RedirectResponse(f"/rules/{saved}?done=saved", status_code=303)


def _definition_problems(session: Session, workspace_id: uuid.UUID, data: RuleIn) -> list[Problem]:
    try:
        service.define(session, workspace_id, data)
    except Invalid as error:
        steps = [step.model_dump() for step in data.actions]
        return [Problem(p.reason, form.field_of(p.field, steps)) for p in error.problems]
    return []


def _days(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= 365:
        raise Invalid("invalid period", [Problem("give a whole number of days from 1 to 365", "days")])
    return int(text)


def _save(session: Session, page: PageContext, rule_id: uuid.UUID | None, data: RuleIn) -> uuid.UUID:
    workspace_id = page.principal.workspace_id
    if rule_id is None:
        rule = service.create(session, workspace_id, data)
    else:
        rule = service.change(session, workspace_id, rule_id, data)
    action = "rule.create" if rule_id is None else "rule.change"
    audit.record(
        session,
        workspace_id,
        page.principal,
        action,
        "rule",
        rule.id,
        {"name": rule.name, "enabled": rule.enabled},
    )
    return rule.id


def _editor(
    request: Request,
    session: Session,
    page: PageContext,
    rule_id: uuid.UUID | None,
    fields: dict[str, Any],
    result: DryRunOut | None = None,
    problems: list[Problem] | None = None,
    done: str = "",
) -> HTMLResponse:
    workspace_id = page.principal.workspace_id
    errors = problems_by_field(problems or [])
    open_case = actions.get("open_case") if "open_case" in actions.names() else None
    choices = getattr(open_case, "choices", None)
    return render(
        request,
        "rule/editor.html",
        422 if problems else 200,
        page=page,
        rule_id=rule_id,
        form=fields,
        result=result,
        problems=problems or [],
        errors=errors,
        matches=service.matches(session, workspace_id, rule_id, RECENT_MATCHES) if rule_id else [],
        themes=service.theme_choices(session, workspace_id),
        signals=form.SIGNALS,
        sentiments=LABELS,
        stages=sorted(set(LIFECYCLE_STAGES.values())),
        other_actions=[name for name in actions.names() if name not in form.BUILTIN or name == "open_case"],
        test_help=form.TEST_HELP,
        open_case=choices(session, workspace_id) if choices else None,
        done=done,
    )
