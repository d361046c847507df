"""The structure planted in the demo company is found by what-changed: each effect's segment is
significantly worse in the effect's window than in the same span of time before it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from tests.factories import make_workspace, writing
from voxpop.demo import generator
from voxpop.demo import service as demo_service
from voxpop.insight.changes import Window, compare_windows

END = datetime(2025, 6, 1, tzinfo=UTC)


def test_every_planted_effect_is_found_as_a_significant_drop(session: Session) -> None:
    workspace_id = make_workspace(session)
    with writing(session) as writer:
        demo_service.load(writer, workspace_id, generator.generate(seed=7, end=END))
    for effect in generator.PLANTED_EFFECTS:
        start, stop = effect.period(END)
        during = Window(start.date(), stop.date())
        before = Window((start - (stop - start)).date(), start.date())
        where = tuple((f"customer.{name}", value) for name, value in effect.segment.items())
        change = compare_windows(session, workspace_id, effect.metric, during, before, where)
        assert change.significant, (effect.key, change)
        assert change.comparison.difference is not None and change.comparison.difference < 0, effect.key


def test_an_unaffected_segment_shows_no_significant_nps_drop_from_the_late_deliveries(
    session: Session,
) -> None:
    workspace_id = make_workspace(session)
    with writing(session) as writer:
        demo_service.load(
            writer, workspace_id, generator.generate(seed=7, end=END, customers=2000, feedback=12000)
        )
    start, _ = generator.PLANTED_EFFECTS[0].period(END)
    during = Window(start.date(), (start + timedelta(days=62)).date())
    before = Window((start - timedelta(days=62)).date(), start.date())
    change = compare_windows(session, workspace_id, "nps", during, before, (("customer.plan", "premium"),))
    assert not change.significant, change
