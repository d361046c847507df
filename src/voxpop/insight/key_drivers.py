"""Key drivers of an outcome from the records: which rating items (and other numeric or yes/no attributes, and
themes) account for how much of the outcome's explained variance (see drivers.py for the methods).

A theme `theme.<id>` is a 0/1 predictor: the record mentions the theme (or one of its sub-themes) or not. A
record whose text was not analysed has no value for it (left out when themes are predictors: "no text" is
not "no mention"). A theme's performance on the priority matrix is the share of its sentences, in the
analysed records, that are positive: a much-mentioned theme is not a well-performing one.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from voxpop.feedback.models import Feedback
from voxpop.insight import drivers, repository
from voxpop.insight.drivers import DriverAnalysis, Method
from voxpop.insight.fields import Field
from voxpop.insight.fields import field as field_named
from voxpop.insight.repository import Scope
from voxpop.kit.errors import Invalid, Problem
from voxpop.text import explore as text_explore
from voxpop.text import service as text_service
from voxpop.text.service import ThemeMentions

OUTCOMES = {"nps": "NPS (0–10)", "csat": "CSAT (1–5)", "ces": "CES (1–7)", "rating": "star rating (1–5)"}
MAX_ROWS = 200_000
TRUE_WORDS = {"yes", "true", "y", "1"}
FALSE_WORDS = {"no", "false", "n", "0"}
ITEM_PREFIXES = ("item_", "rating_")
THEME_PREFIX = "theme."
RECORD = Field("record", Feedback.id.expression)


def as_number(value: Any) -> float:
    """A numeric or yes/no value as a float; anything else is missing (NaN)."""
    if value is None or isinstance(value, bool):
        return float(value) if isinstance(value, bool) else math.nan
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return 1.0
    if text in FALSE_WORDS:
        return 0.0
    try:
        return float(text)
    except ValueError:
        return math.nan


def analyse(
    session: Session,
    workspace_id: uuid.UUID,
    outcome: str,
    predictors: list[str],
    method: Method = "shapley",
    resamples: int = 200,
) -> DriverAnalysis:
    """Drivers of `outcome` (a score, or `attributes.X` yes/no) among `predictors` (`attributes.X`,
    `customer.X`, `theme.<id>`), over the newest MAX_ROWS records."""
    if not predictors:
        raise Invalid(
            "no predictors",
            [Problem("name at least one attributes.X, customer.X or theme.<id>", field="predictors")],
        )
    dialect = session.get_bind().dialect.name
    target: str | Field = outcome if outcome in OUTCOMES else _outcome_field(outcome, dialect)
    themes = _themes_named(session, workspace_id, predictors)
    others = [name for name in predictors if name not in themes]
    fields = [_predictor(name, dialect) for name in others] + ([RECORD] if themes else [])
    rows = repository.values_of(session, Scope(workspace_id), target, fields, MAX_ROWS)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in range(len(fields) + 1)]
    values = {name: [as_number(v) for v in column] for name, column in zip(others, columns[1:], strict=False)}
    performance: dict[str, float] = {}
    if themes:
        records = list(columns[-1])
        mentions = text_service.theme_mentions(session, workspace_id, records, list(themes.values()))
        for name, theme_id in themes.items():
            values[name], performance[name] = _theme_column(records, mentions, theme_id)
    return drivers.key_drivers(
        [as_number(v) for v in columns[0]],
        {name: values[name] for name in predictors},
        method=method,
        resamples=resamples,
        performance=performance,
    )


def _themes_named(session: Session, workspace_id: uuid.UUID, predictors: list[str]) -> dict[str, uuid.UUID]:
    """The `theme.<id>` predictors and their ids, each a top-level theme of the workspace."""
    named = [name for name in predictors if name.startswith(THEME_PREFIX)]
    if not named:
        return {}
    known = {view.id for view in text_explore.theme_tree(session, workspace_id)}
    found: dict[str, uuid.UUID] = {}
    for name in named:
        theme_id = _theme_id(name)
        if theme_id is None or theme_id not in known:
            reason = f"{name!r} is not theme.<id> of a top-level theme of this workspace"
            raise Invalid("unknown theme", [Problem(reason, field="predictors")])
        found[name] = theme_id
    return found


def _theme_id(name: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(name.removeprefix(THEME_PREFIX))
    except ValueError:
        return None


def _theme_column(
    records: Sequence[uuid.UUID], mentions: ThemeMentions, theme_id: uuid.UUID
) -> tuple[list[float], float]:
    """1 where the record mentions the theme, 0 where its analysed text does not, missing without analysis;
    and the share (0–100) of the theme's sentences in these records that are positive."""
    mentioning = mentions.by_theme[theme_id]
    column = [
        (1.0 if record in mentioning else 0.0) if record in mentions.analysed else math.nan
        for record in records
    ]
    positive = sum(hits for hits, _ in mentioning.values())
    sentences = sum(total for _, total in mentioning.values())
    return column, 100.0 * positive / sentences if sentences else 0.0


def predictors_of(session: Session, workspace_id: uuid.UUID, named: Sequence[str], themes: bool) -> list[str]:
    """The predictors named (the rating items when none are), and with `themes` every active top-level
    theme of the workspace as well."""
    chosen = list(named) or rating_items(session, workspace_id)
    if themes:
        chosen += [
            f"{THEME_PREFIX}{view.id}"
            for view in text_explore.theme_tree(session, workspace_id)
            if view.status == "active"
        ]
    return list(dict.fromkeys(chosen))


def labels(session: Session, workspace_id: uuid.UUID, predictors: Sequence[str]) -> dict[str, str]:
    """A readable name for each predictor: `theme: <name>` for a theme, the predictor itself otherwise."""
    if not any(name.startswith(THEME_PREFIX) for name in predictors):
        return {name: name for name in predictors}
    names = {f"{THEME_PREFIX}{view.id}": view.name for view in text_explore.theme_tree(session, workspace_id)}
    return {name: f"theme: {names[name]}" if name in names else name for name in predictors}


def labelled(analysis: DriverAnalysis, names: dict[str, str]) -> DriverAnalysis:
    """The analysis with each driver shown by its readable name (for pages, charts and downloads)."""
    return replace(
        analysis, drivers=tuple(replace(d, name=names.get(d.name, d.name)) for d in analysis.drivers)
    )


def _predictor(name: str, dialect: str) -> Field:
    """A field with one value per record: a record mentions many themes, so a theme is named `theme.<id>`."""
    predictor = field_named(name, dialect)
    if predictor.joined is not None:
        raise Invalid(
            f"{name!r} has many values per record",
            [Problem("name each theme as theme.<id>", field="predictors")],
        )
    return predictor


def _outcome_field(outcome: str, dialect: str) -> Field:
    if outcome.startswith(("attributes.", "customer.")):
        return field_named(outcome, dialect)
    raise Invalid(
        f"unknown outcome {outcome!r}",
        [Problem("use nps, csat, ces, rating or attributes.X", field="outcome")],
    )


def rating_items(session: Session, workspace_id: uuid.UUID, sample: int = 2000) -> list[str]:
    """Record attributes that look like rating items (item_* or rating_*, numeric), as predictor names."""
    keys: set[str] = set()
    for attributes in repository.recent_attributes(session, workspace_id, sample):
        keys.update(
            k for k, v in attributes.items() if k.startswith(ITEM_PREFIXES) and not math.isnan(as_number(v))
        )
    return [f"attributes.{key}" for key in sorted(keys)]
