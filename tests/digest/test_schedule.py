"""When a channel's digest is due: the configured weekday and time, moved off holidays and the
year-end break, one digest for weeks that land on the same day, and a late one only within
business hours."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dialogs.digest.schedule import (
    Decision,
    Timing,
    decide,
    in_window,
    latest_due,
    next_due,
    next_window,
)

JST = ZoneInfo("Asia/Tokyo")
MONDAY_NINE = Timing(0, dt.time(9, 0))


def jst(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=JST)


def when(timing: Timing, now: dt.datetime, *, claimed: bool = False) -> Decision:
    return decide(timing, now, JST, enabled_at=jst(2025, 1, 1), claimed=claimed)


def test_monday_at_nine_is_due_then_and_not_a_minute_before() -> None:
    assert when(MONDAY_NINE, jst(2026, 11, 30, 8, 59)) == Decision(None, jst(2026, 11, 30))
    assert when(MONDAY_NINE, jst(2026, 11, 30, 9, 0)) == Decision(
        jst(2026, 11, 30), jst(2026, 12, 7)
    )


@pytest.mark.parametrize(
    ("timing", "week_of", "due"),
    [
        # 勤労感謝の日 (Mon 11/23/2026): the next business day.
        (MONDAY_NINE, dt.date(2026, 11, 23), jst(2026, 11, 24)),
        # 成人の日 (Mon 1/11/2027), at 13:30 that Tuesday.
        (Timing(0, dt.time(13, 30)), dt.date(2027, 1, 11), jst(2027, 1, 12, 13, 30)),
        # Golden Week: 昭和の日 is Thu 4/29/2027.
        (Timing(3, dt.time(9, 0)), dt.date(2027, 4, 26), jst(2027, 4, 30)),
        # 年末年始 (12/29–1/3): a Wednesday digest on 12/30/2026 waits for Mon 1/4/2027.
        (Timing(2, dt.time(9, 0)), dt.date(2026, 12, 28), jst(2027, 1, 4)),
    ],
)
def test_a_day_off_moves_the_digest_to_the_next_business_day(
    timing: Timing, week_of: dt.date, due: dt.datetime
) -> None:
    monday = dt.datetime.combine(week_of, dt.time(0, 0), tzinfo=JST)
    assert next_due(timing, monday, JST) == due
    assert when(timing, due).due == due


def test_two_weeks_due_the_same_day_make_one_digest() -> None:
    # Mon 12/29/2025 is in the year-end break: moved to Mon 1/5/2026, that week's own day.
    assert next_due(MONDAY_NINE, jst(2025, 12, 22), JST) == jst(2026, 1, 5)
    assert when(MONDAY_NINE, jst(2026, 1, 5)) == Decision(
        jst(2026, 1, 5),
        jst(2026, 1, 13),  # Mon 1/12/2026 is 成人の日
    )
    # Once it is claimed, nothing more is due that day.
    assert when(MONDAY_NINE, jst(2026, 1, 5, 9, 30), claimed=True) == Decision(
        None, jst(2026, 1, 13)
    )


def test_a_bot_that_was_down_posts_when_back_within_business_hours() -> None:
    # Back at 11:00 on the Monday: posted at once.
    assert when(MONDAY_NINE, jst(2026, 11, 30, 11, 0)).due == jst(2026, 11, 30)
    # Back at 20:00: at 08:00 the next business day.
    assert when(MONDAY_NINE, jst(2026, 11, 30, 20, 0)) == Decision(None, jst(2026, 12, 1, 8, 0))
    assert when(MONDAY_NINE, jst(2026, 12, 1, 8, 0)).due == jst(2026, 11, 30)
    # Back on Saturday: Monday's own digest (09:00) covers both weeks; no 08:00 catch-up first.
    assert when(MONDAY_NINE, jst(2026, 12, 5, 10, 0)) == Decision(None, jst(2026, 12, 7))
    assert when(MONDAY_NINE, jst(2026, 12, 7, 8, 30)) == Decision(None, jst(2026, 12, 7))


def test_a_digest_turned_on_after_its_moment_starts_the_next_week() -> None:
    after = decide(MONDAY_NINE, jst(2026, 11, 30, 10), JST, enabled_at=jst(2026, 11, 30, 9, 30),
                   claimed=False)  # fmt: skip
    assert after == Decision(None, jst(2026, 12, 7))


def test_the_posting_window_is_business_days_from_eight_to_seven() -> None:
    assert in_window(jst(2026, 11, 30, 8, 0), JST)
    assert not in_window(jst(2026, 11, 30, 19, 0), JST)
    assert not in_window(jst(2026, 11, 23, 12, 0), JST)  # 勤労感謝の日
    assert not in_window(jst(2026, 12, 29, 12, 0), JST)  # 年末年始
    assert next_window(jst(2026, 11, 30, 7, 0), JST) == jst(2026, 11, 30, 8, 0)
    assert next_window(jst(2026, 12, 28, 19, 30), JST) == jst(2027, 1, 4, 8, 0)


def test_the_latest_due_moment_is_found_across_a_long_break() -> None:
    assert latest_due(MONDAY_NINE, jst(2026, 1, 4, 12), JST) == jst(2025, 12, 22)
