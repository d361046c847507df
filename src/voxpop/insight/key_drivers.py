"""Key drivers of an outcome from the records: which rating items (and other numeric or yes/no attributes)
account for how much of the outcome's explained variance (see drivers.py for the methods)."""

from __future__ import annotations

import math
import uuid
from typing import Any

from sqlalchemy.orm import Session

from voxpop.insight import drivers, repository
from voxpop.insight.drivers import DriverAnalysis, Method
from voxpop.insight.fields import Field
from voxpop.insight.fields import field as field_named
from voxpop.insight.repository import Scope
from voxpop.kit.errors import Invalid, Problem

OUTCOMES = {"nps": "NPS (0–10)", "csat": "CSAT (1–5)", "ces": "CES (1–7)", "rating": "star rating (1–5)"}
MAX_ROWS = 200_000
TRUE_WORDS = {"yes", "true", "y", "1"}
FALSE_WORDS = {"no", "false", "n", "0"}
ITEM_PREFIXES = ("item_", "rating_")


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
    `customer.X`), over the newest MAX_ROWS records."""
    if not predictors:
        raise Invalid(
            "no predictors", [Problem("name at least one attributes.X or customer.X", field="predictors")]
        )
    dialect = session.get_bind().dialect.name
    target: str | Field = outcome if outcome in OUTCOMES else _outcome_field(outcome, dialect)
    fields = [field_named(name, dialect) for name in predictors]
    rows = repository.values_of(session, Scope(workspace_id), target, fields, MAX_ROWS)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in range(len(fields) + 1)]
    return drivers.key_drivers(
        [as_number(v) for v in columns[0]],
        {name: [as_number(v) for v in column] for name, column in zip(predictors, columns[1:], strict=True)},
        method=method,
        resamples=resamples,
    )


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
