"""No request carries a NUL character into the app: PostgreSQL can store one neither in text nor in JSON, and no
real text holds one. Query parameters, JSON bodies and plain form posts are checked before any route runs (an
app-wide dependency), so every door refuses it alike: a 422 naming each field, as JSON on the API and as a page
elsewhere. Survey pages check their own form (`survey.protection.read_form`), which they refuse by size first."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from fastapi import Request

from voxpop.kit.errors import Invalid, Problem, describe_location

NUL = "\x00"
REASON = "holds a NUL character (\\u0000): binary data is not text"
SURVEY_PAGES = "/s/"


async def refuse_nul_characters(request: Request) -> None:
    problems = [Problem(REASON, field=_shown(name)) for name in _query_names_with_nul(request)]
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        problems += [Problem(REASON, field=path) for path in _json_paths_with_nul(await request.body())]
    elif content_type.startswith("application/x-www-form-urlencoded") and not request.url.path.startswith(
        SURVEY_PAGES
    ):
        form = await request.form()  # parsed once: the route's own reading gets the same
        problems += [
            Problem(REASON, field=_shown(name))
            for name, value in form.multi_items()
            if NUL in name or (isinstance(value, str) and NUL in value)
        ]
    if problems:
        raise Invalid("the request holds a NUL character", problems)


def nul_problems_in_form(form: Mapping[str, list[str]]) -> list[Problem]:
    return [
        Problem(REASON, field=_shown(name))
        for name, values in form.items()
        if NUL in name or any(NUL in value for value in values)
    ]


def _query_names_with_nul(request: Request) -> list[str]:
    return [name for name, value in request.query_params.multi_items() if NUL in name or NUL in value]


def _json_paths_with_nul(body: bytes) -> list[str]:
    if b"\\u0000" not in body and b"\x00" not in body:
        return []
    try:
        data = json.loads(body)
    except ValueError:
        return []  # not JSON: the route's own parsing says so
    return [describe_location(tuple(path)) or "body" for path in _nul_paths(data, [])]


def _nul_paths(value: Any, path: list[int | str]) -> Iterator[list[int | str]]:
    if isinstance(value, str):
        if NUL in value:
            yield path
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, [*path, index])
    elif isinstance(value, dict):
        for key, item in value.items():
            if NUL in key:
                yield [*path, _shown(key)]
            else:
                yield from _nul_paths(item, [*path, key])


def _shown(name: str) -> str:
    return name.replace(NUL, "\\u0000")
