"""Page permissions are dependencies (`web.pages.page_permission`): every form a signed-in page posts to is
refused without the session's CSRF token, whatever the role, so a new page cannot forget the check; a role
without the page's permission is told what it may not do."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from tests.factories import csrf_token_in, make_user, make_workspace, sign_in
from voxpop.app import PAGE_ROUTERS

SIGN_IN_PAGES = {"/login", "/logout", "/workspace"}  # auth's own pages check their token by hand


def page_forms() -> list[str]:
    """Every path a signed-in page posts its forms to, with a fresh id for each path parameter (the
    respondents' survey pages are API routers: anyone answers them, protected by their own form key)."""
    routes = [route for router in PAGE_ROUTERS for route in router.routes if isinstance(route, APIRoute)]
    paths = sorted(r.path for r in routes if "POST" in r.methods and r.path not in SIGN_IN_PAGES)
    return [re.sub(r"\{[^}]+\}", lambda _: str(uuid.uuid4()), path) for path in paths]


@contextmanager
def signed_in(server_url: str, email: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server_url, timeout=30) as client:
        sign_in(client, email)
        yield client


def test_every_page_form_is_refused_without_the_csrf_token_even_for_an_admin(
    session: Session, server_url: str
) -> None:
    forms = page_forms()
    assert len(forms) > 20  # the check below could not fail on an empty list
    with signed_in(server_url, make_user(session, make_workspace(session), "admin")) as admin:
        refused = {path: admin.post(path, data={}) for path in forms}
    wrong = {path: (r.status_code, r.text[:200]) for path, r in refused.items() if r.status_code != 403}
    assert wrong == {}
    assert all("the form has expired" in r.text.lower() for r in refused.values())


def test_a_role_without_the_pages_permission_is_told_what_it_may_not_do(
    session: Session, server_url: str
) -> None:
    workspace_id = make_workspace(session)
    with signed_in(server_url, make_user(session, workspace_id, "viewer")) as viewer:
        token = csrf_token_in(viewer.get("/rules").text)
        reply = viewer.post(f"/rules/{uuid.uuid4()}/switch", data={"csrf_token": token, "enabled": "on"})
        audit = viewer.get("/audit")
    assert reply.status_code == 403 and "your role (viewer) may not change rules" in reply.text.lower()
    assert (
        audit.status_code == 403
        and "only admins may open this page; your role is viewer" in audit.text.lower()
    )
