"""Every text component meets the same checks on awkward input, as scikit-learn checks every estimator:
it keeps one document per input and in order, never crashes, keeps sentence offsets true to the stored text,
and keeps scores in range. Then the whole pipeline on each kind of bad input the issue names."""

from __future__ import annotations

import pytest

from voxpop.text import pipeline, service
from voxpop.text.components import registered

AWKWARD = {
    "empty": "",
    "spaces": "   \n\t  ",
    "emoji only": "👍👍🎉",
    "long": "The checkout kept failing on my phone. " * 2600,
    "mixed languages": "The app is great and I use it every day. Das Essen war kalt und der Kellner war unfreundlich.",
    "html": "<p>The <b>refund</b> took 3 weeks &amp; nobody answered.</p><script>alert(1)</script><br>Awful.",
    "control characters": "Bad\x00 service\x07 and\x1b[31m rude staff\u200b here",
    "foreign": "Das Essen war kalt und der Kellner war sehr unfreundlich zu uns allen.",
    "japanese": "配達が遅くて、商品も壊れていました。",
}


def run_until(name: str, texts: list[str]) -> list[pipeline.Doc]:
    names = list(pipeline.DEFAULT_COMPONENTS)
    return pipeline.analyse_texts(texts, service.options(), names[: names.index(name) + 1])


@pytest.mark.parametrize("name", pipeline.DEFAULT_COMPONENTS)
def test_each_component_keeps_one_document_per_text_in_order_on_awkward_input(name: str) -> None:
    texts = list(AWKWARD.values())
    docs = run_until(name, texts)
    assert [doc.raw for doc in docs] == texts
    for doc in docs:
        for sentence in doc.sentences:
            assert doc.text[sentence.start : sentence.end] == sentence.text
            assert sentence.text.strip()
        if doc.sentiment is not None:
            assert -1.0 <= doc.sentiment.score <= 1.0


def test_every_component_declares_name_version_needs_and_sets() -> None:
    components = registered()
    assert set(pipeline.DEFAULT_COMPONENTS) <= set(components)
    for name in pipeline.DEFAULT_COMPONENTS:
        component = components[name]
        assert component.name == name and component.version and component.sets


def analysed(kind: str) -> pipeline.Doc:
    (doc,) = pipeline.analyse_texts([AWKWARD[kind]], service.options())
    return doc


def test_empty_text_is_flagged_and_not_scored() -> None:
    doc = analysed("empty")
    assert "empty" in doc.flags and doc.sentences == [] and doc.sentiment is None


def test_emoji_only_text_is_read_through_its_emoji() -> None:
    doc = analysed("emoji only")
    assert "no_words" in doc.flags
    assert doc.sentiment is not None and doc.sentiment.score > 0


def test_100_kb_of_text_is_cut_at_the_limit_and_flagged() -> None:
    doc = analysed("long")
    assert len(AWKWARD["long"]) > 100_000
    assert "truncated" in doc.flags and len(doc.text) <= service.options().max_chars
    assert doc.sentiment is not None and len(doc.sentences) > 1000


def test_html_is_stripped_to_its_words() -> None:
    doc = analysed("html")
    assert "<" not in doc.text and "alert" not in doc.text and "&amp;" not in doc.text
    assert "refund took 3 weeks & nobody answered." in doc.text


def test_control_characters_are_removed() -> None:
    doc = analysed("control characters")
    assert all(ch.isprintable() or ch == "\n" for ch in doc.text)


@pytest.mark.parametrize("kind", ["foreign", "japanese"])
def test_a_language_the_model_does_not_cover_is_stored_flagged_and_not_scored_as_neutral(kind: str) -> None:
    doc = analysed(kind)
    assert doc.language != "en" and not doc.supported
    assert "language_not_supported" in doc.flags
    assert doc.sentiment is None and all(s.sentiment is None for s in doc.sentences)
    assert doc.text == AWKWARD[kind].strip()


def test_mixed_languages_score_only_the_covered_sentences() -> None:
    doc = analysed("mixed languages")
    english, german = doc.sentences
    assert english.sentiment is not None and english.sentiment.label == "positive"
    assert german.language == "de" and german.sentiment is None
