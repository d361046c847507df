"""The initiative API. Reading is for everyone; analysts and admins create, change and delete
(MANAGE_RULES), and every change is in the audit log."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from voxpop.initiative import impact, service
from voxpop.initiative.models import Initiative
from voxpop.initiative.schemas import (
    EstimateOut,
    ImpactOut,
    InitiativeChange,
    InitiativeIn,
    InitiativeOut,
    MeasureOut,
    Status,
    WindowOut,
)
from voxpop.insight.changes import Window
from voxpop.kit import clock
from voxpop.text import explore as text_explore
from voxpop.web.deps import Reader, RuleManager, SessionDep

router = APIRouter(prefix="/api/v1", tags=["initiative"])
Days = Annotated[int | None, Query(ge=1, le=3650)]


def _one(session: Session, initiative: Initiative) -> InitiativeOut:
    return service.describe(session, [initiative])[0]


@router.post("/initiatives", status_code=201)
def create_initiative(body: InitiativeIn, session: SessionDep, caller: RuleManager) -> InitiativeOut:
    initiative = service.create(session, caller, body)
    session.commit()
    return _one(session, initiative)


@router.get("/initiatives")
def list_initiatives(
    session: SessionDep, caller: Reader, status: Annotated[Status | None, Query()] = None
) -> list[InitiativeOut]:
    """Latest start first; `status` keeps only planned, in_progress, done or cancelled ones."""
    return service.describe(session, service.list_of(session, caller.workspace_id, status))


@router.get("/initiatives/{initiative_id}")
def get_initiative(initiative_id: uuid.UUID, session: SessionDep, caller: Reader) -> InitiativeOut:
    return _one(session, service.get(session, caller.workspace_id, initiative_id))


@router.patch("/initiatives/{initiative_id}")
def change_initiative(
    initiative_id: uuid.UUID, body: InitiativeChange, session: SessionDep, caller: RuleManager
) -> InitiativeOut:
    """Change the fields given (the others stay); `targets`, when given, replaces all targets."""
    initiative = service.change(session, caller, initiative_id, body)
    session.commit()
    return _one(session, initiative)


@router.delete("/initiatives/{initiative_id}", status_code=204)
def delete_initiative(initiative_id: uuid.UUID, session: SessionDep, caller: RuleManager) -> Response:
    service.delete(session, caller, initiative_id)
    session.commit()
    return Response(status_code=204)


def _window(window: Window | None) -> WindowOut | None:
    return WindowOut(since=window.start, until=window.last_day) if window else None


@router.get("/initiatives/{initiative_id}/impact")
def get_impact(
    initiative_id: uuid.UUID,
    session: SessionDep,
    caller: Reader,
    before_days: Days = None,
    after_days: Days = None,
) -> ImpactOut:
    """Each target before and after the start: by default the days since the start (to the end date or
    today) against as many days just before it; `before_days` and `after_days` set either length. Each
    measure has its test, p, and the Benjamini–Hochberg q across the initiative's measures."""
    initiative = service.get(session, caller.workspace_id, initiative_id)
    names = {view.id: view.name for view in text_explore.theme_tree(session, caller.workspace_id)}
    found = impact.impact(session, initiative, names, clock.now().date(), before_days, after_days)
    return ImpactOut(
        initiative_id=initiative.id,
        before=_window(found.before),
        after=_window(found.after),
        verdict=found.verdict,
        alpha=impact.ALPHA,
        measures=[_measure(m) for m in found.measures],
    )


def _measure(measure: impact.Measure) -> MeasureOut:
    comparison = measure.comparison
    return MeasureOut(
        target=measure.target,
        subject=measure.subject,
        measure=measure.measure,
        unit=measure.unit,
        before=EstimateOut.model_validate(comparison.b),
        after=EstimateOut.model_validate(comparison.a),
        difference=comparison.difference,
        low=comparison.low,
        high=comparison.high,
        test=comparison.test,
        p_value=comparison.p_value,
        q_value=measure.q_value,
        outcome=measure.outcome,
        before_records=measure.before_records,
        after_records=measure.after_records,
    )
