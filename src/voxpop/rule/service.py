"""The rule domain's operations: define, change and switch rules, evaluate them against arriving records
(in the background, `evaluate_batch`) and detected insights (`insight_detected`), and dry-run them.

Nothing here commits. A match, its actions and the record's evaluation note land in one transaction, and a
match is unique per (rule, record): a rerun or a second worker never acts twice."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from voxpop.insight.models import Insight
from voxpop.kit import clock
from voxpop.kit.errors import Invalid, NotFound, Problem, problems_from_errors
from voxpop.kit.ids import new_id
from voxpop.kit.jobs import enqueue
from voxpop.rule import actions, builtin, repository
from voxpop.rule.conditions import SCORES, Check, Facts, failing, feedback_checks, insight_checks
from voxpop.rule.models import Rule, Subject
from voxpop.rule.schemas import (
    DryRunOut,
    Example,
    FeedbackConditions,
    InsightConditions,
    MatchOut,
    RuleIn,
    TagOut,
)
from voxpop.text import service as text_service

EVALUATE = "rule.evaluate"
BATCH = 500
DRY_RUN_PAGE = 1000
EXAMPLES = 5
EXCERPT = 200
MATCH_WINDOW_DAYS = 30
CONDITIONS: dict[str, type[BaseModel]] = {
    Subject.FEEDBACK: FeedbackConditions,
    Subject.INSIGHT: InsightConditions,
}


@dataclass(frozen=True)
class Definition:
    conditions: dict[str, Any]
    actions: list[dict[str, Any]]


def define(session: Session, workspace_id: uuid.UUID, data: RuleIn) -> Definition:
    """The rule's conditions and actions, normalised; every problem at once, each naming its field."""
    problems: list[Problem] = []
    conditions = _conditions(session, workspace_id, data, problems)
    steps = _actions(data, problems)
    if problems:
        plural = "s" if len(problems) != 1 else ""
        raise Invalid(f"the rule has {len(problems)} problem{plural}", problems)
    return Definition(conditions, steps)


def _conditions(
    session: Session, workspace_id: uuid.UUID, data: RuleIn, problems: list[Problem]
) -> dict[str, Any]:
    try:
        parsed = CONDITIONS[data.subject].model_validate(data.conditions)
    except ValidationError as error:
        problems.extend(
            Problem(p.reason, f"conditions.{p.field}" if p.field else "conditions")
            for p in problems_from_errors(list(error.errors()))
        )
        return {}
    if isinstance(parsed, FeedbackConditions) and parsed.themes:
        known = repository.known_themes(session, workspace_id, parsed.themes)
        problems.extend(
            Problem("is not a theme of this workspace", f"conditions.themes[{position}]")
            for position, theme_id in enumerate(parsed.themes)
            if theme_id not in known
        )
    return parsed.model_dump(mode="json", by_alias=True, exclude_defaults=True)


def _actions(data: RuleIn, problems: list[Problem]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    for position, step in enumerate(data.actions):
        where = f"actions[{position}]"
        try:
            action = actions.get(step.type)
            if data.subject == Subject.INSIGHT and step.type in builtin.FEEDBACK_ONLY:
                raise Invalid("invalid action", [Problem("acts on feedback records only", "type")])
            steps.append({"type": step.type, "params": action.check(dict(step.params))})
        except Invalid as error:
            problems.extend(
                Problem(p.reason, f"{where}.type" if p.field == "type" else _param_field(where, p.field))
                for p in error.problems or [Problem(error.message)]
            )
    return steps


def _param_field(where: str, name: str | None) -> str:
    return f"{where}.params.{name}" if name else f"{where}.params"


def create(session: Session, workspace_id: uuid.UUID, data: RuleIn) -> Rule:
    definition = define(session, workspace_id, data)
    now = clock.now()
    found = Rule(
        workspace_id=workspace_id,
        name=data.name,
        subject=data.subject,
        conditions=definition.conditions,
        actions=definition.actions,
        enabled=data.enabled,
        enabled_at=now if data.enabled else None,
        created_at=now,
        updated_at=now,
    )
    repository.add(session, found)
    return found


def change(session: Session, workspace_id: uuid.UUID, rule_id: uuid.UUID, data: RuleIn) -> Rule:
    """Replace the rule's definition. Its matches stay; switching it on again starts from now."""
    found = get(session, workspace_id, rule_id)
    definition = define(session, workspace_id, data)
    found.name, found.subject = data.name, data.subject
    found.conditions, found.actions = definition.conditions, definition.actions
    _switch(found, data.enabled)
    found.updated_at = clock.now()
    session.flush()
    return found


def set_enabled(session: Session, workspace_id: uuid.UUID, rule_id: uuid.UUID, enabled: bool) -> Rule:
    found = get(session, workspace_id, rule_id)
    _switch(found, enabled)
    session.flush()
    return found


def _switch(found: Rule, enabled: bool) -> None:
    if enabled and not found.enabled:
        found.enabled_at = clock.now()
    elif not enabled:
        found.enabled_at = None
    found.enabled = enabled


def delete(session: Session, workspace_id: uuid.UUID, rule_id: uuid.UUID) -> Rule:
    found = get(session, workspace_id, rule_id)
    repository.delete_rule(session, found)
    return found


def get(session: Session, workspace_id: uuid.UUID, rule_id: uuid.UUID) -> Rule:
    found = repository.rule(session, workspace_id, rule_id)
    if found is None:
        raise NotFound(f"rule {rule_id}")
    return found


def list_of(session: Session, workspace_id: uuid.UUID) -> list[tuple[Rule, int]]:
    """Every rule with its matches in the last 30 days."""
    since = clock.now() - timedelta(days=MATCH_WINDOW_DAYS)
    counts = repository.match_counts(session, workspace_id, since)
    return [(found, counts.get(found.id, 0)) for found in repository.rules(session, workspace_id)]


def as_input(found: Rule) -> RuleIn:
    return RuleIn.model_validate(
        {
            "name": found.name,
            "subject": found.subject,
            "enabled": found.enabled,
            "conditions": found.conditions,
            "actions": found.actions,
        }
    )


def matches(
    session: Session, workspace_id: uuid.UUID, rule_id: uuid.UUID, limit: int = 50, offset: int = 0
) -> list[MatchOut]:
    """The rule's matches, newest first, with the tags it put on each record."""
    get(session, workspace_id, rule_id)
    found = repository.matches(session, workspace_id, rule_id, limit, offset)
    record_ids = [m.feedback_id for m in found if m.feedback_id is not None]
    tags = repository.tags_by_record(session, workspace_id, record_ids, rule_id) if record_ids else {}
    return [
        MatchOut(
            id=m.id,
            rule_id=m.rule_id,
            feedback_id=m.feedback_id,
            insight_id=m.insight_id,
            matched_at=m.matched_at,
            matched=list(m.details.get("matched", [])),
            tags=[t.tag for t in tags.get(m.feedback_id, [])] if m.feedback_id else [],
        )
        for m in found
    ]


def tags_of(session: Session, workspace_id: uuid.UUID, feedback_id: uuid.UUID) -> list[TagOut]:
    if not repository.feedback_exists(session, workspace_id, feedback_id):
        raise NotFound(f"feedback {feedback_id}")
    found = repository.tags_by_record(session, workspace_id, [feedback_id]).get(feedback_id, [])
    return [TagOut(tag=t.tag, rule_id=t.rule_id, tagged_at=t.tagged_at) for t in found]


# ---------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Compiled:
    rule: Rule
    checks: list[Check[Any]]
    labels: list[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", [check.label for check in self.checks])


def request_evaluation(session: Session, workspace_id: uuid.UUID) -> None:
    """Ask for the workspace's ready, unevaluated records to be tested (one pending job at most; none when
    the workspace has no enabled feedback rule)."""
    if repository.has_enabled_rules(session, workspace_id, Subject.FEEDBACK) and not repository.pending_job(
        session, workspace_id, EVALUATE
    ):
        enqueue(session, EVALUATE, {"workspace_id": str(workspace_id)}, workspace_id=workspace_id)


def _compile_feedback(session: Session, workspace_id: uuid.UUID, found: Sequence[Rule]) -> list[Compiled]:
    parsed = [(r, FeedbackConditions.model_validate(r.conditions)) for r in found]
    theme_ids = {t for _, conditions in parsed for t in conditions.themes}
    names = repository.known_themes(session, workspace_id, theme_ids) if theme_ids else {}
    return [Compiled(r, list(feedback_checks(conditions, names))) for r, conditions in parsed]


def _facts(session: Session, workspace_id: uuid.UUID, rows: Sequence[tuple[Any, ...]]) -> list[Facts]:
    """The records with their text analysis; a theme counts for its parent theme too."""
    themes, signals = repository.themes_and_signals(session, workspace_id, [row[0].id for row in rows])
    parents = repository.theme_parents(session, workspace_id) if themes else {}

    def with_parents(found: set[uuid.UUID]) -> frozenset[uuid.UUID]:
        return frozenset(found | {parents[t] for t in found if t in parents})

    return [
        repository.facts_of(
            row, with_parents(themes.get(row[0].id, set())), frozenset(signals.get(row[0].id, ()))
        )
        for row in rows
    ]


def _acts_on(compiled: Compiled, record: Facts, done: set[tuple[uuid.UUID, uuid.UUID]]) -> bool:
    """Whether the rule acts on the record: it arrived after the rule was switched on, the rule has not
    matched it before, and every condition holds."""
    enabled_at = compiled.rule.enabled_at
    return (
        enabled_at is not None
        and record.created_at >= enabled_at
        and (compiled.rule.id, record.id) not in done
        and not failing(compiled.checks, record)
    )


def evaluate_batch(session: Session, workspace_id: uuid.UUID, limit: int = BATCH) -> int:
    """Test up to `limit` ready records against every enabled feedback rule and act on the matches;
    returns how many records were evaluated."""
    found = repository.rules(session, workspace_id, Subject.FEEDBACK, enabled_only=True)
    compiled = _compile_feedback(session, workspace_id, found)
    if not compiled:
        return 0
    since = min(c.rule.enabled_at or clock.now() for c in compiled)
    rows = repository.ready_records(session, workspace_id, since, text_service.version(), limit)
    if not rows:
        return 0
    facts = _facts(session, workspace_id, rows)
    done = repository.matched_pairs(session, workspace_id, [f.id for f in facts])
    now = clock.now()
    with _storing_matches(session) as matched:
        for record in facts:
            acting = [rule for rule in compiled if _acts_on(rule, record, done)]
            details = _record_details(record) if acting else {}
            matched.extend(_act(session, rule, details, now, feedback_id=record.id) for rule in acting)
    repository.mark_evaluated(session, workspace_id, [(row[0].id, row[0].updated_at) for row in rows], now)
    return len(rows)


@contextmanager
def _storing_matches(session: Session) -> Iterator[list[dict[str, Any]]]:
    """Collect match rows while actions run; then store them and the tags set aside, a statement each.
    If an action fails, the tags set aside are dropped with the rest of the transaction."""
    matched: list[dict[str, Any]] = []
    try:
        yield matched
    finally:
        tags = builtin.take_pending_tags(session)
    repository.add_matches(session, matched)
    if tags:
        repository.add_tags(session, tags)


def _act(
    session: Session,
    compiled: Compiled,
    details: dict[str, Any],
    now: datetime,
    feedback_id: uuid.UUID | None = None,
    insight_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """Run the rule's actions on what it matched; returns the match row to store."""
    rule = compiled.rule
    match = actions.Match(
        workspace_id=rule.workspace_id,
        rule_id=rule.id,
        rule_name=rule.name,
        feedback_id=feedback_id,
        insight_id=insight_id,
        details={**details, "matched": compiled.labels},
    )
    for step in rule.actions:
        actions.get(step["type"]).run(session, match, step["params"])
    return {
        "id": new_id(),
        "workspace_id": rule.workspace_id,
        "rule_id": rule.id,
        "feedback_id": feedback_id,
        "insight_id": insight_id,
        "matched_at": now,
        "details": {"matched": compiled.labels},
    }


def _excerpt(facts: Facts) -> str:
    text = " ".join((facts.text or facts.title or "").split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def _record_details(facts: Facts) -> dict[str, Any]:
    return {
        "id": str(facts.id),
        "received_at": facts.received_at.isoformat(),
        "channel": facts.channel,
        "source": facts.source,
        "scores": {name: value for name, value in facts.scores.items() if value is not None},
        "excerpt": _excerpt(facts),
    }


def insight_detected(session: Session, insight: Insight) -> None:
    """Test a newly detected (or again detected) insight against the workspace's enabled insight rules;
    each rule acts at most once per insight."""
    found = repository.rules(session, insight.workspace_id, Subject.INSIGHT, enabled_only=True)
    details = {
        "id": str(insight.id),
        "kind": insight.kind,
        "title": insight.title,
        "metric": insight.metric,
        "segment": dict(insight.segment or {}),
        "since": insight.since.isoformat(),
    }
    now = clock.now()
    with _storing_matches(session) as matched:
        for rule in found:
            compiled = Compiled(rule, list(insight_checks(InsightConditions.model_validate(rule.conditions))))
            if not failing(compiled.checks, insight) and not repository.insight_matched(
                session, rule.id, insight.id
            ):
                matched.append(_act(session, compiled, details, now, insight_id=insight.id))


# ---------------------------------------------------------------- dry run


def dry_run(session: Session, workspace_id: uuid.UUID, data: RuleIn, days: int = 30) -> DryRunOut:
    """How many records received in the last `days` days (or insights detected) the rule would have matched,
    with the newest few as examples. Nothing is stored and no action runs."""
    definition = define(session, workspace_id, data)
    since = clock.now() - timedelta(days=days)
    if data.subject == Subject.INSIGHT:
        return _dry_run_insights(session, workspace_id, definition, since, days)
    conditions = FeedbackConditions.model_validate(definition.conditions)
    theme_names = (
        repository.known_themes(session, workspace_id, conditions.themes) if conditions.themes else {}
    )
    checks = list(feedback_checks(conditions, theme_names))
    checked, matched, examples = 0, 0, list[Example]()
    after: tuple[datetime, uuid.UUID] | None = None
    while rows := repository.received_records(session, workspace_id, since, after, DRY_RUN_PAGE):
        for record in _facts(session, workspace_id, rows):
            if not failing(checks, record):
                matched += 1
                if len(examples) < EXAMPLES:
                    examples.append(_example(record, checks))
        checked += len(rows)
        after = (rows[-1][0].received_at, rows[-1][0].id)
    return DryRunOut(days=days, since=since, checked=checked, matched=matched, examples=examples)


def _example(record: Facts, checks: Sequence[Check[Any]]) -> Example:
    scores = {name: float(value) for name in SCORES if (value := record.scores[name]) is not None}
    return Example(
        id=record.id,
        received_at=record.received_at,
        scores=scores,
        excerpt=_excerpt(record),
        matched=[check.label for check in checks],
    )


def _dry_run_insights(
    session: Session, workspace_id: uuid.UUID, definition: Definition, since: datetime, days: int
) -> DryRunOut:
    checks = list(insight_checks(InsightConditions.model_validate(definition.conditions)))
    found = repository.insights_since(session, workspace_id, since)
    hits = [i for i in found if not failing(checks, i)]
    examples = [
        Example(
            id=i.id, received_at=i.detected_at, scores={}, excerpt=i.title, matched=[c.label for c in checks]
        )
        for i in hits[:EXAMPLES]
    ]
    return DryRunOut(days=days, since=since, checked=len(found), matched=len(hits), examples=examples)


def theme_choices(session: Session, workspace_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    return repository.theme_choices(session, workspace_id)
