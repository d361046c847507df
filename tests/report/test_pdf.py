"""The overview dashboard downloads as a PDF drawn in pure Python, with the page's filters: the headline
figures with n, their intervals, the unreliable mark, and the trend's figures."""

from __future__ import annotations

import io

import httpx
from pypdf import PdfReader
from sqlalchemy.orm import Session

from tests.factories import make_tenant, make_user, sign_in
from tests.insight.test_records import seed


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_the_overview_pdf_holds_the_figures_of_the_current_filters(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    seed(http, tenant)
    sign_in(http, make_user(session, tenant.workspace_id, role="viewer"))
    reply = http.get("/reports/overview.pdf", params={"where": "channel=email"})
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/pdf"
    assert reply.content.startswith(b"%PDF-")
    text = pdf_text(reply.content)
    # email answers: NPS 10, 3, 2, 9 → 2 promoters, 2 detractors of 4 → NPS +0; CSAT 5, 2, 1, 4 → 50 %
    assert "Filters: channel = email" in text
    assert "4 records" in text and "+0" in text and "50 %" in text and "n = 4" in text
    assert "unreliable (n < 30)" in text
    assert "NPS by month" in text and "2025-09" in text and "2025-10" in text
    everything = pdf_text(http.get("/reports/overview.pdf").content)
    assert "Filters: none" in everything and "7 records" in everything and "n = 6" in everything


def test_the_overview_pdf_is_refused_to_strangers_and_bad_filters_get_an_error(
    http: httpx.Client, session: Session
) -> None:
    assert http.get("/reports/overview.pdf", follow_redirects=False).status_code == 303
    tenant = make_tenant(session)
    sign_in(http, make_user(session, tenant.workspace_id, role="viewer"))
    reply = http.get("/reports/overview.pdf", params={"where": "colour=red"})
    assert reply.status_code == 422 and "Unknown field" in reply.text
