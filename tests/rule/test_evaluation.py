"""Rules are evaluated in the background as records arrive (after text analysis), act once per record and
rule whatever happens, and see only their own workspace's records that arrived after they were switched on."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.delivery.factories import run_jobs
from tests.factories import make_tenant, post, writing
from tests.rule.factories import create_rule, matches, recent, send, tags, wait_for, wait_until_evaluated
from voxpop.delivery.models import Delivery
from voxpop.rule import service
from voxpop.rule.models import RuleEvaluation, RuleMatch
from voxpop.text import themes


def test_a_rule_acts_on_records_without_text_that_arrive_after_it_is_switched_on(
    session: Session, http: httpx.Client
) -> None:
    tenant = make_tenant(session)
    (before,) = send(http, tenant, recent(nps=1))
    created = create_rule(http, tenant)
    detractor, promoter = send(http, tenant, recent(nps=3), recent(nps=10))
    wait_until_evaluated(session, tenant.workspace_id, 2)
    assert tags(http, tenant, detractor) == ["detractor"]
    assert tags(http, tenant, promoter) == [] and tags(http, tenant, before) == []
    (match,) = matches(http, tenant, created["id"])
    assert match["feedback_id"] == detractor and match["matched"] == ["nps ≤ 6"]
    assert match["tags"] == ["detractor"]


def test_a_switched_off_rule_does_not_act_and_switched_on_again_acts_only_on_what_comes_next(
    session: Session, http: httpx.Client
) -> None:
    tenant = make_tenant(session)
    tagging = create_rule(http, tenant)
    create_rule(
        http,
        tenant,
        name="Everything",
        conditions={},
        actions=[{"type": "tag", "params": {"tags": ["seen"]}}],
    )
    post(http, tenant, f"/api/v1/rules/{tagging['id']}/disable", None)
    (while_off,) = send(http, tenant, recent(nps=0))
    wait_until_evaluated(session, tenant.workspace_id, 1)
    post(http, tenant, f"/api/v1/rules/{tagging['id']}/enable", None)
    (after,) = send(http, tenant, recent(nps=0))
    wait_until_evaluated(session, tenant.workspace_id, 2)
    assert tags(http, tenant, while_off) == ["seen"]
    assert tags(http, tenant, after) == ["detractor", "seen"]


def test_sentiment_theme_and_signal_conditions_hold_on_text_analysed_in_the_background(
    session: Session, http: httpx.Client
) -> None:
    tenant = make_tenant(session)
    with writing(session) as writer:
        refunds = themes.add(
            writer, tenant.workspace_id, "Refunds", ["I want my money back", "the refund has not arrived"], ""
        )
    for name, conditions in {
        "negative": {"sentiment": {"labels": ["negative"]}},
        "refunds": {"themes": [str(refunds.id)]},
        "churn": {"signals": ["churn_intent"]},
        "legal": {"signals": ["urgency.legal"]},
    }.items():
        create_rule(
            http,
            tenant,
            name=name,
            conditions=conditions,
            actions=[{"type": "tag", "params": {"tags": [name]}}],
        )
    angry, happy, legal = send(
        http,
        tenant,
        recent(
            text="Where is my refund? I returned the item a month ago. This is terrible, I'm cancelling my account."
        ),
        recent(text="Lovely staff, thank you so much for the wonderful help!"),
        recent(text="I will contact my lawyer about this."),
    )
    wait_until_evaluated(session, tenant.workspace_id, 3)
    assert tags(http, tenant, angry) == ["churn", "negative", "refunds"]
    assert tags(http, tenant, happy) == []
    assert "legal" in tags(http, tenant, legal) and "refunds" not in tags(http, tenant, legal)


def count(session: Session, model: type[RuleMatch] | type[Delivery], workspace_id: object) -> int:
    session.rollback()
    return int(
        session.scalar(select(func.count()).select_from(model).where(model.workspace_id == workspace_id)) or 0
    )


def test_a_rule_acts_once_per_record_under_a_rerun_and_when_the_record_changes(
    session: Session, http: httpx.Client, background_jobs_paused: None
) -> None:
    tenant = make_tenant(session)
    post(http, tenant, "/api/v1/webhooks", {"url": "http://127.0.0.1:9/hook", "event_types": ["rule.*"]})
    create_rule(
        http, tenant, actions=[{"type": "tag", "params": {"tags": ["detractor"]}}, {"type": "notify_webhook"}]
    )
    very_low = {"type": "tag", "params": {"tags": ["very low"]}}
    create_rule(http, tenant, name="Very low", conditions={"nps": {"max": 1}}, actions=[very_low])
    record = recent(nps=2, external_id="order-1")
    (record_id,) = send(http, tenant, record)
    run_jobs()
    assert (
        count(session, RuleMatch, tenant.workspace_id),
        count(session, Delivery, tenant.workspace_id),
    ) == (1, 1)
    with writing(session) as writer:  # a second worker that read the record before the first one committed
        writer.execute(
            RuleEvaluation.__table__.delete().where(RuleEvaluation.workspace_id == tenant.workspace_id)
        )
    with writing(session) as writer:
        assert service.evaluate_batch(writer, tenant.workspace_id) == 1
    assert tags(http, tenant, record_id) == ["detractor"]
    send(http, tenant, {**record, "nps": 1})  # the same record again, changed: evaluated again
    run_jobs()
    assert tags(http, tenant, record_id) == ["detractor", "very low"]
    assert (
        count(session, RuleMatch, tenant.workspace_id),
        count(session, Delivery, tenant.workspace_id),
    ) == (2, 1)


def test_a_rule_never_matches_another_workspaces_records(session: Session, http: httpx.Client) -> None:
    owner, stranger = make_tenant(session), make_tenant(session)
    created = create_rule(http, owner, conditions={})
    create_rule(http, stranger, name="theirs", conditions={"nps": {"min": 11 - 1}})
    (theirs,) = send(http, stranger, recent(nps=1))
    (mine,) = send(http, owner, recent(nps=1))
    wait_until_evaluated(session, owner.workspace_id, 1)
    wait_until_evaluated(session, stranger.workspace_id, 1)
    assert [m["feedback_id"] for m in matches(http, owner, created["id"])] == [mine]
    assert tags(http, stranger, theirs) == []
    assert wait_for(lambda: tags(http, owner, mine)) == ["detractor"]
