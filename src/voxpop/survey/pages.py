"""Surveys: server-rendered pages. The list (a new survey starts as a draft, from a template or imported
JSON, and opens in the builder: `builder_pages`), a survey's links, QR code, funnel and status, the
workspace's contact rules. The respondent's pages are in `public`,
mounted first by the app."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from voxpop.auth.roles import Permission
from voxpop.kit.errors import DomainError, Invalid, problems_from_errors
from voxpop.survey import contact, funnel, service
from voxpop.survey.definition import definition_of
from voxpop.survey.models import LONGEST_DAYS, MOST_INVITATIONS
from voxpop.survey.schemas import ContactRulesIn, SurveyChange, SurveyIn
from voxpop.web.deps import SessionDep
from voxpop.web.pages import PageContext, PageDep, page_permission, problems_by_field, render

router = APIRouter(include_in_schema=False)
SurveyEditor = Annotated[PageContext, Depends(page_permission(Permission.WRITE_DATA, "change surveys"))]
ContactRulesAdmin = Annotated[
    PageContext, Depends(page_permission(Permission.MANAGE_WORKSPACE, "change the contact rules"))
]
CONTACT_RULES = "/surveys/contact-rules"

STARTERS: dict[str, dict[str, Any]] = {
    "nps": {
        "pages": [
            {
                "questions": [
                    {
                        "id": "nps",
                        "type": "nps",
                        "required": True,
                        "text": "How likely are you to recommend us to a friend or colleague?",
                    }
                ]
            }
        ]
    },
    "csat": {
        "pages": [
            {
                "questions": [
                    {"id": "csat", "type": "csat", "required": True, "text": "How satisfied are you with us?"}
                ]
            }
        ]
    },
    "blank": {
        "pages": [
            {"questions": [{"id": "comment", "type": "long_text", "text": "What would you like to tell us?"}]}
        ]
    },
}
"""What a survey made in the app starts with (before the builder changes it)."""


def _problems(error: ValidationError | DomainError) -> list[str]:
    if isinstance(error, DomainError):
        return [error.message] + [f"{p.field}: {p.reason}" if p.field else p.reason for p in error.problems]
    return [
        f"{p.field}: {p.reason}" if p.field else p.reason for p in problems_from_errors(list(error.errors()))
    ]


@router.get("/surveys")
def surveys_page(request: Request, session: SessionDep, page: PageDep) -> HTMLResponse:
    return _list(request, session, page, {"start": "nps"}, [])


def _list(
    request: Request, session: Session, page: PageContext, form: dict[str, Any], problems: list[str]
) -> HTMLResponse:
    surveys = service.list_of(session, page.principal.workspace_id)
    status = 422 if problems else 200
    return render(
        request, "survey/list.html", status, page=page, surveys=surveys, form=form, problems=problems
    )


@router.post("/surveys")
def create_survey(
    request: Request,
    session: SessionDep,
    page: SurveyEditor,
    name: Annotated[str, Form()] = "",
    slug: Annotated[str, Form()] = "",
    lifecycle_stage: Annotated[str, Form()] = "",
    touchpoint: Annotated[str, Form()] = "",
    start: Annotated[str, Form()] = "nps",
    definition: Annotated[str, Form()] = "",
) -> Response:
    """A new survey, as a draft (not answerable until published), opened in the builder: started from a
    template, or from a definition imported as JSON."""
    form = {"name": name, "slug": slug, "lifecycle_stage": lifecycle_stage, "touchpoint": touchpoint}
    try:
        given = _json(definition) if definition.strip() else STARTERS.get(start, STARTERS["nps"])
        data = SurveyIn.model_validate(
            {**{k: v or None for k, v in form.items()}, "status": "draft", "definition": given}
        )
        survey = service.create(session, page.principal.workspace_id, data)
    except (ValidationError, DomainError) as error:
        typed = {**form, "start": start, "definition": definition}
        return _list(request, session, page, typed, _problems(error))
    session.commit()
    return RedirectResponse(f"/surveys/{survey.id}/build", status_code=303)


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise Invalid(f"the definition is not valid JSON: {error.msg} at {where}") from None


@router.get(CONTACT_RULES)
def contact_rules_page(request: Request, session: SessionDep, page: PageDep) -> HTMLResponse:
    """Every member sees the workspace's contact rules; admins get a form to change them."""
    return _contact_rules(request, session, page, None, {})


def _contact_rules(
    request: Request,
    session: Session,
    page: PageContext,
    typed: dict[str, str] | None,
    errors: dict[str, list[str]],
) -> HTMLResponse:
    rules = contact.rules_of(session, page.principal.workspace_id)
    form = typed if typed is not None else {name: str(getattr(rules, name)) for name in contact.LIMITS}
    status = 422 if errors else 200
    return render(
        request,
        "survey/contact_rules.html",
        status,
        page=page,
        rules=rules,
        form=form,
        errors=errors,
        most_invitations=MOST_INVITATIONS,
        longest_days=LONGEST_DAYS,
    )


@router.post(CONTACT_RULES)
def set_contact_rules(
    request: Request,
    session: SessionDep,
    page: ContactRulesAdmin,
    max_invitations: Annotated[str, Form()] = "",
    period_days: Annotated[str, Form()] = "",
    quiet_days_after_answer: Annotated[str, Form()] = "",
) -> Response:
    """Saves the three numbers (audited, as through the API); a refusal shows each problem by its field."""
    typed = {
        "max_invitations": max_invitations,
        "period_days": period_days,
        "quiet_days_after_answer": quiet_days_after_answer,
    }
    try:
        contact.set_rules(session, page.principal, ContactRulesIn.model_validate(typed))
    except ValidationError as error:
        return _contact_rules(
            request, session, page, typed, problems_by_field(problems_from_errors(list(error.errors())))
        )
    session.commit()
    return RedirectResponse(CONTACT_RULES, status_code=303)


@router.get("/surveys/{survey_id}")
def survey_page(survey_id: uuid.UUID, request: Request, session: SessionDep, page: PageDep) -> HTMLResponse:
    return _detail(request, session, page, survey_id, [])


def _detail(
    request: Request, session: Session, page: PageContext, survey_id: uuid.UUID, problems: list[str]
) -> HTMLResponse:
    survey = service.get(session, page.principal.workspace_id, survey_id)
    version = service.current_version(session, survey)
    base = str(request.base_url).rstrip("/")
    return render(
        request,
        "survey/detail.html",
        422 if problems else 200,
        page=page,
        survey=survey,
        link=base + service.public_path(survey),
        qr=service.qr_svg(base + service.public_path(survey) + "?via=qr"),
        figures=funnel.funnel(session, survey, definition_of(version.id, version.definition)),
        versions=service.versions(session, page.principal.workspace_id, survey_id),
        problems=problems,
    )


@router.post("/surveys/{survey_id}")
def change_survey(
    survey_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    page: SurveyEditor,
    status: Annotated[str, Form()] = "",
) -> Response:
    """Sets the status (a draft's questions are changed in the builder, and published from there)."""
    try:
        change = SurveyChange.model_validate({"status": status or None})
        service.change(session, page.principal.workspace_id, survey_id, change)
    except (ValidationError, DomainError) as error:
        return _detail(request, session, page, survey_id, _problems(error))
    session.commit()
    return RedirectResponse(f"/surveys/{survey_id}", status_code=303)
