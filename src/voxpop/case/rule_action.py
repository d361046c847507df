"""The `open_case` rule action: a matching feedback record becomes a case (or joins its customer's open
case). Its parameters are `OpenCaseParams`: title, priority, assignment, SLA overrides."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from voxpop.auth import service as auth_service
from voxpop.auth.roles import Permission, allows
from voxpop.case import service, setup
from voxpop.case.access import system
from voxpop.case.models import Priority
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

    def choices(self, session: Session, workspace_id: uuid.UUID) -> dict[str, Any]:
        """What the rule editor offers for this action: the priorities, and the owners (a member who works
        cases, a team, or the next member of a team in turn) as `user:<email>`, `team:<name>` and
        `round_robin:<name>`."""
        owners = [("", "nobody (the case waits in the inbox)")]
        for team in setup.describe_teams(session, workspace_id):
            owners += [(f"team:{team.name}", f"team {team.name}")]
            owners += [(f"round_robin:{team.name}", f"team {team.name}, next member in turn")]
        owners += [
            (f"user:{user.email}", user.email)
            for user, role in auth_service.members_of(session, workspace_id)
            if user.is_active and allows(role, Permission.WORK_CASES)
        ]
        return {"priorities": [p.value for p in Priority], "owners": owners}

    def run(self, session: Session, match: Match, params: dict[str, Any]) -> None:
        """Open a case for the matched record; matches on insights (no record) open nothing."""
        if match.feedback_id is None:
            return
        caller = system(match.workspace_id, f"rule {match.rule_name}")
        service.open_case(
            session, caller, match.feedback_id, OpenCaseParams.model_validate(params), match.rule_id
        )
