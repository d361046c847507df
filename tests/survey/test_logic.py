"""The pure rules behind the pages: conditions, language choice and piping."""

from __future__ import annotations

import pytest

from voxpop.survey import logic
from voxpop.survey.definition import Condition, Definition


@pytest.mark.parametrize(
    ("condition", "answers", "expected"),
    [
        ({"question": "nps", "op": "lte", "value": 6}, {"nps": 6}, True),
        ({"question": "nps", "op": "lte", "value": 6}, {"nps": 7}, False),
        ({"question": "nps", "op": "lte", "value": 6}, {}, False),
        ({"question": "nps", "op": "gt", "value": 8}, {"nps": 9}, True),
        ({"question": "pick", "op": "eq", "value": "a"}, {"pick": "a"}, True),
        ({"question": "pick", "op": "ne", "value": "a"}, {"pick": "b"}, True),
        ({"question": "many", "op": "in", "value": ["x", "y"]}, {"many": ["y", "z"]}, True),
        ({"question": "many", "op": "not_in", "value": ["x"]}, {"many": ["y"]}, True),
        ({"question": "many", "op": "not_in", "value": ["x"]}, {"many": ["x"]}, False),
        ({"question": "t", "op": "answered"}, {"t": "hi"}, True),
        ({"question": "t", "op": "not_answered"}, {}, True),
        ({"question": "t", "op": "gte", "value": 3}, {"t": "words"}, False),
    ],
)
def test_conditions(condition: dict[str, object], answers: dict[str, object], expected: bool) -> None:
    assert logic.holds(Condition.model_validate(condition), answers) is expected


def test_an_operator_without_its_value_is_refused() -> None:
    with pytest.raises(ValueError, match="needs a value"):
        Condition.model_validate({"question": "nps", "op": "lt"})
    with pytest.raises(ValueError, match="takes a list"):
        Condition.model_validate({"question": "nps", "op": "in", "value": 3})


DEFINITION = Definition.model_validate(
    {
        "default_language": "en",
        "pages": [
            {"questions": [{"id": "a", "type": "nps", "text": {"en": "Hi", "de": "Hallo", "fr-CA": "Allo"}}]}
        ],
    }
)


@pytest.mark.parametrize(
    ("asked", "contact", "header", "expected"),
    [
        ("de", "fr-CA", "en", "de"),
        (None, "fr-CA", "de", "fr-CA"),
        (None, None, "es, de;q=0.8, en;q=0.9", "en"),
        (None, None, "es, de-AT;q=0.8", "de"),
        (None, None, "de;q=0, es", "en"),
        ("xx", None, None, "en"),
        (None, "DE", None, "de"),
    ],
)
def test_language_is_the_links_then_the_contacts_then_the_browsers(
    asked: str | None, contact: str | None, header: str | None, expected: str
) -> None:
    assert logic.choose_language(DEFINITION, asked, contact, header) == expected


def test_piping_fills_names_answers_and_hidden_fields_with_fallbacks() -> None:
    text = "{first_name|there}, you gave {answer.nps} for order {hidden.order}; picked {answer.many}."
    filled = logic.pipe(text, {"nps": 4, "many": ["x", "y"]}, {"order": "A-1"}, None)
    assert filled == "there, you gave 4 for order A-1; picked x, y."
    assert logic.pipe("{first_name}!", {}, {}, "Ada") == "Ada!"


def test_a_translation_that_is_missing_falls_back_and_says_so() -> None:
    found = logic.localize({"en": "Hi"}, "de", "en")
    assert (found.value, found.language, found.fallback) == ("Hi", "en", True)
    assert logic.localize({"en": "Hi", "de": "Hallo"}, "de", "en").fallback is False
