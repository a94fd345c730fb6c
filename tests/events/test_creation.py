"""A coordinator creates an IYO WORK day directly, with one line or the creation card, and is
told exactly what is wrong when something is (no database: parsing and validation only)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from core.jpcalendar import TOKYO
from dialogs.events import EventDraft
from dialogs.events.creation import (
    EventDraftErrors,
    EventForm,
    parse_event_command,
    validate_event_form,
)

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=TOKYO)  # Thursday morning
TEAMS_LINK = (
    "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ%40thread.v2/0"
    "?context=%7b%22Tid%22%3a%225d2f%22%2c%22Oid%22%3a%22a1%22%7d"
)


def draft(args: str, now: datetime = NOW) -> EventDraft:
    result = parse_event_command(args, now, TOKYO)
    assert isinstance(result, EventDraft), result
    return result


def problems(args: str, now: datetime = NOW) -> EventDraftErrors:
    result = parse_event_command(args, now, TOKYO)
    assert isinstance(result, EventDraftErrors), result
    return result


def test_the_example_from_the_issue() -> None:
    event = draft("第3回IYO WORK 2027/1/20 10:00-16:00 会場:八幡浜市役所 定員:8")

    assert event.title == "第3回IYO WORK"
    assert event.day == date(2027, 1, 20)
    assert (event.start, event.end) == (time(10), time(16))
    assert event.venue == "八幡浜市役所"
    assert event.capacity == 8
    assert event.meeting_url is None
    # Registration closes 17:00 on the business day before (Tuesday 1/19).
    assert event.registration_deadline == datetime(2027, 1, 19, 17, 0, tzinfo=TOKYO)


def test_a_bare_date_is_a_whole_working_day() -> None:
    event = draft("IYO WORK 12/10")
    assert (event.day, event.start, event.end) == (date(2026, 12, 10), time(9), time(17))
    assert event.registration_deadline == datetime(2026, 12, 9, 17, 0, tzinfo=TOKYO)


def test_a_teams_meeting_link_full_of_colons_and_slashes_is_the_meeting_url() -> None:
    event = draft(f"第3回IYO WORK URL:{TEAMS_LINK} 2027/1/20 締切:1/18 12:00")

    assert event.meeting_url == TEAMS_LINK
    assert event.title == "第3回IYO WORK"
    assert event.day == date(2027, 1, 20)
    assert event.registration_deadline == datetime(2027, 1, 18, 12, 0, tzinfo=TOKYO)


@pytest.mark.parametrize(
    "option",
    [
        "会議URL:https://example.com/m",
        "会議ＵＲＬ：https://example.com/m",  # full-width, as an IME types it
        "URL: https://example.com/m",  # the value is the next word
        "url:https://example.com/m",
        "meeting-url:https://example.com/m",
    ],
)
def test_every_way_to_write_the_meeting_url(option: str) -> None:
    event = draft(f"第3回 {option} IYO WORK 1/20")
    assert event.meeting_url == "https://example.com/m"
    assert event.title == "第3回 IYO WORK"


def test_english_keys() -> None:
    event = draft(
        '3rd IYO WORK 2027/1/20 13:00-17:00 venue:"Yawatahama City Hall" capacity:12 '
        "url:https://example.com/m deadline:1/18"
    )
    assert event.title == "3rd IYO WORK"
    assert event.venue == "Yawatahama City Hall"
    assert event.capacity == 12
    assert event.meeting_url == "https://example.com/m"
    assert event.registration_deadline == datetime(2027, 1, 18, 23, 59, tzinfo=TOKYO)


def test_a_holiday_is_allowed() -> None:
    event = draft("新年の IYO WORK 2027/1/11")  # 成人の日
    assert event.day == date(2027, 1, 11)
    # The business day before a Monday holiday is the Friday.
    assert event.registration_deadline == datetime(2027, 1, 8, 17, 0, tzinfo=TOKYO)


def test_an_event_at_short_notice_takes_registrations_until_it_starts() -> None:
    evening = datetime(2026, 11, 26, 18, 0, tzinfo=TOKYO)
    event = draft("勉強会 11/27 13:00", now=evening)
    # The default (Thursday 17:00) has already passed.
    assert event.registration_deadline == datetime(2026, 11, 27, 13, 0, tzinfo=TOKYO)
    assert event.end == time(17)


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        ("研修 2025/12/10", ["date_past"]),
        ("研修 2/30", ["date_unreadable"]),
        ("研修", ["date_missing"]),
        ("研修 1/20 1/21", ["date_multiple"]),
        ("研修 1/20 16:00-10:00", ["date_unreadable"]),  # the end before the start
        ("研修 11/26 9:00", ["start_past"]),  # today, but it has begun
        ("研修 11/26", ["start_past"]),  # today from 09:00
        ("x" * 101 + " 1/20", ["title_too_long"]),
        ("1/20", ["title_empty"]),
        ("研修 1/20 定員:0", ["capacity_invalid"]),
        ("研修 1/20 定員:1001", ["capacity_invalid"]),
        ("研修 1/20 定員:たくさん", ["capacity_invalid"]),
        ("研修 1/20 会場:" + "会" * 101, ["venue_too_long"]),
        ("研修 1/20 URL:http://example.com/m", ["meeting_url_invalid"]),
        ("研修 1/20 URL:teams", ["meeting_url_invalid"]),
        ("研修 1/20 URL:https://example.com/" + "a" * 2000, ["meeting_url_too_long"]),
        ("研修 1/20 URL:https://a.example URL:https://b.example", ["option_repeated"]),
        ("研修 1/20 締切:1/21", ["deadline_after_start"]),
        ("研修 1/20 10:00 締切:1/20 12:00", ["deadline_after_start"]),
        ("研修 1/20 締切:2026/11/25", ["deadline_past"]),
        ("研修 1/20 締切:11/1", ["deadline_after_start"]),  # no year: next year's
        ("研修 1/20 締切:11/25", ["deadline_unreadable"]),  # yesterday: a slip, refused
        ("研修 1/20 締切:11/26 9:00", ["deadline_past"]),  # earlier today
        ("研修 1/20 締切:そのうち", ["deadline_unreadable"]),
        ("研修 1/20 会場:a 会場:b", ["option_repeated"]),
        ("研修 1/20 結果:回答後", ["results_unsupported"]),
    ],
)
def test_what_is_wrong_is_named(args: str, codes: list[str]) -> None:
    assert problems(args).codes == codes


def test_a_deadline_equal_to_the_start_is_fine() -> None:
    event = draft("研修 1/20 10:00 締切:1/20 10:00")
    assert event.registration_deadline == datetime(2027, 1, 20, 10, 0, tzinfo=TOKYO)


def test_every_problem_at_once_and_what_was_typed_is_kept() -> None:
    result = problems("x" * 101 + " 2/30 会場:松前町役場 定員:0 URL:http://x 締切:そのうち")

    assert result.codes == [
        "title_too_long",
        "date_unreadable",
        "capacity_invalid",
        "meeting_url_invalid",
        "deadline_unreadable",
    ]
    assert result.form == EventForm(
        title="x" * 101,
        date="2/30",
        venue="松前町役場",
        capacity="0",
        meeting_url="http://x",
        deadline="そのうち",
    )
    [unreadable] = result.for_field("date")
    assert unreadable.date_error is not None and unreadable.date_error.code == "impossible"


def test_the_day_is_kept_when_it_could_be_read_so_a_holiday_can_be_pointed_out() -> None:
    assert problems("研修 2027/1/11 定員:0").day == date(2027, 1, 11)
    assert problems("研修 2/30").day is None


def test_the_form_filled_in() -> None:
    result = validate_event_form(
        {
            "title": " 第3回IYO WORK ",
            "date": "2027年1月20日 10:00〜16:00",
            "venue": "八幡浜市役所",
            "capacity": "８名",
            "meeting_url": TEAMS_LINK,
            "deadline": "",
        },
        NOW,
        TOKYO,
    )
    assert result == EventDraft(
        title="第3回IYO WORK",
        day=date(2027, 1, 20),
        start=time(10),
        end=time(16),
        venue="八幡浜市役所",
        capacity=8,
        meeting_url=TEAMS_LINK,
        registration_deadline=datetime(2027, 1, 19, 17, 0, tzinfo=TOKYO),
    )


def test_the_form_with_two_dates_and_odd_values_says_so_and_keeps_them() -> None:
    fields = {"title": "研修", "date": "1/20\n1/21", "capacity": 8, "meeting_url": None}
    result = validate_event_form(fields, NOW, TOKYO)

    assert isinstance(result, EventDraftErrors)
    assert result.codes == ["date_multiple"]
    assert result.form.date == "1/20\n1/21"
    assert result.form.capacity == ""  # not a string: as if left blank
