"""The builder's edits: small changes to a survey definition in its stored (JSON) form, each returning a new
one. Pure; the caller checks the result with the one definition model (`definition.Definition`) before
anything is saved, so the builder refuses exactly what the API refuses."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from typing import Any

from voxpop.survey.definition import FIXED_SCALES, SCORED, TEXT_LIMITS

Raw = dict[str, Any]
Form = Mapping[str, Sequence[str]]

TYPE_LABELS = {
    "nps": "Likelihood to recommend (NPS, 0–10)",
    "csat": "Satisfaction (CSAT, 1–5)",
    "ces": "Effort (CES, 1–7)",
    "rating": "Rating scale",
    "single_choice": "One choice",
    "multiple_choice": "Several choices",
    "short_text": "Short text",
    "long_text": "Long text",
    "matrix": "Several items on one scale (matrix)",
}
STARTER_TEXT = {
    "nps": "How likely are you to recommend us to a friend or colleague?",
    "csat": "How satisfied are you with us?",
    "ces": "The company made it easy for me to handle my issue.",
    "rating": "How would you rate us?",
    "single_choice": "Which one fits best?",
    "multiple_choice": "Which of these apply?",
    "short_text": "Anything to add?",
    "long_text": "What should we improve?",
    "matrix": "How would you rate each of these?",
}
OPERATORS = {
    "eq": "is",
    "ne": "is not",
    "lt": "is less than",
    "lte": "is at most",
    "gt": "is more than",
    "gte": "is at least",
    "in": "is one of",
    "not_in": "is none of",
    "answered": "is answered",
    "not_answered": "is not answered",
}
LIST_OPERATORS = ("in", "not_in")
PRESENCE_OPERATORS = ("answered", "not_answered")
MAX_CHOICES = 50


class Refused(Exception):
    """An edit that cannot be made as asked, and why, in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- finding things -------------------------------------------------------------------------------------


def questions(raw: Raw) -> list[Raw]:
    return [q for page in raw.get("pages", []) for q in page.get("questions", [])]


def locate(raw: Raw, question_id: str) -> tuple[int, int]:
    """(page index, position on the page) of a question."""
    for p, page in enumerate(raw.get("pages", [])):
        for i, question in enumerate(page.get("questions", [])):
            if question.get("id") == question_id:
                return p, i
    raise Refused(f"there is no question {question_id!r} (reload the page)")


def question(raw: Raw, question_id: str) -> Raw:
    p, i = locate(raw, question_id)
    return dict(raw["pages"][p]["questions"][i])


def earlier_questions(raw: Raw, page_index: int) -> list[Raw]:
    """The questions a condition on page `page_index` may use: those on earlier pages."""
    return [q for page in raw.get("pages", [])[:page_index] for q in page.get("questions", [])]


def free_id(raw: Raw, base: str) -> str:
    taken = {q.get("id") for q in questions(raw)}
    base = (re.sub(r"[^a-z0-9_]+", "_", base.lower()).strip("_") or "q")[:34]
    if not base[0].isalpha():
        base = "q_" + base
    if base not in taken:
        return base
    number = 2
    while f"{base}_{number}" in taken:
        number += 1
    return f"{base}_{number}"


def slug_value(label: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:30] or "option"
    if not base[0].isalpha():
        base = "o_" + base
    value, number = base, 2
    while value in taken:
        value, number = f"{base}_{number}", number + 1
    return value


# --- texts in several languages ---------------------------------------------------------------------------


def text_in(text: Any, language: str, default: str) -> str:
    if text is None:
        return ""
    if isinstance(text, str):
        return text if language == default else ""
    return str(text.get(language, ""))


def with_text(text: Any, language: str, default: str, value: str) -> Any:
    """`text` with its `language` version set to `value` (an empty value removes a translation)."""
    value = value.strip()
    if isinstance(text, dict):
        updated = {**text}
        if value:
            updated[language] = value
        else:
            updated.pop(language, None)
        if set(updated) == {default}:
            return updated[default]
        return updated or None
    if language == default:
        return value or None
    if not value:
        return text
    return {default: text, language: value} if text else {language: value}


# --- questions ------------------------------------------------------------------------------------------


def starter_question(raw: Raw, kind: str) -> Raw:
    if kind not in TYPE_LABELS:
        raise Refused(f"{kind!r} is not a question type")
    made: Raw = {"id": free_id(raw, kind), "type": kind, "text": STARTER_TEXT[kind], "required": False}
    _fit_to_type(made)
    return made


def _fit_to_type(q: Raw) -> None:
    """Gives a question what its type needs and drops what it does not take."""
    kind = q["type"]
    if kind in ("single_choice", "multiple_choice"):
        if not q.get("choices"):
            q["choices"] = [
                {"value": "option_1", "label": "Option 1"},
                {"value": "option_2", "label": "Option 2"},
            ]
    else:
        q["choices"] = []
    if kind == "matrix":
        if not q.get("items"):
            q["items"] = [{"value": "item_1", "label": "Item 1"}, {"value": "item_2", "label": "Item 2"}]
    else:
        q["items"] = []
    if kind in ("rating", "matrix"):
        q["scale"] = q.get("scale") or [1, 5]
    else:
        q["scale"] = None
    if kind not in SCORED and kind != "matrix":
        q["low_label"] = q["high_label"] = None


def add_question(raw: Raw, page_index: int, kind: str) -> tuple[Raw, str]:
    out = copy.deepcopy(raw)
    pages = out["pages"]
    if not 0 <= page_index < len(pages):
        raise Refused("there is no such page (reload the page)")
    made = starter_question(out, kind)
    pages[page_index]["questions"].append(made)
    return out, made["id"]


def move_question(raw: Raw, question_id: str, step: int) -> Raw:
    """One place up (-1) or down (+1); from the top or bottom of a page to the neighbouring page."""
    out = copy.deepcopy(raw)
    p, i = locate(out, question_id)
    pages = out["pages"]
    on_page = pages[p]["questions"]
    target = i + step
    if 0 <= target < len(on_page):
        on_page[i], on_page[target] = on_page[target], on_page[i]
        return out
    neighbour = p + step
    if not 0 <= neighbour < len(pages):
        raise Refused(f"it is already the {'first' if step < 0 else 'last'} question")
    if len(on_page) == 1:
        raise Refused(f"it is the only question on page {p + 1}; move the page instead, or delete the page")
    moved = on_page.pop(i)
    if step < 0:
        pages[neighbour]["questions"].append(moved)
    else:
        pages[neighbour]["questions"].insert(0, moved)
    return out


def place_question(raw: Raw, question_id: str, page_index: int, position: int) -> Raw:
    """Puts a question at `position` of page `page_index` (what dragging it there does)."""
    out = copy.deepcopy(raw)
    p, i = locate(out, question_id)
    pages = out["pages"]
    if not 0 <= page_index < len(pages):
        raise Refused("there is no such page (reload the page)")
    if p != page_index and len(pages[p]["questions"]) == 1:
        raise Refused(f"it is the only question on page {p + 1}; move the page instead, or delete the page")
    moved = pages[p]["questions"].pop(i)
    target = pages[page_index]["questions"]
    target.insert(max(0, min(position, len(target))), moved)
    return out


def duplicate_question(raw: Raw, question_id: str) -> tuple[Raw, str]:
    out = copy.deepcopy(raw)
    p, i = locate(out, question_id)
    twin = copy.deepcopy(out["pages"][p]["questions"][i])
    twin["id"] = free_id(out, question_id)
    out["pages"][p]["questions"].insert(i + 1, twin)
    return out, twin["id"]


def delete_question(raw: Raw, question_id: str) -> Raw:
    out = copy.deepcopy(raw)
    p, i = locate(out, question_id)
    if len(out["pages"][p]["questions"]) == 1:
        raise Refused(f"it is the only question on page {p + 1}; delete the page instead")
    users = users_of(out, question_id)
    if users:
        verb = "uses" if len(users) == 1 else "use"
        raise Refused(f"{' and '.join(users)} {verb} its answer; change or remove that first")
    out["pages"][p]["questions"].pop(i)
    if out.get("primary") == question_id:
        out["primary"] = None
    return out


def users_of(raw: Raw, question_id: str) -> list[str]:
    """Where the logic or piping of other questions and pages uses this question's answer."""
    found = []
    for number, page in enumerate(raw.get("pages", []), start=1):
        if any(c.get("question") == question_id for c in page.get("show_if", [])):
            found.append(f"the logic of page {number}")
        for q in page.get("questions", []):
            if q.get("id") == question_id:
                continue
            if any(c.get("question") == question_id for c in q.get("show_if", [])):
                found.append(f"the logic of {q['id']!r}")
            elif f"{{answer.{question_id}" in str(q.get("text")):
                found.append(f"the text of {q['id']!r}")
    return found


def save_question(raw: Raw, question_id: str, form: Form, language: str) -> tuple[Raw, str]:
    """The question as its edit form says (texts in `language`); returns the new definition and the
    question's id (it may have been renamed, and everything that used the old id follows)."""
    out = copy.deepcopy(raw)
    p, i = locate(out, question_id)
    default = out.get("default_language", "en")
    q = out["pages"][p]["questions"][i]
    kind = _one(form, "type") or q["type"]
    if kind not in TYPE_LABELS:
        raise Refused(f"{kind!r} is not a question type")
    q["type"] = kind
    for name in ("text", "help", "low_label", "high_label"):
        if name in form:
            q[name] = with_text(q.get(name), language, default, _one(form, name))
    q["required"] = _one(form, "required") == "on"
    if kind in ("rating", "matrix") and "scale_low" in form:
        q["scale"] = [_number(form, "scale_low"), _number(form, "scale_high")]
    q["choices"] = _options(q.get("choices", []), form, "choice", language, default)
    q["items"] = _options(q.get("items", []), form, "item", language, default)
    _fit_to_type(q)
    new_id = (_one(form, "id") or question_id).strip()
    if new_id != question_id:
        _rename(out, question_id, new_id)
    return out, new_id


def _options(old: list[Raw], form: Form, prefix: str, language: str, default: str) -> list[Raw]:
    """Choices (or matrix items) from rows `<prefix>_label` with hidden `<prefix>_value`; a row left empty
    is removed, a new row gets a value made from its label."""
    if f"{prefix}_label" not in form:
        return old
    labels = list(form.get(f"{prefix}_label", []))
    values = list(form.get(f"{prefix}_value", []))
    by_value = {o["value"]: o for o in old}
    taken: set[str] = {v for v in values if v}
    made = []
    for row, label in enumerate(labels[:MAX_CHOICES]):
        value = values[row] if row < len(values) else ""
        if not label.strip():
            if value and language != default and value in by_value:
                made.append(
                    {**by_value[value], "label": with_text(by_value[value]["label"], language, default, "")}
                )
            continue
        if not value:
            value = slug_value(label, taken)
            taken.add(value)
        earlier = by_value.get(value, {}).get("label")
        made.append({"value": value, "label": with_text(earlier, language, default, label)})
    return made


def question_id_after(changed: Raw, before: Raw, old: str) -> str:
    """The id the question `old` has in `changed` (the same place as in `before`)."""
    p, i = locate(before, old)
    return str(changed["pages"][p]["questions"][i]["id"])


def renamed(raw: Raw, old: str, new: str) -> Raw:
    out = copy.deepcopy(raw)
    _rename(out, old, new)
    return out


def _rename(raw: Raw, old: str, new: str) -> None:
    p, i = locate(raw, old)
    raw["pages"][p]["questions"][i]["id"] = new
    for page in raw["pages"]:
        for holder in [page, *page["questions"]]:
            for condition in holder.get("show_if", []):
                if condition.get("question") == old:
                    condition["question"] = new
        for q in page["questions"]:
            q["text"] = _repipe(q.get("text"), old, new)
    if raw.get("primary") == old:
        raw["primary"] = new


def _repipe(text: Any, old: str, new: str) -> Any:
    pattern = re.compile(r"\{answer\." + re.escape(old) + r"([|}])")
    if isinstance(text, str):
        return pattern.sub(r"{answer." + new + r"\1", text)
    if isinstance(text, dict):
        return {k: _repipe(v, old, new) for k, v in text.items()}
    return text


# --- pages ----------------------------------------------------------------------------------------------


def add_page(raw: Raw, kind: str) -> tuple[Raw, str]:
    out = copy.deepcopy(raw)
    made = starter_question(out, kind)
    out["pages"].append({"show_if": [], "questions": [made]})
    return out, made["id"]


def move_page(raw: Raw, index: int, step: int) -> Raw:
    out = copy.deepcopy(raw)
    pages = out["pages"]
    target = index + step
    if not (0 <= index < len(pages) and 0 <= target < len(pages)):
        raise Refused(f"it is already the {'first' if step < 0 else 'last'} page")
    pages[index], pages[target] = pages[target], pages[index]
    return out


def duplicate_page(raw: Raw, index: int) -> Raw:
    out = copy.deepcopy(raw)
    twin = copy.deepcopy(_page(out, index))
    for q in twin["questions"]:
        q["id"] = free_id({"pages": [*out["pages"], twin]}, q["id"])
    out["pages"].insert(index + 1, twin)
    return out


def delete_page(raw: Raw, index: int) -> Raw:
    out = copy.deepcopy(raw)
    page = _page(out, index)
    if len(out["pages"]) == 1:
        raise Refused("a survey needs at least one page")
    gone = {q["id"] for q in page["questions"]}
    users = sorted({u for qid in gone for u in users_of(out, qid) if u != f"the logic of page {index + 1}"})
    users = [
        u for u in users if not any(u == f"the logic of {g!r}" or u == f"the text of {g!r}" for g in gone)
    ]
    if users:
        verb = "uses" if len(users) == 1 else "use"
        raise Refused(f"{' and '.join(users)} {verb} answers from this page; change or remove that first")
    out["pages"].pop(index)
    if out.get("primary") in gone:
        out["primary"] = None
    return out


def _page(raw: Raw, index: int) -> Raw:
    pages = raw.get("pages", [])
    if not 0 <= index < len(pages):
        raise Refused("there is no such page (reload the page)")
    return pages[index]  # type: ignore[no-any-return]


# --- display and skip logic -----------------------------------------------------------------------------


def _holder(raw: Raw, scope: str) -> Raw:
    """The page (`page:<n>`) or question (`question:<id>`) whose `show_if` is edited."""
    kind, _, ref = scope.partition(":")
    if kind == "page" and ref.isdigit():
        return _page(raw, int(ref))
    if kind == "question":
        p, i = locate(raw, ref)
        return raw["pages"][p]["questions"][i]  # type: ignore[no-any-return]
    raise Refused("the form is damaged (reload the page)")


def add_condition(raw: Raw, scope: str, question_id: str) -> Raw:
    out = copy.deepcopy(raw)
    holder = _holder(out, scope)
    asked = question(out, question_id)
    holder.setdefault("show_if", []).append(starter_condition(asked))
    return out


def starter_condition(asked: Raw) -> Raw:
    kind = asked["type"]
    if kind in SCORED:
        low, high = FIXED_SCALES.get(kind) or tuple(asked.get("scale") or (0, 10))
        return {"question": asked["id"], "op": "lte", "value": low + (high - low) // 2}
    if asked.get("choices"):
        return {"question": asked["id"], "op": "eq", "value": asked["choices"][0]["value"]}
    return {"question": asked["id"], "op": "answered", "value": None}


def save_condition(raw: Raw, scope: str, index: int, form: Form) -> Raw:
    out = copy.deepcopy(raw)
    conditions = _holder(out, scope).get("show_if", [])
    if not 0 <= index < len(conditions):
        raise Refused("there is no such condition (reload the page)")
    condition = conditions[index]
    asked = question(out, condition["question"])
    op = _one(form, "compare")
    if op not in OPERATORS:
        raise Refused("choose how the answer compares")
    values = [v for v in form.get("value", []) if v.strip()]
    scored = asked["type"] in SCORED
    if op in PRESENCE_OPERATORS:
        value: Any = None
    elif op in LIST_OPERATORS:
        if not values:
            raise Refused("tick at least one answer")
        value = [int(v) if scored and v.lstrip("-").isdigit() else v for v in values]
    else:
        if len(values) != 1:
            raise Refused("choose one answer to compare with")
        value = int(values[0]) if scored and values[0].lstrip("-").isdigit() else values[0]
    conditions[index] = {"question": condition["question"], "op": op, "value": value}
    return out


def delete_condition(raw: Raw, scope: str, index: int) -> Raw:
    out = copy.deepcopy(raw)
    conditions = _holder(out, scope).get("show_if", [])
    if 0 <= index < len(conditions):
        conditions.pop(index)
    return out


def operators_for(asked: Raw) -> list[str]:
    if asked["type"] in SCORED:
        return list(OPERATORS)
    if asked["type"] in TEXT_LIMITS or asked["type"] == "matrix":
        return list(PRESENCE_OPERATORS)
    return ["eq", "ne", "in", "not_in", *PRESENCE_OPERATORS]


def answer_options(asked: Raw, default: str) -> list[tuple[str, str]]:
    """(value, label) a condition on this question may compare with."""
    if asked["type"] in SCORED:
        low, high = FIXED_SCALES.get(asked["type"]) or tuple(asked.get("scale") or (0, 10))
        return [(str(n), str(n)) for n in range(low, high + 1)]
    return [(c["value"], text_in(c["label"], default, default)) for c in asked.get("choices", [])]


def describe_condition(condition: Raw, asked: Raw | None, default: str) -> str:
    """ "How likely…" is at most 6 (0–6), in plain words."""
    name = _short(text_in(asked["text"], default, default)) if asked else condition.get("question", "?")
    op = condition.get("op", "")
    value = condition.get("value")
    labels = dict(answer_options(asked, default)) if asked else {}
    shown = (
        ", ".join(labels.get(str(v), str(v)) for v in value)
        if isinstance(value, list)
        else labels.get(str(value), str(value))
    )
    said = f"“{name}” {OPERATORS.get(op, op)}"
    if op in PRESENCE_OPERATORS:
        return said
    said += f" {shown}"
    if asked and asked["type"] in SCORED and op in ("lt", "lte", "gt", "gte") and isinstance(value, int):
        low, high = FIXED_SCALES.get(asked["type"]) or tuple(asked.get("scale") or (0, 10))
        first, last = {
            "lt": (low, value - 1),
            "lte": (low, value),
            "gt": (value + 1, high),
            "gte": (value, high),
        }[op]
        said += f" ({first}–{last})" if first < last else f" ({first})"
    return said


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- the survey as a whole ------------------------------------------------------------------------------


def save_settings(raw: Raw, form: Form, language: str) -> Raw:
    out = copy.deepcopy(raw)
    default = out.get("default_language", "en")
    if "thank_you" in form:
        out["thank_you"] = with_text(out.get("thank_you"), language, default, _one(form, "thank_you")) or (
            "Thank you for your answers."
        )
    if "consent_text" in form:
        out["consent_text"] = (
            with_text(out.get("consent_text"), language, default, _one(form, "consent_text"))
            or "May we contact you about your answers?"
        )
    if "hidden_fields" in form:
        names = re.split(r"[\s,;]+", _one(form, "hidden_fields"))
        out["hidden_fields"] = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    if "primary" in form:
        out["primary"] = _one(form, "primary") or None
    if "settings" in form:
        out["ask_consent"] = _one(form, "ask_consent") == "on"
        out["in_app"] = _one(form, "in_app") == "on"
    return out


def missing_translations(raw: Raw, language: str) -> int:
    """How many texts have no `language` version (shown in the default language until they do)."""
    default = raw.get("default_language", "en")
    missing = 0
    for text in texts_of(raw):
        if not text_in(text, language, default):
            missing += 1
    return missing


def texts_of(raw: Raw) -> list[Any]:
    found: list[Any] = [raw.get("thank_you")]
    for q in questions(raw):
        found.append(q.get("text"))
        found.extend(t for t in (q.get("help"), q.get("low_label"), q.get("high_label")) if t)
        found.extend(o["label"] for o in q.get("choices", []) + q.get("items", []))
    return found


def _one(form: Form, name: str) -> str:
    values = form.get(name) or [""]
    return str(values[0])


def _number(form: Form, name: str) -> int:
    raw = _one(form, name).strip()
    if not raw.lstrip("-").isdigit():
        raise Refused(
            f"the scale's {'lowest' if name.endswith('low') else 'highest'} point must be a whole number"
        )
    return int(raw)
