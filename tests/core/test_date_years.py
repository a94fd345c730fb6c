"""Which year a date without one means, and when a short date must show its year (QA finding 1).

Today is Thu 2026-11-26. A yearless date is the next such date, except: one that passed in the
last two weeks is a slip far more often than a plan a year ahead, and 2/29 in a year without one
would silently jump years; both are refused with a sentence saying what to write instead.
"""

from __future__ import annotations

from datetime import date

import pytest

from core.i18n import default_catalog
from core.jpcalendar import format_date, format_date_marked
from core.jpdates import DateParseError, explain, parse_date_expression

TODAY = date(2026, 11, 26)


def error_of(text: str, today: date = TODAY) -> DateParseError:
    with pytest.raises(DateParseError) as caught:
        parse_date_expression(text, today)
    return caught.value


@pytest.mark.parametrize("text", ["11/25", "11月12日", "Nov 20", "11/25(水)"])
def test_a_date_passed_in_the_last_two_weeks_is_refused(text: str) -> None:
    assert error_of(text).code == "just_passed"


def test_the_refusal_says_which_year_to_write() -> None:
    error = error_of("11/25")
    catalog = default_catalog()
    assert explain(error, catalog.translator("ja")) == (
        "「11/25」は過ぎています。来年の日付なら年も書いてください（例: 2027/11/25）。"
    )
    assert explain(error, catalog.translator("en")) == (
        '"11/25" has already passed. For a date next year, write the year too (e.g. 2027/11/25).'
    )
    # What it suggests is read as meant.
    assert parse_date_expression("2027/11/25", TODAY).date == date(2027, 11, 25)


def test_older_dates_and_written_years_still_mean_what_they_did() -> None:
    assert parse_date_expression("11/11", TODAY).date == date(2027, 11, 11)
    assert parse_date_expression("11/26", TODAY).date == TODAY
    assert parse_date_expression("2026/11/25", TODAY).date == date(2026, 11, 25)  # past: caller


def test_across_new_year_the_two_weeks_count_back_into_december() -> None:
    assert error_of("12/28", today=date(2027, 1, 8)).code == "just_passed"
    assert parse_date_expression("1/4", date(2026, 12, 28)).date == date(2027, 1, 4)


def test_february_29th_without_a_year_in_a_year_without_one_is_refused() -> None:
    error = error_of("2/29")
    assert error.code == "no_leap_day"
    assert explain(error, default_catalog().translator("ja")) == (
        "「2/29」: 2027年には 2月29日がありません。"
        "うるう年の日付なら年も書いてください（例: 2028/2/29）。"
    )
    assert "2027 has no 29 February" in explain(error, default_catalog().translator("en"))
    assert parse_date_expression("2028/2/29", TODAY).date == date(2028, 2, 29)
    # When the coming February has one, 2/29 is simply that day.
    assert parse_date_expression("2/29", date(2027, 3, 1)).date == date(2028, 2, 29)
    assert parse_date_expression("2/29", date(2028, 2, 29)).date == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("day", "ja", "en"),
    [
        (date(2026, 12, 10), "12/10(木)", "Thu 12/10"),
        (date(2027, 5, 27), "5/27(木)", "Thu 5/27"),  # six months ahead: still no year
        (date(2027, 11, 25), "2027/11/25(木)", "Thu 2027/11/25"),
        (date(2027, 11, 23), "2027/11/23(火・祝)", "Tue 2027/11/23 (holiday)"),
        (date(2025, 12, 10), "2025/12/10(水)", "Wed 2025/12/10"),
    ],
)
def test_a_short_date_far_from_today_shows_its_year(day: date, ja: str, en: str) -> None:
    assert format_date_marked(day, "ja", near=TODAY) == ja
    assert format_date_marked(day, "en", near=TODAY) == en
    assert format_date(day, "ja", near=TODAY) == ja.replace("・祝", "")
    # Without `near` nothing changes for those who do not ask.
    assert str(day.year) not in format_date_marked(day, "ja")
