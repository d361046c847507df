"""Lists of records link each row to its record and to its customer, named as the reader's role allows (a
name, or a pseudonym; never a raw id), and a record from a survey page shows every answer, choices by label."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.case.factories import SignIn, customer, make_desk, record
from tests.survey.factories import Respondent, create_survey, question

pytestmark = pytest.mark.usefixtures("background_jobs_paused")
SHOWN_UUID = re.compile(r">[^<]*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}[^<]*<")


def customer_id_of(http: httpx.Client, headers: dict[str, str], feedback_id: str) -> str:
    return str(http.get(f"/api/v1/feedback/{feedback_id}", headers=headers).json()["customer_id"])


@pytest.mark.parametrize(
    ("role", "named"), [("admin", True), ("agent", True), ("analyst", False), ("viewer", False)]
)
def test_the_records_page_and_search_link_each_row_to_its_record_and_its_named_customer(
    http: httpx.Client, session: Session, browser_for: SignIn, role: str, named: bool
) -> None:
    desk = make_desk(session)
    feedback_id = record(
        http, desk.admin, customer=customer("Gil Listed"), text="The courier lost the parcel."
    )
    customer_id = customer_id_of(http, desk.admin.headers(), feedback_id)
    pseudonym = "C-" + customer_id.replace("-", "")[:8].upper()
    client = browser_for(desk.agent(role).email)
    for address in ("/records", "/search?q=courier+lost"):
        html = client.get(address).text
        assert f'href="/feedback/{feedback_id}"' in html, address
        link = re.search(rf'<a class="customer-link" href="/customers/{customer_id}">([^<]+)</a>', html)
        assert link is not None, address
        assert link.group(1) == ("Gil Listed" if named else f"Customer {pseudonym}")
        assert ("Gil Listed" in html) is named
        assert not SHOWN_UUID.search(html.split("<main")[1]), address


def test_a_survey_records_page_shows_every_answer_with_choices_by_their_labels(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk = make_desk(session)
    speed = [{"value": "fast", "label": "Quick enough"}, {"value": "slow", "label": "Far too slow"}]
    extras = [{"value": "gift", "label": "Gift wrap"}, {"value": "note", "label": "A handwritten note"}]
    definition = {
        "default_language": "en",
        "pages": [
            {
                "questions": [
                    question("nps", "nps", "How likely are you to recommend us?"),
                    question("speed", "single_choice", "How was the delivery?", choices=speed),
                    question("extras", "multiple_choice", "What would you add?", choices=extras),
                    question("why", "long_text", "Why?"),
                    question("skipped", "short_text", "Anything else?"),
                ]
            }
        ],
    }
    survey = create_survey(http, desk.admin, definition)
    respondent = Respondent(http)
    respondent.open(survey["path"])
    assert (
        respondent.answer({"nps": 4, "speed": "slow", "extras": ["gift", "note"], "why": "Late."}).status_code
        == 303
    )
    from voxpop.feedback.models import Feedback

    feedback_id = session.scalars(
        select(Feedback.id).where(Feedback.source == f"survey:{survey['slug']}")
    ).one()
    html = browser_for(desk.agent("analyst").email).get(f"/feedback/{feedback_id}").text
    answers = html.split('id="survey-answers"')[1].split("</dl>")[0]
    assert "How was the delivery?" in answers and 'data-question="speed">Far too slow<' in answers
    assert 'data-question="extras">Gift wrap; A handwritten note<' in answers
    assert 'data-question="nps">4<' in answers and 'data-question="why">Late.<' in answers
    assert "Anything else?" in answers and "not answered" in answers
    assert 'id="record-customer"><span class="sub">anonymous</span>' in html


def test_a_record_page_links_to_its_customer(
    http: httpx.Client, session: Session, browser_for: SignIn
) -> None:
    desk = make_desk(session)
    feedback_id = record(http, desk.admin, customer=customer("Hal Linked"))
    customer_id = customer_id_of(http, desk.admin.headers(), feedback_id)
    html = browser_for(desk.agent("agent").email).get(f"/feedback/{feedback_id}").text
    assert f'<a class="customer-link" href="/customers/{customer_id}">Hal Linked</a>' in html
