"""Column mappings: which column of a file feeds which field of a record.

A mapping is guessed from common header names (our own field names, Qualtrics, SurveyMonkey, help desks,
review sites) and can be overridden by a mapping file (JSON or TOML):

    [columns]            # column → field; "ignore" drops it, "attributes.X" / "customer.attributes.X" keep it
    "Q5" = "nps"
    [defaults]           # values for fields no column gives
    kind = "survey_response"
    [options]
    date_format = "%d/%m/%Y %H:%M"   # strptime format for date columns; ISO 8601 is always understood
    unmapped = "attributes"          # or "ignore": what to do with columns nothing maps
    skip_lines = 2                   # CSV: lines of chatter above the header row (looked for if left out)

Columns nothing maps are kept as record attributes (and listed in the import report), except columns that
only hold tracking data (IP address, latitude, longitude), which are dropped: we do not keep what we do not
need.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from voxpop.kit.errors import Invalid, Problem

IGNORE = "ignore"
KINDS = ("feedback", "customers", "events")

_CUSTOMER = {
    "customer.email": "email email_address e_mail customer_email recipientemail respondent_email",
    "customer.phone": "phone phone_number mobile telephone customer_phone",
    "customer.external_id": "customer_id customerid customer_external_id account_id user_id client_id "
    "externalreference externaldatareference contact_id",
    "customer.handle": "handle twitter twitter_handle author_id screen_name username user_handle",
    "customer.name": "name customer_name full_name",
    "customer.language": "customer_language",
    "customer.attributes.segment": "segment customer_segment",
    "customer.attributes.plan": "plan subscription",
    "customer.attributes.region": "region",
    "customer.attributes.country": "country",
    "customer.attributes.tier": "tier",
    "customer.attributes.value": "value customer_value lifetime_value ltv",
    "customer": "customer",
}
_COMMON = {
    "external_id": "id external_id record_id",
    "source": "source platform system origin",
    "channel": "channel medium via distributionchannel",
    "lifecycle_stage": "lifecycle_stage stage journey_stage",
    "touchpoint": "touchpoint touch_point",
    "attributes": "attributes",
}
SYNONYMS: dict[str, dict[str, str]] = {
    "feedback": {
        **_CUSTOMER,
        **_COMMON,
        "external_id": "id external_id record_id response_id responseid feedback_id ticket_id review_id "
        "tweet_id respondent_id message_id",
        "received_at": "received_at date datetime timestamp created_at created submitted_at submitted "
        "recordeddate recorded_date response_date review_date end_date enddate time",
        "text": "text comment comments feedback verbatim review review_text message body response_text "
        "open_text open_ended description content transcript notes",
        "title": "title subject review_title headline summary",
        "nps": "nps nps_score likelihood_to_recommend ltr recommend_score",
        "csat": "csat csat_score satisfaction satisfaction_score",
        "ces": "ces ces_score effort effort_score customer_effort",
        "rating": "rating stars star_rating review_rating",
        "kind": "kind feedback_type record_type",
        "language": "language lang locale userlanguage",
    },
    "events": {
        **_CUSTOMER,
        **_COMMON,
        "external_id": "id external_id event_id record_id",
        "type": "type event event_type event_name name_of_event",
        "occurred_at": "occurred_at date datetime timestamp time created_at happened_at",
        "customer.name": "customer_name full_name",
    },
    "customers": {
        "external_id": "customer_id customerid external_id id account_id user_id client_id contact_id",
        "email": "email email_address e_mail customer_email",
        "phone": "phone phone_number mobile telephone",
        "handle": "handle twitter twitter_handle screen_name username",
        "name": "name customer_name full_name",
        "language": "language lang locale",
        "attributes": "attributes",
    },
}
DROPPED = {"ipaddress", "ip_address", "ip", "locationlatitude", "locationlongitude", "latitude", "longitude"}
DATE_FIELDS = {"received_at", "occurred_at"}
MAX_SKIP_LINES = 1000


def normalise_header(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def _lookup(kind: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for target, names in SYNONYMS[kind].items():
        for name in names.split():
            table.setdefault(name, target)
    return table


@dataclass
class Mapping:
    kind: str
    columns: dict[str, str]
    defaults: dict[str, Any] = field(default_factory=dict)
    date_format: str | None = None
    unmapped_to_attributes: bool = True
    skip_lines: int | None = None
    """CSV: lines above the header row; None looks for the header row in the first lines."""
    _cache: dict[tuple[str, ...], dict[str, str]] = field(default_factory=dict, repr=False, compare=False)
    _plans: dict[tuple[str, ...], list[_Slot]] = field(default_factory=dict, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        options: dict[str, Any] = {
            "date_format": self.date_format,
            "unmapped": "attributes" if self.unmapped_to_attributes else IGNORE,
        }
        if self.skip_lines is not None:
            options["skip_lines"] = self.skip_lines
        return {"columns": self.columns, "defaults": self.defaults, "options": options}

    @classmethod
    def from_dict(cls, kind: str, data: dict[str, Any]) -> Mapping:
        options = data.get("options", {})
        return cls(
            kind=kind,
            columns=dict(data.get("columns", {})),
            defaults=dict(data.get("defaults", {})),
            date_format=options.get("date_format"),
            unmapped_to_attributes=options.get("unmapped", "attributes") != IGNORE,
            skip_lines=options.get("skip_lines"),
        )

    def target(self, column: str) -> str:
        if column in self.columns:
            return self.columns[column]
        normal = normalise_header(column)
        guessed = _lookup(self.kind).get(normal)
        if guessed:
            return guessed
        if normal in DROPPED or not self.unmapped_to_attributes or not normal:
            return IGNORE
        return f"attributes.{normal}"

    def resolved(self, headers: list[str]) -> dict[str, str]:
        """The field each header feeds; a field fed by two columns keeps the first and ignores the rest."""
        key = tuple(headers)
        if key not in self._cache:
            self._cache[key] = self._resolve(headers)
        return self._cache[key]

    def _resolve(self, headers: list[str]) -> dict[str, str]:
        taken: set[str] = set()
        resolved = {}
        for header in headers:
            target = self.target(header)
            if target != IGNORE and target in taken and header not in self.columns:
                target = IGNORE
            taken.add(target)
            resolved[header] = target
        return resolved

    def unmapped(self, headers: list[str]) -> list[str]:
        resolved = self.resolved(headers)
        return [h for h in headers if resolved[h].startswith("attributes.") and h not in self.columns]


def load_mapping(kind: str, path: Path | None) -> Mapping:
    """The mapping for an import: guessed, or read from a JSON or TOML mapping file."""
    if path is None:
        return parse_mapping(kind, None)
    try:
        text = path.read_text("utf-8")
    except (OSError, ValueError) as error:
        raise Invalid(f"cannot read the mapping file {path}: {error}") from None
    return parse_mapping(kind, text, toml=path.suffix.lower() == ".toml", where=str(path))


MAX_MAPPING_CHARS = 65_536
"""A mapping is kept whole on its import record (a resumed import needs it): a bounded one."""


def parse_mapping(kind: str, text: str | None, toml: bool = False, where: str = "mapping") -> Mapping:
    if kind not in KINDS:
        raise Invalid(f"unknown import kind {kind!r}; use one of {', '.join(KINDS)}")
    if not text:
        return Mapping(kind=kind, columns={})
    if len(text) > MAX_MAPPING_CHARS:
        raise Invalid(
            f"{where} is {len(text):,} characters long; a mapping may be at most {MAX_MAPPING_CHARS:,}"
        )
    try:
        data = tomllib.loads(text) if toml else json.loads(text)
    except ValueError as error:
        raise Invalid(f"{where} is not valid {'TOML' if toml else 'JSON'}: {error}") from None
    shape_ok = isinstance(data, dict) and all(
        isinstance(data.get(k, {}), dict) for k in ("columns", "defaults", "options")
    )
    if not shape_ok:
        raise Invalid(f"{where}: expected an object with 'columns', 'defaults' and 'options' objects")
    skip = data.get("options", {}).get("skip_lines")
    if skip is not None and (type(skip) is not int or not 0 <= skip <= MAX_SKIP_LINES):
        raise Invalid(f"{where}: options.skip_lines must be a whole number from 0 to {MAX_SKIP_LINES}")
    return Mapping.from_dict(kind, data)


@dataclass(frozen=True)
class _Slot:
    """Where one column's value goes in a record, worked out once per file rather than once per row."""

    column: str
    parents: tuple[str, ...]
    leaf: str
    is_date: bool


def _plan(mapping: Mapping, headers: tuple[str, ...]) -> list[_Slot]:
    plan = mapping._plans.get(headers)
    if plan is None:
        plan = []
        for column, target in mapping.resolved(list(headers)).items():
            if target != IGNORE:
                parents, leaf = _path(target)
                plan.append(_Slot(column, tuple(parents), leaf, target in DATE_FIELDS))
        mapping._plans[headers] = plan
    return plan


def apply(mapping: Mapping, values: dict[str, Any], number: int) -> tuple[dict[str, Any], list[Problem]]:
    """Turn a file row into the nested shape of a record; empty cells are left out."""
    record: dict[str, Any] = {}
    problems: list[Problem] = []
    for slot in _plan(mapping, tuple(values)):
        value = values[slot.column]
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if slot.is_date and mapping.date_format and isinstance(value, str):
            try:
                value = datetime.strptime(value.strip(), mapping.date_format).isoformat()
            except ValueError:
                reason = f"{value!r} does not match the date format {mapping.date_format!r}"
                problems.append(Problem(reason, field=slot.column, row=number))
                continue
        _put(_node(record, slot.parents), slot.leaf, value)
    for target, value in mapping.defaults.items():
        parents, leaf = _path(target)
        _node(record, parents).setdefault(leaf, value)
    return record, problems


def _path(target: str) -> tuple[list[str], str]:
    for prefix in ("customer.attributes.", "attributes."):
        if target.startswith(prefix):
            return prefix.rstrip(".").split("."), target.removeprefix(prefix)
    *parents, leaf = target.split(".")
    return parents, leaf


def _node(record: dict[str, Any], parents: Sequence[str]) -> dict[str, Any]:
    for part in parents:
        record = record.setdefault(part, {})
    return record


def _put(node: dict[str, Any], leaf: str, value: Any) -> None:
    if isinstance(value, dict) and isinstance(node.get(leaf), dict):
        node[leaf] = {**value, **node[leaf]}
    else:
        node[leaf] = value
