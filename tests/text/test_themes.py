"""Themes: discovered from the workspace's own sentences, then curated by people; curation is kept when
discovery runs again, and new records are assigned to the curated themes with their sentence's sentiment."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import make_workspace, writing
from tests.text.factories import TOPICS, analyse_all, store_texts, verbatims
from voxpop.text import explore, themes
from voxpop.text.models import TextSentence, Theme, ThemeStatus

# These tests analyse what they store themselves (tests.text.factories.analyse_all); storing also queues
# the analysis job, so the test server's runner is paused meanwhile.
pytestmark = pytest.mark.usefixtures("background_jobs_paused")


def discovered_workspace(session: Session, per_topic: int = 40) -> tuple[uuid.UUID, list[tuple[str, str]]]:
    workspace_id = make_workspace(session)
    corpus = verbatims(per_topic)
    store_texts(session, workspace_id, [text for _, text in corpus])
    analyse_all(session, workspace_id)
    with writing(session) as writer:
        if not themes.theme_set(writer, workspace_id).ids:
            themes.discover(writer, workspace_id)
    analyse_all(session, workspace_id)
    session.rollback()  # see what was committed since this read session began
    return workspace_id, corpus


def topic_of_theme(session: Session, workspace_id: uuid.UUID) -> dict[uuid.UUID, str]:
    """The topic most of each top-level theme's sentences come from."""
    rows = session.execute(
        select(TextSentence.text, Theme.id, Theme.parent_id)
        .join(Theme, Theme.id == TextSentence.theme_id)
        .where(TextSentence.workspace_id == workspace_id)
    ).all()
    by_text = {text: topic for topic, text in verbatims(40)}
    votes: dict[uuid.UUID, Counter[str]] = {}
    for text, theme_id, parent_id in rows:
        votes.setdefault(parent_id or theme_id, Counter())[by_text.get(text, "?")] += 1
    return {theme_id: counter.most_common(1)[0][0] for theme_id, counter in votes.items()}


def test_discovery_finds_the_topics_customers_talk_about_and_names_them_by_their_phrases(
    session: Session,
) -> None:
    workspace_id, _ = discovered_workspace(session)
    tree = explore.theme_tree(session, workspace_id)
    assert 3 <= len(tree) <= 15
    assert all(view.status == ThemeStatus.ACTIVE and view.name and view.phrases for view in tree)
    assert set(topic_of_theme(session, workspace_id).values()) == set(TOPICS)
    assert sum(view.records for view in tree) >= len(verbatims(40)) * 0.9


def test_each_assigned_sentence_carries_its_own_sentiment(session: Session) -> None:
    workspace_id, _ = discovered_workspace(session)
    assigned = session.scalars(
        select(TextSentence).where(
            TextSentence.workspace_id == workspace_id, TextSentence.theme_id.is_not(None)
        )
    ).all()
    assert assigned and all(s.sentiment_label in ("negative", "neutral", "positive") for s in assigned)


def test_a_renamed_theme_keeps_its_name_when_discovery_runs_again(session: Session) -> None:
    workspace_id, _ = discovered_workspace(session)
    first = explore.theme_tree(session, workspace_id)[0]
    with writing(session) as writer:
        themes.rename(writer, workspace_id, first.id, "Late parcels")
    with writing(session) as writer:
        again = themes.discover(writer, workspace_id)
    assert again == []  # nothing new: the same clusters are known themes
    session.rollback()
    renamed = session.get(Theme, first.id)
    assert renamed is not None and renamed.name == "Late parcels" and renamed.edited


def test_a_deleted_theme_is_not_proposed_again(session: Session) -> None:
    workspace_id, _ = discovered_workspace(session)
    victim = explore.theme_tree(session, workspace_id)[0]
    with writing(session) as writer:
        themes.delete(writer, workspace_id, victim.id)
    with writing(session) as writer:
        assert themes.discover(writer, workspace_id) == []
    session.rollback()
    assert victim.id not in {view.id for view in explore.theme_tree(session, workspace_id)}


def test_merge_moves_sentences_and_the_source_disappears(session: Session) -> None:
    workspace_id, _ = discovered_workspace(session)
    source, target = explore.theme_tree(session, workspace_id)[:2]
    before = source.records + target.records
    with writing(session) as writer:
        themes.merge(writer, workspace_id, source.id, target.id)
    analyse_all(session, workspace_id)
    session.rollback()
    tree = {view.id: view for view in explore.theme_tree(session, workspace_id)}
    assert source.id not in tree
    assert tree[target.id].records >= max(source.records, target.records)
    assert tree[target.id].records <= before


def test_a_theme_added_from_example_phrases_collects_matching_new_records(session: Session) -> None:
    workspace_id = make_workspace(session)
    with writing(session) as writer:
        theme = themes.add(
            writer, workspace_id, "Refunds", ["I want my money back", "the refund has not arrived"], ""
        )
    store_texts(
        session,
        workspace_id,
        ["Where is my refund? I returned the item a month ago.", "Lovely weather today."],
    )
    analyse_all(session, workspace_id)
    session.rollback()
    detail = explore.theme_detail(session, workspace_id, theme.id)
    assert [example["text"] for example in detail["examples"]] == [
        "Where is my refund? I returned the item a month ago."
    ]


def test_split_makes_two_sub_themes_from_one_theme(session: Session) -> None:
    workspace_id = make_workspace(session)
    examples = [
        "The parcel arrived late",
        "The staff member was rude",
        "The delivery was delayed",
        "The agent was kind",
    ]
    with writing(session) as writer:
        theme = themes.add(writer, workspace_id, "Service", examples, "")
    corpus = [text for topic, text in verbatims(12) if topic != "price"]
    store_texts(session, workspace_id, corpus)
    analyse_all(session, workspace_id)
    with writing(session) as writer:
        halves = themes.split(writer, workspace_id, theme.id)
        names = sorted(h.name for h in halves)
        assert len(halves) == 2 and all(h.parent_id == theme.id for h in halves)
    assert names[0] != names[1]
    words = " ".join(names).lower()
    assert any(w in words for w in ("delivery", "parcel", "package", "shipping")), names
    assert any(w in words for w in ("staff", "agent", "cashier", "support", "employees")), names


def test_an_analysis_stays_current_when_the_clock_goes_backwards_and_goes_stale_when_the_text_changes(
    session: Session,
) -> None:
    from datetime import UTC, datetime

    from voxpop.kit.clock import reset_clock, set_clock
    from voxpop.text import repository, service

    workspace_id = make_workspace(session)
    set_clock(lambda: datetime(2030, 1, 1, tzinfo=UTC))  # written by a clock that runs ahead
    (record_id,) = store_texts(session, workspace_id, ["The parcel arrived late."])
    reset_clock()
    analyse_all(session, workspace_id)
    session.rollback()
    assert repository.stale_feedback(session, workspace_id, service.version(), 10) == []
    with writing(session) as writer:
        from voxpop.feedback.models import Feedback

        record = writer.get(Feedback, record_id)
        assert record is not None
        record.text, record.updated_at = "The parcel arrived on time.", datetime(2030, 1, 2, tzinfo=UTC)
    session.rollback()
    assert [row[0] for row in repository.stale_feedback(session, workspace_id, service.version(), 10)] == [
        record_id
    ]
