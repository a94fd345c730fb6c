"""The period after 要約, read in Tokyo time."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.i18n import Translator, default_catalog
from dialogs.summaries.periods import PeriodError, parse_period
from dialogs.summaries.views import period_label

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
        # NOW is Thursday 12/10: the week began on Monday 12/7.
        ("今週", jst(2026, 12, 7), NOW, "this_week"),
        ("this week", jst(2026, 12, 7), NOW, "this_week"),
        ("先週", jst(2026, 11, 30), jst(2026, 12, 7), "last_week"),
        ("今日", jst(2026, 12, 10), NOW, "today"),
        ("昨日", jst(2026, 12, 9), jst(2026, 12, 10), "yesterday"),
        ("yesterday", jst(2026, 12, 9), jst(2026, 12, 10), "yesterday"),
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


@pytest.mark.parametrize(
    ("words", "locale", "label"),
    [
        ("先週", "ja", "先週: 11/30(月)〜12/6(日)"),
        ("今週", "ja", "今週: 12/7(月)〜12/10(木)"),
        ("昨日", "ja", "昨日: 12/9(水)"),
    ],
)
def test_a_named_period_is_shown_with_its_days(words: str, locale: str, label: str) -> None:
    t = Translator(default_catalog(), locale)
    assert period_label(t, parse_period(words, NOW, JST), JST) == label


@pytest.mark.parametrize(
    ("words", "label"),
    [
        ("366日", "直近 366 日間: 2025/12/9(火)〜2026/12/10(木)"),
        ("200日", "直近 200 日間: 2026/5/24(日)〜2026/12/10(木)"),
        ("30日", "直近 30 日間: 11/10(火)〜12/10(木)"),
    ],
)
def test_a_long_period_shows_its_years(words: str, label: str) -> None:
    t = Translator(default_catalog(), "ja")
    assert period_label(t, parse_period(words, NOW, JST), JST) == label


@pytest.mark.parametrize(
    ("words", "days"),
    [("一週間", 7), ("2週間", 14), ("二十日", 20), ("1か月", 30), ("3ヶ月", 91), ("2 weeks", 14)],
)
def test_weeks_and_months_are_that_many_days_back(words: str, days: int) -> None:
    period = parse_period(words, NOW, JST)
    assert (period.kind, period.days, period.until) == ("days", days, NOW)


@pytest.mark.parametrize("words", ["13か月", "53週間", "9999日", "12345678901234567890日"])
def test_a_count_past_366_days_is_too_long(words: str) -> None:
    with pytest.raises(PeriodError) as raised:
        parse_period(words, NOW, JST)
    assert raised.value.reason == "too_long"
