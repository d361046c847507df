"""Figures sliced and filtered by what the text says: the record's sentiment and the themes it mentions, from
the metrics API, the records behind a figure, and `voxpop metrics --json` alike."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.factories import Tenant, make_tenant, writing
from tests.insight.test_slices import by_key, figures
from tests.text.factories import analyse_all, store_answers
from voxpop.text import themes

# These tests analyse what they store themselves (tests.text.factories.analyse_all); storing also queues
# the analysis job, so the test server's runner is paused meanwhile.
pytestmark = pytest.mark.usefixtures("background_jobs_paused")

REFUND = "My refund never arrived."
STAFF = "The staff were friendly and helpful."
BOTH = "My refund never arrived. The staff were friendly and helpful."
NEITHER = "Ok."


@pytest.fixture
def tenant(session: Session) -> Tenant:
    """Refunds (with a sub-theme, Late refunds) and Staff; four refund answers, three staff answers, two that
    mention both and two that mention neither."""
    tenant = make_tenant(session)
    with writing(session) as writer:
        refunds = themes.add(writer, tenant.workspace_id, "Refunds", ["money back for a return"], "")
        themes.add(writer, tenant.workspace_id, "Late refunds", ["my refund never arrived"], "", refunds.id)
        themes.add(writer, tenant.workspace_id, "Staff", ["the staff were friendly and helpful"], "")
    answers = [(REFUND, s) for s in (0, 2, 4, 9)] + [(STAFF, s) for s in (10, 9, 8)]
    store_answers(session, tenant.workspace_id, [*answers, (BOTH, 6), (BOTH, 10), (NEITHER, 7), (NEITHER, 5)])
    analyse_all(session, tenant.workspace_id)
    return tenant


def nps(promoters: int, detractors: int, n: int) -> float:
    return 100 * (promoters - detractors) / n


def test_grouping_by_theme_counts_each_record_once_in_every_top_level_theme_it_mentions(
    http: httpx.Client, tenant: Tenant
) -> None:
    groups = by_key(figures(http, tenant, metric="nps", by="theme"), "theme")
    assert set(groups) == {
        "Refunds",
        "Staff",
    }  # the sub-theme counts under its theme; "no theme" has no group
    # Refunds: 0 2 4 9 + 6 10 → 2 promoters, 4 detractors of 6; Staff: 10 9 8 + 6 10 → 3 and 1 of 5
    assert (groups["Refunds"]["n"], groups["Refunds"]["value"]) == (6, pytest.approx(nps(2, 4, 6)))
    assert (groups["Staff"]["n"], groups["Staff"]["value"]) == (5, pytest.approx(nps(3, 1, 5)))


def test_a_theme_filter_matches_its_sub_themes_a_sub_theme_alone_and_missing_means_no_theme(
    http: httpx.Client, tenant: Tenant
) -> None:
    def n_where(**params: Any) -> int:
        (figure,) = figures(http, tenant, metric="nps", **params)
        return int(figure["n"])

    assert n_where(where="theme=Refunds") == 6
    assert n_where(where="theme=Late refunds") == 6
    assert n_where(where=["theme=Refunds", "theme=Staff"]) == 9  # either theme, each record once
    assert n_where(missing="theme") == 2
    assert n_where(where="theme=Nothing like it") == 0
    records = http.get(
        "/api/v1/records", params={"metric": "nps", "where": "theme=Staff"}, headers=tenant.headers()
    ).json()
    assert records["total"] == 5 and all("friendly" in r["excerpt"] for r in records["items"])


def test_grouping_and_filtering_by_sentiment_use_the_records_analysis(
    http: httpx.Client, tenant: Tenant
) -> None:
    groups = by_key(figures(http, tenant, metric="nps", by="sentiment"), "sentiment")
    assert sum(g["n"] for g in groups.values()) == 11  # every record is in exactly one sentiment group
    assert groups["positive"]["n"] >= 3  # the three staff-only answers are praise
    for label, group in groups.items():
        (filtered,) = figures(http, tenant, metric="nps", where=f"sentiment={label}")
        assert (filtered["n"], filtered["value"]) == (group["n"], pytest.approx(group["value"]))


def test_theme_names_of_another_workspace_neither_group_nor_match(
    http: httpx.Client, tenant: Tenant, session: Session
) -> None:
    stranger = make_tenant(session)
    store_answers(session, stranger.workspace_id, [(REFUND, 1), (STAFF, 10)])
    analyse_all(session, stranger.workspace_id)
    assert figures(http, stranger, metric="nps", by="theme") == []
    (figure,) = figures(http, stranger, metric="nps", where="theme=Refunds")
    assert figure["n"] == 0


def test_a_theme_is_refused_as_a_key_driver_predictor_with_its_per_theme_form_named(
    http: httpx.Client, tenant: Tenant
) -> None:
    reply = http.get(
        "/api/v1/drivers", params={"outcome": "nps", "predictors": "theme"}, headers=tenant.headers()
    )
    assert reply.status_code == 422 and "theme.<id>" in reply.text
