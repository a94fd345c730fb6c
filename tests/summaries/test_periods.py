"""The period after 要約, read in Tokyo time."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dialogs.summaries.periods import PeriodError, parse_period

JST = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 12, 10, 10, 0, tzinfo=JST)


def jst(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=JST)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("words", "since", "until", "kind"),
    [
        ("", NOW - timedelta(days=7), NOW, "days"),
        ("30日", NOW - timedelta(days=30), NOW, "days"),
        ("３０日間", NOW - timedelta(days=30), NOW, "days"),
        ("直近14日", NOW - timedelta(days=14), NOW, "days"),
        ("30 days", NOW - timedelta(days=30), NOW, "days"),
        ("今月", jst(2026, 12, 1), NOW, "this_month"),
        ("先月", jst(2026, 11, 1), jst(2026, 12, 1), "month"),
        ("2026-11", jst(2026, 11, 1), jst(2026, 12, 1), "month"),
        ("2026年11月", jst(2026, 11, 1), jst(2026, 12, 1), "month"),
        ("２０２６／１１", jst(2026, 11, 1), jst(2026, 12, 1), "month"),
        ("2026-12", jst(2026, 12, 1), NOW, "month"),  # under way: until now
        ("11月", jst(2026, 11, 1), jst(2026, 12, 1), "month"),
        ("12月", jst(2026, 12, 1), NOW, "month"),
        ("1月", jst(2026, 1, 1), jst(2026, 2, 1), "month"),  # the latest January
        ("2025-12", jst(2025, 12, 1), jst(2026, 1, 1), "month"),
    ],
)
def test_periods(words: str, since: datetime, until: datetime, kind: str) -> None:
    period = parse_period(words, NOW, JST)
    assert (period.since, period.until, period.kind) == (since, until, kind)
    assert period.since.tzinfo is not None


@pytest.mark.parametrize(
    ("words", "reason"),
    [("そのうち", "unknown"), ("2026-13", "unknown"), ("0日", "unknown"), ("400日", "too_long")],
)
def test_what_is_not_a_period(words: str, reason: str) -> None:
    with pytest.raises(PeriodError) as raised:
        parse_period(words, NOW, JST)
    assert raised.value.reason == reason
