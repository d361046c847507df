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
    "sentence",
    [
        "Honestly it is time to cancel my Netflix family plan.",
        "Please close my account today.",
        "We are thinking of switching from @acmetel.",
        "I’m so done with Globex.",
        "I'm taking my business elsewhere.",
        "We are looking for a new provider.",
        "After this week I am not going to choose Initech.",
        "Never using you again.",
        "Never again.",
        "Fix it by Friday or I am cancelling.",
        "Three outages this month #SwitchingToRival",
        "Moved everything over, switched to Umbrella yesterday.",
    ],
)
def test_new_churn_patterns(sentence: str) -> None:
    assert [h.kind for h in detect([sentence])].count("churn_intent") == 1


@pytest.mark.parametrize(
    "sentence",
    [
        "I want to cancel my order from Tuesday.",
        "I have to cancel my flight to Denver.",
        "We will cancel the 9am booking.",
        "You cancelled my flight again.",
        "Since we are leaving tomorrow for Oslo, where is the bag?",
        "Can I switch to an earlier flight?",
        "I'm not cancelling my membership, just asking.",
        "I had to book with another carrier for this trip.",
    ],
)
def test_one_order_a_cancelled_flight_or_a_trip_is_no_churn(sentence: str) -> None:
    assert not [h for h in detect([sentence]) if h.kind == "churn_intent"]


@pytest.mark.parametrize(
    "sentence",
    [
        "You should add a sleep timer.",
        "The warehouse really needs to hire more drivers.",
        "Fares should be locked once they are in the basket.",
        "The app needs a better search option.",
        "Your site needs a way to merge two orders.",
        "Please bring back the old playlist view!",
        "Please let customers choose a delivery slot.",
        "Could you make it an option in settings?",
        "Why not offer a student discount?",
        "Why is it not automatic when the basket qualifies?",
        "I wish you offered monthly billing.",
        "I hope this comes back as an option one day.",
        "As a frequent user, I would like to pin my favourite stores.",
        "I'm surprised you don't refund the fee automatically.",
        "Maybe if you answered emails there would be fewer calls.",
        "Please fix the boarding process at gate C, one agent for three hundred people.",
        "Upgrade the old trains!",
        "I would suggest a dark theme.",
        "Maybe a setting to hide the promotions?",
        "How about an option to skip the intro?",
        "Why don't you offer evening delivery slots?",
        "Why not get more staff on the tills at weekends?",
        "Shouldn't the delivery fee be free for members?",
        "There should be a way to change the address after ordering.",
        "Remove your minimum order requirement.",
        "Give your drivers more time between drops.",
        "You need more checkouts open on Saturdays.",
        "Any chance of adding Apple Pay?",
        "When will you start offering gift wrapping?",
        "I'd love an option to pay monthly.",
        "You should really consider opening a store in Leeds.",
        "Please let us choose a delivery slot.",
    ],
)
def test_new_suggestion_patterns(sentence: str) -> None:
    assert [h.kind for h in detect([sentence])].count("suggestion") == 1


@pytest.mark.parametrize(
    "sentence",
    [
        "Please fix this!",
        "You really need to fix this update.",
        "You should be ashamed of yourselves.",
        "Start listening to your customers.",
        "Can you add me to the 6pm flight?",
        "Please let me know when my parcel arrives.",
        "Please allow me to speak to a manager.",
        "You should have told me the flight was late.",
        "It would be nice to know where my bag is.",
        "Upgrade me and we are even.",
        "How do I remove the suggested contacts?",
        "I wish I had booked earlier.",
        "Please make it quick, I have a train to catch.",
        "I suggest others do the same and fly with someone else.",
        "Why don't you call me back?",
        "When will you refund my order?",
        "Please let us know what happened.",
    ],
)
def test_own_case_bug_fixes_and_scolding_are_no_suggestion(sentence: str) -> None:
    assert not [h for h in detect([sentence]) if h.kind == "suggestion"]


def test_the_phrase_keeps_the_typographic_apostrophe() -> None:
    (hit,) = [h for h in detect(["I’m done with Hooli."]) if h.kind == "churn_intent"]
    assert hit.phrase == "I’m done with"


@pytest.mark.parametrize(
    "sentence", ["I'm not cancelling, don't worry.", "I am not happy at all.", "The flight was on time."]
)
def test_negated_or_plain_sentences_raise_no_churn_or_joy(sentence: str) -> None:
    assert not [h for h in detect([sentence]) if h.kind in ("churn_intent",) or h.detail == "joy"]
