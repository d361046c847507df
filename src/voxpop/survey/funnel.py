"""Funnel figures of a survey: invited, started, completed, rates, median time to complete, and how many
reached, answered and left at each question. A response counts as started once its first page is saved."""

from __future__ import annotations

import statistics
import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from voxpop.delivery import service as delivery_service
from voxpop.survey import logic, repository
from voxpop.survey.definition import Definition
from voxpop.survey.models import Survey
from voxpop.survey.respond import ANONYMOUS_CHANNELS
from voxpop.survey.schemas import ChannelFunnel, FunnelOut, QuestionFunnel


def funnel(session: Session, survey: Survey, definition: Definition) -> FunnelOut:
    rows = repository.responses_for_funnel(session, survey)
    invited = repository.invited_by_channel(session, survey)
    by_channel: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_channel[row.channel].append(row)
    channels = sorted(set(by_channel) | set(invited))
    figures = [_figures(c, by_channel[c], invited.get(c)) for c in channels]
    statuses = list(
        delivery_service.email_status(
            session, survey.workspace_id, repository.email_ids(session, survey)
        ).values()
    )
    for figure in figures:
        if figure.channel == "email":
            figure.delivered, figure.bounced = statuses.count("sent"), statuses.count("bounced")
    return FunnelOut(
        survey_id=survey.id,
        channels=figures,
        total=_figures("all", rows, sum(invited.values()) if invited else None),
        questions=_questions(definition, [r for r in rows if r.version_id == _current(session, survey)]),
    )


def _current(session: Session, survey: Survey) -> uuid.UUID | None:
    version = repository.version(session, survey, survey.current_version)
    return version.id if version else None


def _figures(channel: str, rows: Sequence[Any], invited: int | None) -> ChannelFunnel:
    completed = [r for r in rows if r.completed_at is not None]
    durations = [(r.completed_at - r.started_at).total_seconds() for r in completed]
    if channel in ANONYMOUS_CHANNELS:
        invited = None
    return ChannelFunnel(
        channel=channel,
        invited=invited,
        started=len(rows),
        completed=len(completed),
        response_rate=round(len(completed) / invited, 4) if invited else None,
        completion_rate=round(len(completed) / len(rows), 4) if rows else None,
        median_seconds_to_complete=statistics.median(durations) if durations else None,
    )


def _questions(definition: Definition, rows: Sequence[Any]) -> list[QuestionFunnel]:
    """Per question of the current version: responses that were shown it (it was on a page they reached and
    its logic let it show), answered it, and stopped on its page without finishing."""
    counts = {q.id: [0, 0, 0] for q in definition.questions()}
    for row in rows:
        answers = row.answers or {}
        for index, page in enumerate(definition.pages):
            reached = index in _pages_reached(definition, answers, row.next_page)
            for question in logic.visible_questions(page, answers) if reached else []:
                counts[question.id][0] += 1
                counts[question.id][1] += answers.get(question.id) is not None
                counts[question.id][2] += row.completed_at is None and row.next_page == index
    return [
        QuestionFunnel(question=q, reached=r, answered=a, dropped_here=d) for q, (r, a, d) in counts.items()
    ]


def _pages_reached(definition: Definition, answers: dict[str, Any], stopped_at: int | None) -> set[int]:
    reached: set[int] = set()
    index = logic.next_page(definition, -1, answers)
    while index is not None:
        reached.add(index)
        if index == stopped_at:
            break
        index = logic.next_page(definition, index, answers)
    return reached
