"""Sentences and aspect sentiment: each opinion gets its own sentence and its own sentiment."""

from __future__ import annotations

from voxpop.text import pipeline, service
from voxpop.text.sentences import split


def test_a_contrast_splits_one_sentence_into_two_opinions() -> None:
    assert [s.text for s in split("Delivery was slow but the driver was lovely.")] == [
        "Delivery was slow",
        "but the driver was lovely.",
    ]


def test_abbreviations_do_not_end_a_sentence_and_short_contrasts_stay_whole() -> None:
    assert [s.text for s in split("Mr. Smith helped me. Good but pricey")] == [
        "Mr. Smith helped me.",
        "Good but pricey",
    ]


def test_offsets_point_into_the_text() -> None:
    text = "First one!  Second one?\nThird, however the fourth part differs."
    assert all(text[s.start : s.end] == s.text for s in split(text))


def test_delivery_slow_driver_lovely_is_negative_about_one_and_positive_about_the_other() -> None:
    (doc,) = pipeline.analyse_texts(["Delivery was slow but the driver was lovely."], service.options())
    slow, lovely = doc.sentences
    assert slow.sentiment is not None and slow.sentiment.label == "negative"
    assert lovely.sentiment is not None and lovely.sentiment.label == "positive"


def test_record_sentiment_follows_what_dominates_and_scores_stay_in_range() -> None:
    texts = [
        "Absolutely terrible. The order was wrong, the refund never came and support ignored me. Thanks anyway.",
        "I love this shop, the staff are wonderful and everything arrived perfectly.",
    ]
    negative, positive = pipeline.analyse_texts(texts, service.options())
    assert (
        negative.sentiment is not None
        and negative.sentiment.label == "negative"
        and negative.sentiment.score < 0
    )
    assert (
        positive.sentiment is not None
        and positive.sentiment.label == "positive"
        and positive.sentiment.score > 0
    )


CALM_COMPLAINTS = [
    "I placed an order for a bookcase on 2 May. The website said it would arrive within a week. It is now the "
    "end of June and it has not been delivered. I have written to your support team twice and have not "
    "received an answer.",
    "Dear team, I was charged the annual fee although I closed my account in March. The confirmation email is "
    "attached. I would be grateful if the amount could be returned to my card.",
    "The technician was booked for Thursday between 8 and 12. Nobody came, and I was not informed. I had taken "
    "the morning off work to be at home.",
    "Following my call last week I was told that a replacement would be sent. Nothing has arrived, and the "
    "order page still shows the original item as delivered.",
]


def test_a_complaint_told_in_calm_words_is_negative() -> None:
    docs = pipeline.analyse_texts(CALM_COMPLAINTS)
    assert [d.sentiment.label if d.sentiment else None for d in docs] == ["negative"] * len(CALM_COMPLAINTS)


def test_calm_praise_and_a_plain_question_are_not_read_as_complaints() -> None:
    praise, question = pipeline.analyse_texts(
        [
            "I would like to thank the driver who delivered our sofa this morning. He was careful, on time "
            "and took the packaging away.",
            "Could you tell me whether the oak table also comes in a smaller size?",
        ]
    )
    assert praise.sentiment is not None and praise.sentiment.label == "positive"
    assert question.sentiment is not None and question.sentiment.label == "neutral"
