"""How refusals look: JSON with a code, a message and the precise problems for the API; a page otherwise."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from voxpop.kit.db import UNAVAILABLE_ERRORS
from voxpop.kit.errors import DomainError, Problem, TooManyAttempts, clean_message, describe_location
from voxpop.kit.logs import summary
from voxpop.web.pages import templates

UNPARSEABLE_BODY = "There was an error parsing the body"
RETRY_AFTER_SECONDS = 5
log = logging.getLogger(__name__)


def error_body(code: str, message: str, problems: list[Problem] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if problems:
        body["problems"] = [p.as_dict() for p in problems]
    return {"error": body}


def _request_problems(errors: list[Any]) -> list[Problem]:
    problems = []
    for error in errors:
        loc = tuple(error.get("loc", ()))
        if loc and loc[0] in ("body", "query", "path", "header"):
            loc = loc[1:]
        row = loc[1] if len(loc) > 1 and loc[0] == "items" and isinstance(loc[1], int) else None
        reason = clean_message(str(error.get("msg", "invalid")))
        if error.get("type") == "json_invalid":
            reason = f"the body is not valid JSON: {error.get('ctx', {}).get('error', reason)}"
            loc = ()
        problems.append(Problem(reason=reason, field=describe_location(loc) if loc else None, row=row))
    return problems


def error_page(
    request: Request, status: int, message: str, problems: list[Problem] | None = None
) -> Response:
    """The error inside the layout, with each problem's field and reason under the message."""
    context = {"status": status, "message": message, "page": None, "problems": problems or []}
    return templates.TemplateResponse(request, "error.html", context, status_code=status)


def _database_unavailable(request: Request, error: Exception) -> Response:
    """503 with Retry-After, and one log line (not a traceback: an outage fails every request)."""
    log.warning("database unavailable: %s %s: %s", request.method, request.url.path, summary(error))
    message = "the database is not available just now; try again in a few seconds"
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.url.path.startswith("/api"):
        return JSONResponse(error_body("unavailable", message), status_code=503, headers=headers)
    page = error_page(request, 503, message)
    page.headers.update(headers)
    return page


def install(app: FastAPI) -> None:
    for kind in UNAVAILABLE_ERRORS:
        app.add_exception_handler(kind, _database_unavailable)

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, error: DomainError) -> Response:
        if request.url.path.startswith("/api"):
            reply: Response = JSONResponse(
                error_body(error.code, error.message, error.problems), status_code=error.status
            )
        elif error.status == 401:
            return RedirectResponse("/login", status_code=303)
        else:
            reply = error_page(request, error.status, error.message, error.problems)
        if isinstance(error, TooManyAttempts):
            reply.headers["Retry-After"] = str(error.retry_after)
        return reply

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, error: RequestValidationError) -> Response:
        problems = _request_problems(list(error.errors()))
        message = f"the request has {len(problems)} problem{'s' if len(problems) != 1 else ''}"
        if not request.url.path.startswith("/api"):
            return error_page(request, 422, message, problems)
        return JSONResponse(error_body("invalid", message, problems), status_code=422)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, error: HTTPException) -> Response:
        if not request.url.path.startswith("/api") and error.status_code in (404, 405):
            return error_page(request, error.status_code, "there is no such page")
        if error.status_code == 400 and error.detail == UNPARSEABLE_BODY:
            problem = Problem("the body is not valid JSON: it could not be read as UTF-8 text")
            return JSONResponse(
                error_body("invalid", "the request has 1 problem", [problem]), status_code=422
            )
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(error.status_code, "error")
        return JSONResponse(error_body(code, str(error.detail)), status_code=error.status_code)
