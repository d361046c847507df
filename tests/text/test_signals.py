"""Signals, each tied to the sentence that triggered it."""

from __future__ import annotations

import pytest

from voxpop.text.signals import detect


@pytest.mark.parametrize(
    ("sentence", "kind", "detail"),
    [
        ("I'm cancelling my subscription today.", "churn_intent", "leaving"),
        ("Switching to Verizon next month.", "churn_intent", "leaving"),
        ("I will never fly with you again.", "churn_intent", "leaving"),
        ("My lawyer will be in touch.", "urgency", "legal"),
        ("The heater is dangerous and burned my hand.", "urgency", "safety"),
        ("I am going to the press with this.", "urgency", "media"),
        ("I had to call three times to get an answer.", "effort", "repeated contact"),
        ("It would be great if you added dark mode.", "suggestion", "idea"),
        ("I am furious about this.", "emotion", "anger"),
        ("So frustrating, every single time.", "emotion", "frustration"),
        ("Really disappointed with the quality.", "emotion", "disappointment"),
        ("Thank you so much for the help!", "emotion", "gratitude"),
        ("I love the new design.", "emotion", "joy"),
    ],
)
def test_each_signal_is_found_with_its_sentence(sentence: str, kind: str, detail: str) -> None:
    hits = detect(["Hello there.", sentence])
    assert any(h.kind == kind and h.detail == detail and h.sentence_index == 1 for h in hits), hits


@pytest.mark.parametrize(
    "sentence", ["I'm not cancelling, don't worry.", "I am not happy at all.", "The flight was on time."]
)
def test_negated_or_plain_sentences_raise_no_churn_or_joy(sentence: str) -> None:
    assert not [h for h in detect([sentence]) if h.kind in ("churn_intent",) or h.detail == "joy"]
