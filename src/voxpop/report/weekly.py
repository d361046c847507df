"""The weekly report's content: the week's headline figures with their intervals and n, each against the
week before (the test and its p-value), the segments that moved significantly (Benjamini–Hochberg across
all segments scanned), and the emerging issues found for the week. One content, two forms: HTML and text."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from voxpop.insight import changes, emerging
from voxpop.insight import service as insight
from voxpop.insight.changes import Change, Window
from voxpop.insight.metrics import Estimate
from voxpop.insight.models import Insight
from voxpop.insight.service import METRICS, Overview
from voxpop.web.pages import templates

LABELS = {"nps": "NPS", "csat": "CSAT %", "ces": "CES (mean, 1-7)", "rating": "Star rating (mean, 1-5)"}


@dataclass(frozen=True)
class WeeklyReport:
    workspace_name: str
    week: Window
    overview: Overview
    against_last_week: dict[str, Change]
    movements: dict[str, list[Change]]
    insights: list[Insight]

    @property
    def subject(self) -> str:
        return f"{self.workspace_name}: customer feedback, week of {self.week.start.isoformat()}"


def build(session: Session, workspace_id: uuid.UUID, workspace_name: str, week: Window) -> WeeklyReport:
    """The report of `week` (Monday to Sunday, UTC) from what is stored; emerging issues are those stored
    with the week as their start (the weekly job detects them first)."""
    overview = insight.overview(session, workspace_id, since=week.start, until=week.last_day)
    against, moved = {}, {}
    for metric in METRICS:
        _, _, against[metric] = changes.period_over_period(session, workspace_id, metric, "week", week.end)
        _, _, found = changes.movements(
            session, workspace_id, metric, list(changes.SEGMENT_FIELDS), "week", week.end
        )
        moved[metric] = [change for change in found if change.significant]
    found_this_week = [i for i in emerging.recent(session, workspace_id) if i.since == week.start]
    return WeeklyReport(workspace_name, week, overview, against, moved, found_this_week)


def figure_text(metric: str, estimate: Estimate, min_n: int) -> str:
    if estimate.value is None:
        return f"{LABELS[metric]}: no answers"
    text = f"{LABELS[metric]}: {estimate.value:.1f}"
    if estimate.low is not None and estimate.high is not None:
        text += f" (95 % CI {estimate.low:.1f} to {estimate.high:.1f}"
    text += f", n = {estimate.n})" if estimate.low is not None else f" (n = {estimate.n})"
    return text if estimate.reliable else f"{text} - unreliable, fewer than {min_n} answers"


def change_text(change: Change) -> str:
    c = change.comparison
    if c.difference is None:
        return "no comparison (too few answers in one of the weeks)"
    verdict = "significant" if change.significant else "not significant"
    p = "" if c.p_value is None else f", p = {c.p_value:.3g}"
    q = "" if change.q_value is None else f", q = {change.q_value:.3g}"
    return f"{c.difference:+.1f} ({c.test}{p}{q}: {verdict} at 5 %)"


def segment_text(change: Change) -> str:
    return ", ".join(f"{k} = {v if v is not None else 'none'}" for k, v in change.keys.items())


def as_text(report: WeeklyReport, min_n: int) -> str:
    lines = [
        report.subject,
        "",
        f"{report.overview.total} records from {report.week.start} to {report.week.last_day}.",
        "",
    ]
    for metric, figure in report.overview.scores.items():
        lines.append(figure_text(metric, figure.estimate, min_n))
        lines.append(f"  against the week before: {change_text(report.against_last_week[metric])}")
    lines += ["", "Significant movements by segment:"]
    moved = [(m, c) for m, found in report.movements.items() for c in found]
    lines += [f"- {LABELS[m]}, {segment_text(c)}: {change_text(c)}" for m, c in moved] or ["- none"]
    lines += ["", "Emerging issues:"]
    lines += [f"- {i.title}" for i in report.insights] or ["- none"]
    return "\n".join(lines) + "\n"


def as_html(report: WeeklyReport, min_n: int) -> str:
    template = templates.env.get_template("report/weekly_email.html")
    return template.render(
        report=report, min_n=min_n, labels=LABELS, change_text=change_text, segment_text=segment_text
    )
