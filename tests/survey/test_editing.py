"""The builder's edits as pure functions of a definition: what they change, what follows a rename, and what
they refuse in plain words (the definition model then checks the result as a whole)."""

from __future__ import annotations

import pytest

from tests.survey.factories import nps_definition
from voxpop.survey import editing
from voxpop.survey.definition import Definition
from voxpop.survey.editing import Refused


def test_renaming_a_question_renames_it_in_logic_piping_and_the_main_score() -> None:
    raw = {**nps_definition(), "primary": "nps"}
    renamed, new_id = editing.save_question(raw, "nps", {"id": ["recommend"], "type": ["nps"]}, "en")
    assert new_id == "recommend"
    improve = renamed["pages"][1]["questions"][0]
    assert improve["show_if"] == [{"question": "recommend", "op": "lte", "value": 6}]
    assert improve["text"] == "You gave {answer.recommend}. What should we improve?"
    assert renamed["primary"] == "recommend"
    Definition.model_validate(renamed)


def test_a_question_or_page_whose_answers_later_logic_uses_cannot_be_deleted() -> None:
    raw = nps_definition()
    raw["pages"][0]["questions"].append({"id": "csat", "type": "csat", "text": "Satisfied?"})
    with pytest.raises(Refused, match="the logic of 'improve' and the logic of 'liked' use its answer"):
        editing.delete_question(raw, "nps")
    with pytest.raises(Refused, match="use answers from this page"):
        editing.delete_page(raw, 0)
    assert len(editing.delete_page(raw, 1)["pages"]) == 1


def test_moving_past_the_end_of_a_page_moves_to_the_next_page() -> None:
    raw = nps_definition()
    moved = editing.move_question(raw, "improve", -1)
    assert [[q["id"] for q in p["questions"]] for p in moved["pages"]] == [["nps", "improve"], ["liked"]]
    with pytest.raises(Refused, match="it is already the first question"):
        editing.move_question(raw, "nps", -1)


def test_a_matrix_keeps_its_items_and_takes_a_new_scale() -> None:
    raw, made = editing.add_question(nps_definition(), 1, "matrix")
    form = {
        "type": ["matrix"],
        "text": ["Rate each part"],
        "scale_low": ["1"],
        "scale_high": ["7"],
        "item_label": ["Delivery", "Price", "Packaging"],
        "item_value": ["item_1", "item_2", ""],
    }
    saved, _ = editing.save_question(raw, made, form, "en")
    matrix = editing.question(saved, made)
    assert matrix["scale"] == [1, 7]
    assert [i["value"] for i in matrix["items"]] == ["item_1", "item_2", "packaging"]
    Definition.model_validate(saved)


def test_a_translation_is_added_beside_the_default_text_and_removed_when_emptied() -> None:
    text = editing.with_text("How likely?", "de", "en", "Wie wahrscheinlich?")
    assert text == {"en": "How likely?", "de": "Wie wahrscheinlich?"}
    assert editing.with_text(text, "de", "en", "") == "How likely?"
    assert editing.missing_translations({"pages": [{"questions": [{"text": text}]}]}, "de") == 1  # thank-you


def test_conditions_read_back_in_plain_words() -> None:
    nps = {"id": "nps", "type": "nps", "text": "How likely are you to recommend us?"}
    said = editing.describe_condition({"question": "nps", "op": "lte", "value": 6}, nps, "en")
    assert said == "“How likely are you to recommend us?” is at most 6 (0–6)"
    assert editing.starter_condition(nps) == {"question": "nps", "op": "lte", "value": 5}
