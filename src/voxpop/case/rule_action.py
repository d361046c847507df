"""The `open_case` rule action: a matching feedback record becomes a case (or joins its customer's open
case). Its parameters are `OpenCaseParams`: title, priority, assignment, SLA overrides."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from voxpop.case import service
from voxpop.case.access import system
from voxpop.case.schemas import OpenCaseParams
from voxpop.kit.errors import Invalid, problems_from_errors
from voxpop.rule.actions import Match


class OpenCase:
    name = "open_case"

    def check(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            return OpenCaseParams.model_validate(params).model_dump(mode="json", exclude_none=True)
        except ValidationError as error:
            problems = problems_from_errors(list(error.errors()))
            raise Invalid("the open_case parameters are not valid", problems) from None

    def run(self, session: Session, match: Match, params: dict[str, Any]) -> None:
        """Open a case for the matched record; matches on insights (no record) open nothing."""
        if match.feedback_id is None:
            return
        caller = system(match.workspace_id, f"rule {match.rule_name}")
        service.open_case(
            session, caller, match.feedback_id, OpenCaseParams.model_validate(params), match.rule_id
        )
