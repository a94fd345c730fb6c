"""How the words of a one-line `イベント作成 …` are read (QA findings 1–3): a venue keeps its
spaces, English times are read, a just-passed date or 2/29 is refused instead of moving years,
and a time-like word never silently joins the title."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from core.i18n import Locale, default_catalog
from core.jpcalendar import TOKYO
from dialogs.events import EventDraft
from dialogs.events.creation import EventDraftErrors, parse_event_command

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=TOKYO)  # Thursday morning
LINK = "https://teams.microsoft.com/l/meetup-join/abc"


def draft(args: str) -> EventDraft:
    result = parse_event_command(args, NOW, TOKYO)
    assert isinstance(result, EventDraft), result
    return result


def problems(args: str) -> EventDraftErrors:
    result = parse_event_command(args, NOW, TOKYO)
    assert isinstance(result, EventDraftErrors), result
    return result


@pytest.mark.parametrize(
    "args",
    [
        f"第3回IYO WORK 12/10 会場: 松前町役場 3階 大会議室 URL:{LINK}",
        f"第3回IYO WORK 12/10 URL:{LINK} 会場:松前町役場 3階 大会議室",
        "第3回IYO WORK 会場:松前町役場 3階 大会議室 12/10 定員:8",
    ],
)
def test_a_venue_with_spaces_is_kept_whole(args: str) -> None:
    event = draft(args)
    assert (event.title, event.venue, event.day) == (
        "第3回IYO WORK",
        "松前町役場 3階 大会議室",
        date(2026, 12, 10),
    )


def test_the_english_event_from_the_qa_report_is_read_with_its_times() -> None:
    event = draft("Third IYO WORK Dec 10 1pm-5pm venue:Yawatahama City Hall")
    assert (event.title, event.day, event.start, event.end, event.venue) == (
        "Third IYO WORK",
        date(2026, 12, 10),
        time(13),
        time(17),
        "Yawatahama City Hall",
    )


def test_a_time_that_cannot_be_read_is_named_with_its_date() -> None:
    result = problems("第3回IYO WORK 12/10 午後")
    assert result.codes == ["date_unreadable"]
    assert result.errors[0].date_error is not None
    assert result.errors[0].date_error.code == "time_unrecognised"
    assert (result.form.title, result.form.date) == ("第3回IYO WORK", "12/10 午後")


def test_a_time_before_the_date_is_an_error_on_the_title() -> None:
    result = problems("第3回IYO WORK 13:00-17:00 12/10")
    assert result.codes == ["time_without_date"]
    assert result.form.title == "第3回IYO WORK 13:00-17:00"


def test_yesterday_without_a_year_is_refused_rather_than_moved_a_year_on() -> None:
    result = problems("第3回IYO WORK 11/25")
    assert result.codes == ["date_unreadable"]
    assert result.errors[0].date_error is not None
    assert result.errors[0].date_error.code == "just_passed"
    assert draft("第3回IYO WORK 2027/11/25").day == date(2027, 11, 25)


def test_february_29th_without_a_year_is_refused_in_a_year_without_one() -> None:
    result = problems("第3回IYO WORK 2/29")
    assert result.errors[0].date_error is not None
    assert result.errors[0].date_error.code == "no_leap_day"


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_the_help_example_reads_as_it_promises(locale: Locale) -> None:
    example = default_catalog().text(locale, "commands.event.example")
    event = draft(example.split(" ", 1)[1])
    assert (event.day, event.start, event.end, event.capacity) == (
        date(2027, 1, 20),
        time(10),
        time(16),
        8,
    )
    assert event.venue in ("八幡浜市役所", "Yawatahama City Hall")
    assert event.title in ("第3回IYO WORK", "3rd IYO WORK")
