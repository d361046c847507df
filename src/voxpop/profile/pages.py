"""The customer page (`/customers/{id}`): who the customer is (as the reader's role may see them), their
latest scores, how their sentiment moved, the themes they raised, their cases, the surveys they were sent and
answered, and their whole timeline across channels, a keyset page at a time, filtered by channel and kind.

Every role may open it: analysts and viewers see the pseudonym and attributes, never names or identities
(docs/security.md); cases show only to those who work them, and only the cases they may open."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from voxpop.auth.roles import Permission
from voxpop.case import service as case_service
from voxpop.case import timeline
from voxpop.case.access import Caller, caller_of
from voxpop.case.customer_header import header_of
from voxpop.profile import sparkline
from voxpop.survey import service as survey_service
from voxpop.text import explore
from voxpop.web.deps import SessionDep
from voxpop.web.pages import PageContext, PageDep, render

router = APIRouter(include_in_schema=False)
Filter = Annotated[str | None, Query(max_length=100)]


def case_caller(session: Session, page: PageContext) -> Caller | None:
    """The reader as a case worker, or None for roles that do not work cases."""
    return caller_of(session, page.principal) if page.can(Permission.WORK_CASES) else None


@router.get("/customers/{customer_id}")
def customer_page(
    customer_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    page: PageDep,
    channel: Filter = None,
    kind: Filter = None,
    before: Filter = None,
) -> HTMLResponse:
    workspace_id = page.principal.workspace_id
    header = header_of(session, workspace_id, customer_id, page.principal.role)
    caller = case_caller(session, page)
    query = timeline.TimelineQuery(channel=channel or None, kind=kind or None, before=before or None)
    sentiment = explore.customer_sentiment(session, workspace_id, customer_id)
    entries = timeline.page_of_customer(session, workspace_id, customer_id, query, caller)
    records = sum(n for kind, n in entries.kinds if kind != timeline.EVENTS)
    return render(
        request,
        "profile/customer.html",
        page=page,
        customer=header,
        timeline=entries,
        newest_only=explore.CUSTOMER_RECENT if records > explore.CUSTOMER_RECENT else None,
        sentiment=sentiment,
        trend=sparkline.of(sentiment),
        themes=explore.customer_themes(session, workspace_id, customer_id),
        cases=case_service.of_customer(session, caller, customer_id) if caller else None,
        surveys=survey_service.of_customer(session, workspace_id, customer_id),
    )
