"""Survey test data: definitions as the API takes them, and a respondent who fills the pages in over plain
HTTP (as a browser without JavaScript does)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.factories import Tenant, post, unique

HIDDEN_INPUT = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
FORM_ACTION = re.compile(r'<form method="post" action="([^"]+)"')


def question(qid: str, qtype: str, text: Any = None, **extra: Any) -> dict[str, Any]:
    return {"id": qid, "type": qtype, "text": text or f"Question {qid}?", **extra}


def nps_definition(**overrides: Any) -> dict[str, Any]:
    """Two pages: a required NPS, then 'what should we improve?' for 0–6 and 'what did you like?' for 7–10."""
    definition: dict[str, Any] = {
        "default_language": "en",
        "pages": [
            {"questions": [question("nps", "nps", "How likely are you to recommend us?", required=True)]},
            {
                "questions": [
                    question(
                        "improve",
                        "long_text",
                        "You gave {answer.nps}. What should we improve?",
                        show_if=[{"question": "nps", "op": "lte", "value": 6}],
                    ),
                    question(
                        "liked",
                        "long_text",
                        "What did you like?",
                        show_if=[{"question": "nps", "op": "gte", "value": 7}],
                    ),
                ]
            },
        ],
    }
    definition.update(overrides)
    return definition


def create_survey(
    http: httpx.Client, tenant: Tenant, definition: dict[str, Any] | None = None, **fields: Any
) -> dict[str, Any]:
    body = {
        "name": "Delivery survey",
        "slug": unique("s").lower(),
        "definition": definition or nps_definition(),
        **fields,
    }
    reply = post(http, tenant, "/api/v1/surveys", body)
    assert reply.status_code == 201, reply.text
    return dict(reply.json())


@dataclass
class Respondent:
    """Someone answering through the hosted pages with plain form posts."""

    http: httpx.Client
    page: httpx.Response | None = None
    history: list[httpx.Response] = field(default_factory=list)

    def open(self, path: str, **headers: str) -> httpx.Response:
        self.page = self.http.get(path, headers=headers)
        return self.page

    @property
    def html(self) -> str:
        assert self.page is not None
        return self.page.text

    def form_fields(self) -> dict[str, str]:
        """The hidden inputs as a browser posts them back (HTML entities decoded)."""
        return {name: html.unescape(value) for name, value in HIDDEN_INPUT.findall(self.html)}

    def action(self) -> str:
        found = FORM_ACTION.search(self.html)
        assert found, self.html[:2000]
        return found.group(1)

    def answer(self, answers: dict[str, Any], follow: bool = True, **extra: str) -> httpx.Response:
        """Sends the current page with these answers ({'nps': 9} → q_nps=9) and follows the redirect."""
        data: dict[str, list[str]] = {name: [value] for name, value in self.form_fields().items()}
        for qid, value in answers.items():
            name = qid if qid.startswith(("q_", "consent", "website")) else f"q_{qid}"
            data[name] = [str(v) for v in (value if isinstance(value, list) else [value])]
        data.update({name: [value] for name, value in extra.items()})
        reply = self.http.post(self.action(), data=data)
        self.history.append(reply)
        if follow and reply.status_code == 303:
            self.page = self.http.get(reply.headers["location"])
            return reply
        self.page = reply
        return reply
