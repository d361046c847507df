"""The rule editor's form, which works without JavaScript: every condition and action is a plain form field.
`to_rule` turns the posted fields into the API's `RuleIn` input; `from_rule` fills the fields from a saved
rule; `field_of` names the form field a problem of the definition belongs to."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from voxpop.kit.errors import Problem, problems_from_errors
from voxpop.rule.schemas import RuleIn

SCORE_FIELDS = ("nps", "csat", "ces", "rating")
LIST_FIELDS = ("channels", "sources", "surveys", "touchpoints")
VALUE_TESTS = ("customer", "attributes")
BUILTIN = {
    "notify_email": "notify_email_to",
    "notify_webhook": "notify_webhook",
    "tag": "tags",
    "open_case": "open_case_owner",
}
OWNER_KINDS = ("user", "team", "round_robin")
"""How an open_case action's owner is picked from the form: `user:<email>`, `team:<name>` or
`round_robin:<team name>` (the `region` assignment and SLA overrides are written as JSON)."""
SIGNALS = (
    "churn_intent",
    "urgency",
    "urgency.legal",
    "urgency.safety",
    "urgency.media",
    "effort",
    "suggestion",
    "emotion",
    "emotion.anger",
    "emotion.frustration",
    "emotion.disappointment",
    "emotion.joy",
    "emotion.gratitude",
)
_TEST_LINE = re.compile(r"^\s*(?P<key>[^=<>]+?)\s+(?P<op>=|>=|<=|in)\s+(?P<value>.+?)\s*$", re.IGNORECASE)
TEST_HELP = "one test a line: key = value, key in a, b, key >= number or key <= number"


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _value_tests(name: str, text: str, problems: list[Problem]) -> list[dict[str, Any]]:
    tests: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        found = _TEST_LINE.match(line)
        if found is None:
            problems.append(Problem(f"line {number} ({line.strip()!r}): write {TEST_HELP}", name))
            continue
        key, op, value = found["key"], found["op"].lower(), found["value"]
        test: dict[str, dict[str, Any]] = {
            "=": {"equals": value},
            "in": {"in": _split(value)},
            ">=": {"min": value},
            "<=": {"max": value},
        }
        tests.append({"key": key, **test[op]})
    return tests


def _conditions(form: Mapping[str, Any], problems: list[Problem]) -> dict[str, Any]:
    conditions: dict[str, Any] = {}
    for name in SCORE_FIELDS:
        bounds = {end: form[f"{name}_{end}"] for end in ("min", "max") if form.get(f"{name}_{end}")}
        if bounds:
            conditions[name] = bounds
    sentiment = {end: form[f"sentiment_{end}"] for end in ("min", "max") if form.get(f"sentiment_{end}")}
    if form.get("sentiment_labels"):
        sentiment["labels"] = list(form["sentiment_labels"])
    if sentiment:
        conditions["sentiment"] = sentiment
    for name in ("themes", "signals", "lifecycle_stages"):
        if form.get(name):
            conditions[name] = list(form[name])
    for name in LIST_FIELDS:
        if values := _split(form.get(name, "")):
            conditions[name] = values
    for name in VALUE_TESTS:
        if tests := _value_tests(name, form.get(name, ""), problems):
            conditions[name] = tests
    keywords = {k: words for k in ("any", "all") if (words := _split(form.get(f"keywords_{k}", "")))}
    if keywords:
        conditions["keywords"] = keywords
    return conditions


def _insight_conditions(form: Mapping[str, Any], problems: list[Problem]) -> dict[str, Any]:
    conditions: dict[str, Any] = {}
    for name in ("kinds", "metrics"):
        if values := _split(form.get(f"insight_{name}", "")):
            conditions[name] = values
    where: dict[str, list[str]] = {}
    for test in _value_tests("insight_where", form.get("insight_where", ""), problems):
        if "in" not in test and "equals" not in test:
            problems.append(Problem(f"{test['key']}: write key = value or key in a, b", "insight_where"))
            continue
        where[test["key"]] = [str(v) for v in test.get("in", [test.get("equals")])]
    if where:
        conditions["where"] = where
    return conditions


def _actions(form: Mapping[str, Any], problems: list[Problem]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    if recipients := _split(form.get("notify_email_to", "")):
        steps.append({"type": "notify_email", "params": {"to": recipients}})
    if form.get("notify_webhook"):
        steps.append({"type": "notify_webhook", "params": {}})
    if tags := _split(form.get("tags", "")):
        steps.append({"type": "tag", "params": {"tags": tags}})
    if form.get("open_case"):
        steps.append({"type": "open_case", "params": _open_case_params(form)})
    other = form.get("other_actions", "").strip()
    if other:
        try:
            extra = json.loads(other)
        except json.JSONDecodeError as error:
            problems.append(Problem(f"is not valid JSON: {error.msg} (line {error.lineno})", "other_actions"))
            return steps
        if not isinstance(extra, list):
            problems.append(
                Problem('write a JSON list such as [{"type": "open_case", "params": {}}]', "other_actions")
            )
            return steps
        steps.extend(extra)
    return steps


def _open_case_params(form: Mapping[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {"priority": form.get("open_case_priority") or "normal"}
    kind, _, value = str(form.get("open_case_owner", "")).partition(":")
    if kind in OWNER_KINDS and value:
        params["assignment"] = {"type": kind, "email" if kind == "user" else "team": value}
    return params


def _owner_of(params: Mapping[str, Any]) -> str | None:
    """The owner control's value for these open_case parameters, or None when the controls cannot say them
    (a region assignment, SLA overrides, a title)."""
    if set(params) - {"priority", "assignment"}:
        return None
    assignment = params.get("assignment")
    if assignment is None:
        return ""
    kind = assignment.get("type")
    if kind not in OWNER_KINDS:
        return None
    return f"{kind}:{assignment['email' if kind == 'user' else 'team']}"


def to_rule(form: Mapping[str, Any]) -> tuple[RuleIn | None, list[Problem]]:
    """The posted form as a rule (None if it cannot be read), and the problems found reading it, each naming
    a form field; a rule that was read is checked further by the service."""
    problems: list[Problem] = []
    subject = form.get("subject") or "feedback"
    read = _insight_conditions if subject == "insight" else _conditions
    data = {
        "name": form.get("name", ""),
        "subject": subject,
        "enabled": bool(form.get("enabled")),
        "conditions": read(form, problems),
        "actions": _actions(form, problems),
    }
    try:
        rule: RuleIn | None = RuleIn.model_validate(data)
    except ValidationError as error:
        problems.extend(problems_from_errors(list(error.errors())))
        rule = None
    return rule, [Problem(p.reason, field_of(p.field, data["actions"])) for p in problems]


def field_of(path: str | None, steps: Sequence[Any]) -> str | None:
    """The form field a problem belongs to: `conditions.nps.max` → `nps_max`, `actions[0].params.to[1]`
    → `notify_email_to` (for a built-in action) or `other_actions`."""
    if path is None:
        return None
    action = re.match(r"^actions\[(\d+)\]", path)
    if action:
        step = steps[int(action[1])] if int(action[1]) < len(steps) else {}
        kind = step.get("type") if isinstance(step, dict) else None
        return BUILTIN.get(str(kind), "other_actions")
    if path == "actions":
        return "actions"
    name = re.sub(r"\[\d+\]", "", path.removeprefix("conditions.")).replace(".", "_")
    grouped = next(
        (
            g
            for g in (*VALUE_TESTS, *LIST_FIELDS, "themes", "signals", "lifecycle_stages")
            if name.startswith(g)
        ),
        None,
    )
    if grouped is not None:
        return grouped
    if name in (*SCORE_FIELDS, "sentiment"):
        return f"{name}_min"
    if name in ("kinds", "metrics") or name.startswith("where"):
        return f"insight_{name.split('_')[0]}"
    return name


def _test_line(test: Mapping[str, Any]) -> list[str]:
    key = test["key"]
    if "equals" in test:
        return [f"{key} = {test['equals']}"]
    if "in" in test:
        return [f"{key} in {', '.join(str(v) for v in test['in'])}"]
    lines = [f"{key} >= {test['min']:g}"] if test.get("min") is not None else []
    return lines + ([f"{key} <= {test['max']:g}"] if test.get("max") is not None else [])


def from_rule(rule: RuleIn) -> dict[str, Any]:
    """The form's fields for a saved (normalised) rule."""
    c = rule.conditions
    form: dict[str, Any] = {"name": rule.name, "subject": rule.subject, "enabled": rule.enabled}
    for name in (*SCORE_FIELDS, "sentiment"):
        for end in ("min", "max"):
            value = c.get(name, {}).get(end)
            form[f"{name}_{end}"] = "" if value is None else f"{value:g}"
    form["sentiment_labels"] = c.get("sentiment", {}).get("labels", [])
    form.update(
        {name: [str(v) for v in c.get(name, [])] for name in ("themes", "signals", "lifecycle_stages")}
    )
    form.update({name: ", ".join(c.get(name, [])) for name in LIST_FIELDS})
    form.update(
        {name: "\n".join(line for t in c.get(name, []) for line in _test_line(t)) for name in VALUE_TESTS}
    )
    form.update({f"keywords_{k}": ", ".join(c.get("keywords", {}).get(k, [])) for k in ("any", "all")})
    form["insight_kinds"], form["insight_metrics"] = (
        ", ".join(c.get("kinds", [])),
        ", ".join(c.get("metrics", [])),
    )
    form["insight_where"] = "\n".join(f"{k} in {', '.join(v)}" for k, v in c.get("where", {}).items())
    by_type = {step.type: step.params for step in rule.actions}
    form["notify_email_to"] = ", ".join(by_type.get("notify_email", {}).get("to", []))
    form["notify_webhook"] = "notify_webhook" in by_type
    form["tags"] = ", ".join(by_type.get("tag", {}).get("tags", []))
    owner = _owner_of(by_type["open_case"]) if "open_case" in by_type else None
    form["open_case"] = owner is not None
    form["open_case_owner"] = owner or ""
    form["open_case_priority"] = by_type.get("open_case", {}).get("priority", "normal")
    other = [
        s.model_dump()
        for s in rule.actions
        if s.type not in BUILTIN or (s.type == "open_case" and owner is None)
    ]
    form["other_actions"] = json.dumps(other, indent=2) if other else ""
    return form
