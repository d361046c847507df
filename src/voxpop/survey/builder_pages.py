"""The visual builder: a survey's draft edited by plain forms (post, then redirect; JavaScript only makes it
smoother), each change checked with the one definition model and refused beside the control that made it;
the JSON as an advanced view of the same draft; preview as a respondent; publishing."""

from __future__ import annotations

import json
import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from voxpop.auth.roles import Permission
from voxpop.kit.errors import problems_from_errors
from voxpop.survey import editing, preview, service, views
from voxpop.survey.definition import Definition
from voxpop.survey.editing import Form, Raw, Refused
from voxpop.survey.models import Survey
from voxpop.survey.views import LANGUAGE_NAMES
from voxpop.web.deps import SessionDep
from voxpop.web.pages import PageContext, csrf_token, page_permission, render, templates

router = APIRouter(include_in_schema=False)
SurveyEditor = Annotated[PageContext, Depends(page_permission(Permission.WRITE_DATA, "change surveys"))]
Member = Annotated[PageContext, Depends(page_permission(Permission.READ, "open this page"))]
PLAIN = {
    "String should match pattern '^[a-z][a-z0-9_]{0,39}$'": (
        "use lower-case letters, digits and _ only, starting with a letter (at most 40)"
    ),
    "List should have at least 1 item after validation, not 0": "needs at least one",
}
FIELD_LABELS = {
    "text": "Question",
    "help": "Help text",
    "id": "Reference name",
    "scale": "Scale",
    "choices": "Choices",
    "items": "Items",
    "low_label": "Label of the lowest point",
    "high_label": "Label of the highest point",
    "show_if": "Who sees it",
}
PREVIEW_SIZES = {"phone": (390, 740), "desktop": (1024, 740)}
MAX_IMPORT_BYTES = 512 * 1024


async def form_of(request: Request) -> dict[str, list[str]]:
    """The posted form as name → values (the permission check has read it already; Starlette keeps it)."""
    form = await request.form()
    out: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            value = (await value.read(MAX_IMPORT_BYTES + 1)).decode("utf-8", errors="replace")
        out.setdefault(name, []).append(value)
    return out


FormDep = Annotated[dict[str, list[str]], Depends(form_of)]


def _path(survey_id: uuid.UUID, suffix: str = "") -> str:
    return f"/surveys/{survey_id}/build{suffix}"


@router.get("/surveys/{survey_id}/build")
def builder_page(
    survey_id: uuid.UUID, request: Request, session: SessionDep, page: SurveyEditor
) -> HTMLResponse:
    survey = service.get(session, page.principal.workspace_id, survey_id)
    raw = service.draft_of(session, survey)
    return _builder(request, session, page, survey, raw, {}, request.query_params.get("edit"))


def _builder(
    request: Request,
    session: Session,
    page: PageContext,
    survey: Survey,
    raw: Raw,
    errors: dict[str, list[str]],
    editing_id: str | None,
) -> HTMLResponse:
    default = raw.get("default_language", "en")
    language = request.query_params.get("lang") or default
    return render(
        request,
        "survey/builder.html",
        422 if errors else 200,
        page=page,
        survey=survey,
        raw=raw,
        errors=errors,
        flagged={key.split(".")[0] for key in errors},
        editing=editing_id,
        language=language,
        default=default,
        ed=editing,
        types=editing.TYPE_LABELS,
        operators=editing.OPERATORS,
        published=request.query_params.get("published"),
        has_draft=survey.draft is not None,
        languages=_languages(raw, language),
        field_labels=FIELD_LABELS,
    )


def _languages(raw: Raw, adding: str | None = None) -> list[tuple[str, str, int]]:
    """(code, name, texts missing) of each language the survey has (and the one being added), the default
    first."""
    default = raw.get("default_language", "en")
    found = {default} | ({adding} if adding and re.fullmatch(r"[a-z]{2,3}", adding) else set())
    for text in editing.texts_of(raw):
        if isinstance(text, dict):
            found.update(text)
    ordered = [default, *sorted(found - {default})]
    return [(c, LANGUAGE_NAMES.get(c, c), editing.missing_translations(raw, c)) for c in ordered]


@router.post("/surveys/{survey_id}/build")
def change_draft(
    survey_id: uuid.UUID, request: Request, session: SessionDep, page: SurveyEditor, form: FormDep
) -> Response:
    """One change to the draft (the button's `op`); refused changes come back beside their control, 422."""
    survey = service.get(session, page.principal.workspace_id, survey_id)
    raw = service.draft_of(session, survey)
    op = _one(form, "op")
    anchor = _anchor(form)
    language = _one(form, "lang") or raw.get("default_language", "en")
    try:
        changed, anchor, keep_open = _apply(raw, op, form, anchor, language)
        definition = Definition.model_validate(changed)
    except Refused as refusal:
        return _builder(request, session, page, survey, raw, {anchor: [refusal.message]}, _open(op, form))
    except ValidationError as error:
        shown = _as_typed(raw, changed, op, form)
        errors = _placed(error, _anchor(form))
        return _builder(request, session, page, survey, shown, errors, _open(op, form))
    service.save_draft(session, survey, definition)
    session.commit()
    query = f"?edit={keep_open}" if keep_open else ""
    if language != raw.get("default_language", "en"):
        query += ("&" if query else "?") + f"lang={language}"
    return RedirectResponse(_path(survey_id, f"{query}#{anchor}"), status_code=303)


def _apply(raw: Raw, op: str, form: Form, anchor: str, language: str) -> tuple[Raw, str, str | None]:
    """The changed definition, where to look after the change, and the question to keep open."""
    qid = _one(form, "question")
    page_index = _int(form, "page")
    if op == "question_add":
        changed, made = editing.add_question(raw, page_index, _one(form, "type"))
        return changed, f"q-{made}", made
    if op == "page_add":
        changed, made = editing.add_page(raw, _one(form, "type"))
        return changed, f"q-{made}", made
    if op in ("question_up", "question_down"):
        return editing.move_question(raw, qid, -1 if op == "question_up" else 1), anchor, None
    if op == "question_place":
        return editing.place_question(raw, qid, page_index, _int(form, "position")), anchor, None
    if op == "question_duplicate":
        changed, made = editing.duplicate_question(raw, qid)
        return changed, f"q-{made}", made
    if op == "question_delete":
        return editing.delete_question(raw, qid), f"page-{editing.locate(raw, qid)[0]}", None
    if op == "question_save":
        changed, new_id = editing.save_question(raw, qid, form, language)
        return changed, f"q-{new_id}", None
    if op in ("page_up", "page_down"):
        step = -1 if op == "page_up" else 1
        return editing.move_page(raw, page_index, step), f"page-{page_index + step}", None
    if op == "page_duplicate":
        return editing.duplicate_page(raw, page_index), f"page-{page_index + 1}", None
    if op == "page_delete":
        return editing.delete_page(raw, page_index), f"page-{max(page_index - 1, 0)}", None
    scope = _one(form, "scope")
    if op == "condition_add":
        return editing.add_condition(raw, scope, _one(form, "on")), anchor, _open_of(scope)
    if op == "condition_save":
        return editing.save_condition(raw, scope, _int(form, "index"), form), anchor, _open_of(scope)
    if op == "condition_delete":
        return editing.delete_condition(raw, scope, _int(form, "index")), anchor, _open_of(scope)
    if op == "settings_save":
        return editing.save_settings(raw, form, language), "settings", None
    raise Refused("the form is damaged (reload the page)")


def _as_typed(raw: Raw, changed: Raw, op: str, form: Form) -> Raw:
    """What to show with a refused change: the form's values where a form was filled in (under the
    question's old id, so it can be sent again), the unchanged draft otherwise."""
    if op == "question_save":
        old = _one(form, "question")
        new = editing.question_id_after(changed, raw, old)
        return editing.renamed(changed, new, old) if new != old else changed
    return changed if op in ("condition_save", "settings_save") else raw


def _anchor(form: Form) -> str:
    if _one(form, "question"):
        return f"q-{_one(form, 'question')}"
    scope = _one(form, "scope")
    if scope.startswith("question:"):
        return f"q-{scope.partition(':')[2]}"
    if scope.startswith("page:"):
        return f"page-{scope.partition(':')[2]}"
    if _one(form, "page"):
        return f"page-{_one(form, 'page')}"
    return "settings"


def _open(op: str, form: Form) -> str | None:
    if op == "question_save":
        return _one(form, "question") or None
    return _open_of(_one(form, "scope"))


def _open_of(scope: str) -> str | None:
    return scope.partition(":")[2] if scope.startswith("question:") else None


def _placed(error: ValidationError, anchor: str) -> dict[str, list[str]]:
    """Each problem beside its control: a field of the edited question (`q-<id>.text`), else the control
    that made the change."""
    placed: dict[str, list[str]] = {}
    for problem in problems_from_errors(list(error.errors())):
        reason = PLAIN.get(problem.reason, problem.reason)
        field = problem.field or ""
        match = re.match(r"^pages\[\d+\]\.questions\[\d+\]\.(\w+)", field)
        key = f"{anchor}.{match.group(1)}" if match and anchor.startswith("q-") else anchor
        where = "" if match and anchor.startswith("q-") else _where(field)
        placed.setdefault(key, []).append(f"{where}{reason}")
    return placed


def _where(field: str) -> str:
    if not field:
        return ""
    page = re.match(r"^pages\[(\d+)\]", field)
    if page:
        return f"page {int(page.group(1)) + 1}{field[page.end() :]}: "
    return f"{field}: "


@router.post("/surveys/{survey_id}/publish")
def publish(survey_id: uuid.UUID, session: SessionDep, page: SurveyEditor) -> Response:
    survey = service.get(session, page.principal.workspace_id, survey_id)
    service.publish(session, survey)
    session.commit()
    return RedirectResponse(_path(survey_id, f"?published={survey.current_version}"), status_code=303)


@router.post("/surveys/{survey_id}/discard")
def discard(survey_id: uuid.UUID, session: SessionDep, page: SurveyEditor) -> Response:
    survey = service.get(session, page.principal.workspace_id, survey_id)
    service.discard_draft(session, survey)
    session.commit()
    return RedirectResponse(_path(survey_id), status_code=303)


@router.get("/surveys/{survey_id}/build/json")
def json_page(
    survey_id: uuid.UUID, request: Request, session: SessionDep, page: SurveyEditor
) -> HTMLResponse:
    survey = service.get(session, page.principal.workspace_id, survey_id)
    text = json.dumps(service.draft_of(session, survey), indent=2, ensure_ascii=False)
    return _json_page(request, page, survey, text, [])


def _json_page(
    request: Request, page: PageContext, survey: Survey, text: str, problems: list[str]
) -> HTMLResponse:
    return render(
        request,
        "survey/builder_json.html",
        422 if problems else 200,
        page=page,
        survey=survey,
        definition=text,
        problems=problems,
    )


@router.post("/surveys/{survey_id}/build/json")
def save_json(
    survey_id: uuid.UUID, request: Request, session: SessionDep, page: SurveyEditor, form: FormDep
) -> Response:
    """The whole draft from JSON typed in or a file imported; checked as a whole, every problem listed."""
    survey = service.get(session, page.principal.workspace_id, survey_id)
    text = _one(form, "file").strip() or _one(form, "definition")
    try:
        definition = Definition.model_validate(json.loads(text))
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        return _json_page(request, page, survey, text, [f"not valid JSON: {error.msg} at {where}"])
    except ValidationError as error:
        problems = [
            f"{p.field}: {p.reason}" if p.field else p.reason
            for p in problems_from_errors(list(error.errors()))
        ]
        return _json_page(request, page, survey, text, problems)
    service.save_draft(session, survey, definition)
    session.commit()
    return RedirectResponse(_path(survey_id), status_code=303)


@router.get("/surveys/{survey_id}/definition.json")
def export_json(survey_id: uuid.UUID, session: SessionDep, page: SurveyEditor) -> Response:
    survey = service.get(session, page.principal.workspace_id, survey_id)
    body = json.dumps(service.draft_of(session, survey), indent=2, ensure_ascii=False)
    disposition = f'attachment; filename="survey-{survey.slug}.json"'
    return Response(body, media_type="application/json", headers={"Content-Disposition": disposition})


@router.get("/surveys/{survey_id}/preview")
def preview_page(survey_id: uuid.UUID, request: Request, session: SessionDep, page: Member) -> HTMLResponse:
    """The draft as a respondent sees it, in a frame of phone or desktop size, in each of its languages."""
    survey = service.get(session, page.principal.workspace_id, survey_id)
    raw = service.draft_of(session, survey)
    size = request.query_params.get("size", "phone")
    size = size if size in PREVIEW_SIZES else "phone"
    languages = _languages(raw)
    language = request.query_params.get("lang") or languages[0][0]
    return render(
        request,
        "survey/preview.html",
        page=page,
        survey=survey,
        size=size,
        sizes=PREVIEW_SIZES,
        languages=languages,
        language=language,
        has_draft=survey.draft is not None,
    )


@router.get("/surveys/{survey_id}/preview/page")
def preview_first(survey_id: uuid.UUID, request: Request, session: SessionDep, page: Member) -> Response:
    survey, definition = _previewed(session, page, survey_id)
    language = request.query_params.get("lang") or definition.default_language
    return _preview_reply(request, survey, preview.first(survey, definition, language))


@router.post("/surveys/{survey_id}/preview/page")
def preview_next(
    survey_id: uuid.UUID, request: Request, session: SessionDep, page: Member, form: FormDep
) -> Response:
    survey, definition = _previewed(session, page, survey_id)
    shown = preview.answer(survey, definition, form)
    return _preview_reply(request, survey, shown, 422 if shown.problems else 200)


def _previewed(session: Session, page: PageContext, survey_id: uuid.UUID) -> tuple[Survey, Definition]:
    survey = service.get(session, page.principal.workspace_id, survey_id)
    return survey, Definition.model_validate(service.draft_of(session, survey))


def _preview_reply(request: Request, survey: Survey, shown: Any, status: int = 200) -> Response:
    again = f"/surveys/{survey.id}/preview/page?lang={shown.language}"
    headers = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
    if shown.page is None:
        context: dict[str, Any] = {
            "title": survey.name,
            "text": views.thanks_text(shown),
            "ui": views.ui_strings(shown.language),
            "language": shown.language,
            "preview_again": again,
        }
        return templates.TemplateResponse(request, "survey/thanks.html", context, headers=headers)
    context = {
        "view": preview.page_view(shown, csrf_token(request)),
        "action": f"/surveys/{survey.id}/preview/page",
        "language": shown.language,
        "preview_again": again,
    }
    return templates.TemplateResponse(
        request, "survey/page.html", context, status_code=status, headers=headers
    )


def _one(form: Form, name: str) -> str:
    values = form.get(name) or [""]
    return str(values[0])


def _int(form: Form, name: str) -> int:
    raw = _one(form, name)
    return int(raw) if raw.lstrip("-").isdigit() else -1
