"""Theme names: short noun phrases from the theme's own sentences, never masking tokens, stop words, numbers
or a repeated word, distinct between siblings; a person's rename always wins."""

from __future__ import annotations

import re

import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sqlalchemy.orm import Session

from tests.factories import writing
from tests.text.test_themes import discovered_workspace
from voxpop.text import explore, naming, themes
from voxpop.text.models import Theme

MASKED = [
    "On XX/XX/XXXX XXXX XXXX charged me a late fee of {$35.00} again",
    "xxxx xxxx bank added a late fee to my account",
    "The late fee was charged twice by xxxx",
    "I called [name] about the late fee on card [card] and got nowhere",
    "Another late fee appeared on my statement on XX/XX/2019",
    "They refuse to remove the late fee from my [email] account",
]


def test_names_are_noun_phrases_without_masking_tokens_numbers_or_stop_words() -> None:
    [(name, phrases)] = naming.name_siblings([MASKED])
    assert name == "Late fee"
    for phrase in [name.lower(), *phrases]:
        words = phrase.split()
        assert not re.search(r"x{2,}|\d|\[|\{", phrase), phrase
        assert words[0] not in ENGLISH_STOP_WORDS and words[-1] not in ENGLISH_STOP_WORDS
        assert len(words) == len(set(words)) and 1 <= len(words) <= naming.MAX_WORDS


@pytest.mark.parametrize(
    "phrase", ["sort sort", "xxxx xxxx", "xx xx", "the delivery", "delivery was", "35 dollars"]
)
def test_repeats_masks_stop_word_ends_and_numbers_are_never_names(phrase: str) -> None:
    assert not naming.acceptable(phrase)


def test_a_problem_told_with_a_negation_is_named_as_one_phrase() -> None:
    sentences = [
        "My refund has not been received after three weeks",
        "The refund was never received",
        "Still my refund not received, please check",
    ]
    assert "refund not received" in naming.candidates(sentences[0])
    [(name, _)] = naming.name_siblings([sentences])
    assert name in ("Refund not received", "Refund")


def test_siblings_about_the_same_thing_get_distinct_names() -> None:
    delivery_late = ["The delivery was late again", "Late delivery of my order", "The delivery came late"]
    delivery_damaged = [
        "The delivery arrived damaged",
        "Damaged box on delivery",
        "The delivery box was crushed",
    ]
    names = [name for name, _ in naming.name_siblings([delivery_late, delivery_damaged], taken=["Delivery"])]
    assert len(set(names)) == 2 and "Delivery" not in names


def test_a_sub_theme_never_takes_its_parents_name_in_the_plural() -> None:
    dresses = ["I love these dresses", "Both dresses fit well", "The dresses are lovely"]
    [(name, _)] = naming.name_siblings([dresses], taken=["Dress"])
    assert name.lower() not in ("dress", "dresses")


def test_a_cluster_with_nothing_nameable_is_called_other() -> None:
    assert naming.name_siblings([["ok", "xxxx", "12 34"]]) == [("Other", [])]


def test_discovered_themes_carry_phrase_names_from_their_sentences(session: Session) -> None:
    workspace_id, corpus = discovered_workspace(session)
    tree = explore.theme_tree(session, workspace_id)
    words = {w.lower() for _, text in corpus for w in re.findall(r"[A-Za-z]+", text)}
    for view in tree:
        assert view.name[0].isupper() and not re.search(r"\d| / ", view.name)
        assert set(view.name.lower().split()) <= words, view.name
    assert len({view.name for view in tree}) == len(tree)


def test_a_rename_survives_refinement_as_the_data_grows(session: Session) -> None:
    workspace_id, _ = discovered_workspace(session)
    first = explore.theme_tree(session, workspace_id)[0]
    with writing(session) as writer:
        themes.rename(writer, workspace_id, first.id, "Parcels that come late")
    with writing(session) as writer:
        themes.refine(writer, workspace_id, 10_000, 40_000)
    session.rollback()
    renamed = session.get(Theme, first.id)
    assert renamed is not None and renamed.name == "Parcels that come late" and renamed.edited
    others = [view.name for view in explore.theme_tree(session, workspace_id) if view.id != first.id]
    assert "Parcels that come late" not in others
