"""The 0–10 scale on a phone keeps its order in a layout a thumb can use: one row where eleven points fit,
otherwise two clear rows (0–5, 6–10), with no sideways scrolling, at 320, 390 and 768 px."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Browser
from sqlalchemy.orm import Session

from tests.factories import make_tenant
from tests.survey.factories import create_survey

pytestmark = pytest.mark.browser
SMALLEST_TARGET_PX = 24  # WCAG 2.2 target size (minimum)


@pytest.mark.parametrize(("width", "rows"), [(320, 2), (390, 2), (768, 1)])
def test_the_nps_scale_keeps_its_order_in_at_most_two_rows(
    browser: Browser, server_url: str, http: httpx.Client, session: Session, width: int, rows: int
) -> None:
    survey = create_survey(http, make_tenant(session))
    context = browser.new_context(base_url=server_url, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(survey["path"])
    boxes = page.evaluate(
        "Array.from(document.querySelectorAll('.scale label')).map(l => {"
        " const r = l.getBoundingClientRect(); return [l.textContent.trim(), r.top, r.left, r.width, r.height]; })"
    )
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    context.close()
    in_reading_order = [label for label, *_ in sorted(boxes, key=lambda b: (round(b[1]), b[2]))]
    assert in_reading_order == [str(n) for n in range(11)]
    assert len({round(top) for _, top, *_ in boxes}) == rows
    assert min(w for *_, w, _ in boxes) >= SMALLEST_TARGET_PX
    assert min(h for *_, h in boxes) >= 44
    assert overflow == 0
