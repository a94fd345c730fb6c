"""What a coordinator types when setting up an IYO WORK day, and what the bot reads from it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.i18n import Locale, default_catalog
from core.jpcalendar import TOKYO, format_date, format_date_long, format_date_marked
from core.jpdates import DateParseError, ParsedDate, explain, parse_date_expression, parse_deadline

TODAY = date(2026, 11, 26)  # a Thursday


def parse(text: str, today: date = TODAY) -> ParsedDate:
    return parse_date_expression(text, today)


def error_of(text: str, today: date = TODAY) -> DateParseError:
    with pytest.raises(DateParseError) as caught:
        parse_date_expression(text, today)
    return caught.value


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-10",
        "2026/12/10",
        "2026.12.10",
        "12/10",
        "12月10日",
        "2026年12月10日",
        "令和8年12月10日",
        "12/10(木)",
        "12/10（木）",
        "１２／１０（木）",
        "２０２６年１２月１０日（木曜日）",
        "  12 / 10 ( 木 )  ",
        "Thu 12/10",
        "Thu, 10 Dec 2026",
        "Dec 10",
        "12/10(Thu)",
    ],
)
def test_every_way_of_writing_december_tenth(text: str) -> None:
    parsed = parse(text)
    assert parsed == ParsedDate(date(2026, 12, 10), None, None, text.strip())


@pytest.mark.parametrize(
    "text",
    [
        "12/10 13:00-17:00",
        "12/10(木) 13:00〜17:00",
        "12/10 13:00～17:00",
        "12/10 13:00−17:00",
        "12/10 13:00–17:00",
        "12/10 13:00—17:00",
        "12/10 13:00ー17:00",
        "12/10 13:00 - 17:00",
        "12/10 13時-17時",
        "12/10 13時〜17時",
        "12/10 13時から17時",
        "12/10 １３：００－１７：００",
        "12/10(木)13:00-17:00",
    ],
)
def test_an_afternoon_session_with_any_dash(text: str) -> None:
    parsed = parse(text)
    assert (parsed.date, parsed.start, parsed.end) == (date(2026, 12, 10), time(13), time(17))


def test_a_start_time_alone_and_japanese_minutes() -> None:
    assert parse("12/10 13:00").start == time(13)
    assert parse("12/10 13:00").end is None
    assert parse("12/10 9時半-12時15分").start == time(9, 30)
    assert parse("12/10 9時半-12時15分").end == time(12, 15)
    assert parse("12/10 13:00-17:00").starts_at(TOKYO) == datetime(2026, 12, 10, 13, tzinfo=TOKYO)
    assert parse("12/10 13:00-17:00").ends_at(TOKYO) == datetime(2026, 12, 10, 17, tzinfo=TOKYO)


def test_a_date_without_a_year_is_the_next_one_from_today() -> None:
    assert parse("1/20").date == date(2027, 1, 20)
    assert parse("11/26").date == TODAY
    assert parse("11/11").date == date(2027, 11, 11)  # passed over two weeks ago: next year
    assert parse("12/31").date == date(2026, 12, 31)
    assert parse("2/29", today=date(2027, 3, 1)).date == date(2028, 2, 29)
    assert parse("1/4", today=date(2026, 12, 28)).date == date(2027, 1, 4)


def test_relative_words() -> None:
    assert parse("今日").date == TODAY
    assert parse("明日 10:00").date == date(2026, 11, 27)
    assert parse("tomorrow").date == date(2026, 11, 27)


def test_reiwa_years_count_from_2019() -> None:
    assert parse("令和元年5月1日").date == date(2019, 5, 1)
    assert parse("令和1年12月1日").date == date(2019, 12, 1)
    assert parse("令和9年1月11日(月)").date == date(2027, 1, 11)
    assert parse("㋿8年12月10日").date == date(2026, 12, 10)
    assert error_of("令和元年4月30日").code == "impossible"  # still Heisei


def test_our_own_holiday_labels_read_back() -> None:
    assert parse("11/23(月・祝)", today=date(2026, 11, 1)).date == date(2026, 11, 23)
    assert parse("Mon 11/23 (holiday)", today=date(2026, 11, 1)).date == date(2026, 11, 23)


def test_a_wrong_weekday_is_refused_and_the_real_one_is_named() -> None:
    error = error_of("12/10(水)")
    assert error.code == "weekday_mismatch"
    assert error.original == "12/10(水)"
    catalog = default_catalog()
    assert explain(error, catalog.translator("ja")) == (
        "「12/10(水)」の曜日が合いません。その日は 2026年12月10日(木) です。"
    )
    assert explain(error, catalog.translator("en")) == (
        'The weekday in "12/10(水)" doesn\'t match: that day is Thu, 10 Dec 2026.'
    )
    # Last month's holiday label, typed today, means next year's 11/3: a Wednesday.
    assert error_of("11/3(火・祝)").details == {"actual": date(2027, 11, 3)}
    assert error_of("Fri 12/10").code == "weekday_mismatch"


@pytest.mark.parametrize(
    "text", ["2/30", "13/1", "0/5", "2026-02-29", "2027年4月31日", "令和0年1月1日"]
)
def test_dates_that_do_not_exist(text: str) -> None:
    assert error_of(text).code == "impossible"


@pytest.mark.parametrize(
    "text",
    ["12/10 25:00", "12/10 13:60", "12/10 17:00-13:00", "12/10 13:00-13:00", "12/10 24:00"],
)
def test_times_that_cannot_be_used(text: str) -> None:
    assert error_of(text).code == "bad_time"


@pytest.mark.parametrize("text", ["", "   ", "来週", "13:00", "12/10(木", "12/10(X)", "12/10 会議"])
def test_text_that_is_not_a_date(text: str) -> None:
    assert error_of(text).code == "unrecognised"


@pytest.mark.parametrize("text", ["12/10 午後", "12/10 PM", "12/10 13-", "12/10 13", "12/10 1p"])
def test_a_time_that_cannot_be_read_is_named_as_the_time(text: str) -> None:
    assert error_of(text).code == "time_unrecognised"


@pytest.mark.parametrize(
    "text", ["12/10 13:00～", "12/10 13時〜", "12/10 13時から", "12/10 13:00-"]
)
def test_a_time_with_an_open_end_is_a_start(text: str) -> None:
    parsed = parse_date_expression(text, TODAY)
    assert (parsed.start, parsed.end) == (time(13), None)


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_every_error_has_a_sentence_in_both_languages(locale: Locale) -> None:
    translator = default_catalog().translator(locale)
    for text in ["来週", "2/30", "12/10 25:00", "12/10(水)"]:
        sentence = explain(error_of(text), translator)
        assert text in sentence
        assert "{" not in sentence


def test_deadlines_are_aware_tokyo_moments() -> None:
    assert parse_deadline("12/10", TODAY, TOKYO) == datetime(2026, 12, 10, 23, 59, tzinfo=TOKYO)
    assert parse_deadline("12/10 17:00", TODAY, TOKYO).astimezone(UTC) == datetime(
        2026, 12, 10, 8, tzinfo=UTC
    )
    assert parse_deadline("12/10 9:00-17:00", TODAY, TOKYO).hour == 17


upcoming = st.integers(min_value=0, max_value=364).map(lambda n: TODAY + timedelta(days=n))
any_day = st.dates(min_value=date(2019, 5, 1), max_value=date(2099, 12, 31))


@given(upcoming, st.sampled_from(["ja", "en"]))
def test_short_labels_read_back_as_the_same_date_within_a_year(day: date, locale: Locale) -> None:
    # Labels written for today (`near`): far dates carry their year, so none reads as a slip.
    assert parse(format_date(day, locale, near=TODAY)).date == day
    assert parse(format_date_marked(day, locale, near=TODAY)).date == day


@given(any_day, st.sampled_from(["ja", "en"]))
def test_long_labels_read_back_as_the_same_date(day: date, locale: Locale) -> None:
    assert parse(format_date_long(day, locale)).date == day
