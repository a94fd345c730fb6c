"""The public-office calendar the bot plans with: holidays, year-end closure, deadlines, labels."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.jpcalendar import (
    TOKYO,
    add_business_days,
    at,
    business_days_between,
    end_of_day,
    format_date,
    format_date_long,
    format_date_marked,
    format_time_range,
    holiday_name,
    is_business_day,
    last_business_day_before,
    local_date,
    next_business_day,
    non_business_reason,
    previous_business_day,
    reminder_moment,
    weekday_name,
)


@pytest.mark.parametrize(
    ("day", "ja", "en"),
    [
        (date(2026, 11, 23), "勤労感謝の日", "Labor Thanksgiving Day"),
        (date(2026, 9, 22), "国民の休日", "National Holiday"),
        (date(2026, 5, 6), "振替休日", "Substitute Holiday"),
        (date(2027, 1, 11), "成人の日", "Coming of Age Day"),
        (date(2027, 3, 22), "振替休日", "Substitute Holiday"),
        (date(2028, 9, 22), "秋分の日", "Autumnal Equinox Day"),
        (date(2028, 7, 17), "海の日", "Marine Day"),
    ],
)
def test_national_holidays_close_offices_and_are_named_in_both_languages(
    day: date, ja: str, en: str
) -> None:
    assert not is_business_day(day)
    assert non_business_reason(day, "ja") == ja
    assert non_business_reason(day, "en") == en


def test_silver_week_2026_is_five_days_off_in_a_row() -> None:
    # 9/19 Sat, 9/20 Sun, 9/21 敬老の日, 9/22 国民の休日, 9/23 秋分の日
    closed = [date(2026, 9, 19) + timedelta(days=offset) for offset in range(5)]
    assert [is_business_day(day) for day in closed] == [False] * 5
    assert next_business_day(date(2026, 9, 18)) == date(2026, 9, 24)


def test_golden_week_2026_substitute_holiday_follows_constitution_day_on_sunday() -> None:
    assert holiday_name(date(2026, 5, 3)) == "憲法記念日"
    assert date(2026, 5, 3).weekday() == 6
    assert holiday_name(date(2026, 5, 6), "ja") == "振替休日"
    assert next_business_day(date(2026, 5, 1)) == date(2026, 5, 7)


def test_year_end_closure_runs_from_december_29_to_january_3() -> None:
    assert is_business_day(date(2026, 12, 28))
    for offset in range(6):
        day = date(2026, 12, 29) + timedelta(days=offset)
        assert not is_business_day(day), day
    assert date(2027, 1, 4).weekday() == 0
    assert is_business_day(date(2027, 1, 4))
    assert next_business_day(date(2026, 12, 28)) == date(2027, 1, 4)
    assert previous_business_day(date(2027, 1, 4)) == date(2026, 12, 28)


def test_year_end_is_the_reason_even_on_weekdays_but_new_years_day_keeps_its_name() -> None:
    assert non_business_reason(date(2026, 12, 29), "ja") == "年末年始"
    assert non_business_reason(date(2026, 12, 30), "en") == "Year-end holidays"
    assert non_business_reason(date(2027, 1, 1), "ja") == "元日"
    assert non_business_reason(date(2027, 1, 2), "ja") == "年末年始"  # a Saturday


def test_weekends_are_named_and_business_days_have_no_reason() -> None:
    assert non_business_reason(date(2026, 12, 12), "ja") == "土曜日"
    assert non_business_reason(date(2026, 12, 13), "ja") == "日曜日"
    assert non_business_reason(date(2026, 12, 12), "en") == "Saturday"
    assert non_business_reason(date(2026, 12, 10), "ja") is None
    assert non_business_reason(date(2026, 12, 10), "en") is None


def test_next_and_previous_business_day_include_today_only_when_asked() -> None:
    thursday = date(2026, 12, 10)
    assert next_business_day(thursday) == date(2026, 12, 11)
    assert next_business_day(thursday, include_today=True) == thursday
    assert previous_business_day(thursday) == date(2026, 12, 9)
    assert previous_business_day(thursday, include_today=True) == thursday
    assert next_business_day(date(2026, 11, 21), include_today=True) == date(2026, 11, 24)
    assert previous_business_day(date(2026, 11, 23), include_today=True) == date(2026, 11, 20)


def test_last_business_day_before_skips_the_long_weekend() -> None:
    assert last_business_day_before(date(2026, 11, 24)) == date(2026, 11, 20)
    assert last_business_day_before(date(2026, 12, 11)) == date(2026, 12, 10)
    assert last_business_day_before(date(2027, 1, 4)) == date(2026, 12, 28)


def test_adding_and_counting_business_days() -> None:
    assert add_business_days(date(2026, 11, 20), 1) == date(2026, 11, 24)
    assert add_business_days(date(2026, 12, 25), 2) == date(2027, 1, 4)
    assert add_business_days(date(2027, 1, 4), -1) == date(2026, 12, 28)
    assert add_business_days(date(2026, 12, 12), 0) == date(2026, 12, 12)
    assert business_days_between(date(2026, 12, 25), date(2027, 1, 4)) == 2
    assert business_days_between(date(2027, 1, 4), date(2026, 12, 25)) == -2
    assert business_days_between(date(2026, 12, 10), date(2026, 12, 10)) == 0
    # November 2026 has 30 days, 9 weekend days and 2 weekday holidays (11/3, 11/23).
    assert business_days_between(date(2026, 10, 31), date(2026, 11, 30)) == 19


def test_a_date_only_deadline_ends_at_2359_tokyo_time() -> None:
    deadline = end_of_day(date(2026, 12, 10), TOKYO)
    assert deadline.tzinfo is not None
    assert deadline.astimezone(UTC) == datetime(2026, 12, 10, 14, 59, tzinfo=UTC)
    assert at(date(2026, 12, 10), time(13), TOKYO).astimezone(UTC).hour == 4
    with pytest.raises(ValueError):
        at(date(2026, 12, 10), time(13, tzinfo=UTC), TOKYO)


def test_local_date_is_the_tokyo_calendar_day() -> None:
    late_evening_utc = datetime(2026, 12, 9, 15, 30, tzinfo=UTC)  # 00:30 on 12/10 in Tokyo
    assert local_date(late_evening_utc, TOKYO) == date(2026, 12, 10)
    assert local_date(late_evening_utc, ZoneInfo("UTC")) == date(2026, 12, 9)
    with pytest.raises(ValueError):
        local_date(datetime(2026, 12, 9, 15, 30), TOKYO)


def test_reminders_go_out_at_nine_on_the_last_business_day_before() -> None:
    assert reminder_moment(date(2026, 12, 10), TOKYO) == datetime(2026, 12, 9, 9, tzinfo=TOKYO)
    # A Tuesday event after 勤労感謝の日 is reminded on the Friday before.
    assert reminder_moment(date(2026, 11, 24), TOKYO) == datetime(2026, 11, 20, 9, tzinfo=TOKYO)
    assert reminder_moment(date(2027, 1, 5), TOKYO) == datetime(2027, 1, 4, 9, tzinfo=TOKYO)
    assert reminder_moment(date(2027, 1, 4), TOKYO) == datetime(2026, 12, 28, 9, tzinfo=TOKYO)


def test_dates_are_labelled_the_way_japanese_offices_write_them() -> None:
    assert format_date(date(2026, 12, 10), "ja") == "12/10(木)"
    assert format_date_marked(date(2026, 11, 23), "ja") == "11/23(月・祝)"
    assert format_date_marked(date(2026, 12, 29), "ja") == "12/29(火)"
    assert format_date_marked(date(2026, 12, 12), "ja") == "12/12(土)"
    assert format_date_long(date(2026, 12, 10), "ja") == "2026年12月10日(木)"
    assert weekday_name(date(2026, 12, 10), "ja") == "木曜日"


def test_dates_in_english() -> None:
    assert format_date(date(2026, 12, 10), "en") == "Thu 12/10"
    assert format_date_marked(date(2026, 11, 23), "en") == "Mon 11/23 (holiday)"
    assert format_date_marked(date(2026, 12, 10), "en") == "Thu 12/10"
    assert format_date_long(date(2026, 12, 10), "en") == "Thu, 10 Dec 2026"
    assert weekday_name(date(2026, 12, 10), "en") == "Thursday"


def test_time_ranges_use_an_en_dash_and_two_digit_hours() -> None:
    assert format_time_range(time(13), time(17)) == "13:00–17:00"
    assert format_time_range(time(9, 30), time(12, 5)) == "09:30–12:05"


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2099, 12, 1))


@given(days, st.booleans())
def test_next_business_day_is_a_business_day_on_or_after_the_input(
    day: date, include_today: bool
) -> None:
    found = next_business_day(day, include_today=include_today)
    assert is_business_day(found)
    assert found >= day if include_today else found > day
    between = [day + timedelta(days=n) for n in range(1, (found - day).days)]
    assert not any(is_business_day(skipped) for skipped in between)


@given(days, st.integers(min_value=-40, max_value=40))
def test_counting_undoes_adding(day: date, n: int) -> None:
    start = next_business_day(day, include_today=True)
    assert business_days_between(start, add_business_days(start, n)) == n
