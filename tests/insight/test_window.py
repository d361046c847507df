"""Windows people pick, resolved on the day they are looked at, and what each is compared with."""

from __future__ import annotations

from datetime import date

import pytest

from voxpop.insight.window import Window, check_comparison, resolve
from voxpop.kit.errors import Invalid

DAY = date(2026, 5, 20)


def test_a_preset_counts_back_from_the_day_it_is_looked_at_including_that_day() -> None:
    assert resolve("30d", None, None, on=DAY) == Window(date(2026, 4, 21), DAY, "30d")
    assert resolve("7d", None, None, on=DAY).days == 7
    assert resolve("quarter", None, None, on=DAY) == Window(date(2026, 4, 1), DAY, "quarter")
    assert resolve("12m", None, None, on=DAY) == Window(date(2025, 5, 21), DAY, "12m")


def test_typed_dates_make_a_custom_window_and_no_choice_means_all_time() -> None:
    assert resolve(None, date(2026, 1, 1), None, on=DAY) == Window(date(2026, 1, 1), None, "custom")
    assert resolve(None, None, None, on=DAY) == Window(None, None, "all")


def test_the_previous_period_is_as_long_and_ends_the_day_before() -> None:
    window = resolve("30d", None, None, on=DAY)
    before = window.compared_with("previous")
    assert before == Window(date(2026, 3, 22), date(2026, 4, 20))
    assert before is not None and before.days == 30


def test_the_same_period_a_year_earlier_survives_a_leap_day() -> None:
    window = Window(date(2024, 2, 29), date(2024, 3, 10))
    assert window.compared_with("year") == Window(date(2023, 2, 28), date(2023, 3, 10))


def test_an_open_window_or_no_comparison_compares_with_nothing() -> None:
    assert Window(None, DAY).compared_with("previous") is None
    assert resolve("30d", None, None, on=DAY).compared_with("none") is None


def test_unknown_presets_comparisons_and_reversed_dates_are_refused_naming_the_field() -> None:
    with pytest.raises(Invalid) as period:
        resolve("fortnight", None, None, on=DAY)
    assert period.value.problems[0].field == "period"
    with pytest.raises(Invalid) as compare:
        check_comparison("last-decade")
    assert compare.value.problems[0].field == "compare"
    with pytest.raises(Invalid) as dates:
        resolve(None, date(2026, 5, 2), date(2026, 5, 1), on=DAY)
    assert dates.value.problems[0].field == "since"
