"""A decided date becomes an IYO WORK day with sensible defaults, and its calendar file opens
the same in Outlook, Google and Apple calendars (checked by parsing it back)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta

import icalendar
import pytest

from core.jpcalendar import TOKYO
from dialogs.events import (
    Event,
    EventDraft,
    EventState,
    calendar_path,
    calendar_url,
    default_registration_deadline,
    draft_for,
    event_ics,
    meeting_url_error,
)

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=TOKYO)
MONDAY = date(2026, 12, 14)


def event_from(draft: EventDraft, **changes: object) -> Event:
    event = Event(
        id=1,
        token="Qm9vdHN0cmFwLXRva2VuLWZvci10ZXN0cw",
        title=draft.title,
        day=draft.day,
        start=draft.start,
        end=draft.end,
        venue=draft.venue,
        capacity=draft.capacity,
        meeting_url=draft.meeting_url,
        registration_deadline=draft.registration_deadline,
        state=EventState.OPEN,
        conversation_id="19:channel@thread.tacv2",
        thread_outbox_id=7,
        poll_id=3,
        creator_key="taro",
        locale="ja",
        created_at=NOW,
        updated_at=NOW,
    )
    return dataclasses.replace(event, **changes)  # type: ignore[arg-type]


def parsed(event: Event) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(event_ics(event, zone=TOKYO, now=NOW))


def the_vevent(calendar: icalendar.Calendar) -> icalendar.Event:
    [vevent] = calendar.walk("VEVENT")
    assert isinstance(vevent, icalendar.Event)
    return vevent


# --- defaults -------------------------------------------------------------------------------


def test_a_date_without_a_time_is_a_working_day_from_nine_to_five() -> None:
    draft = draft_for("第2回IYO WORK", MONDAY, zone=TOKYO)
    assert (draft.start, draft.end) == (time(9), time(17))
    event = event_from(draft)
    assert event.starts_at(TOKYO) == datetime(2026, 12, 14, 9, 0, tzinfo=TOKYO)
    assert event.ends_at(TOKYO) == datetime(2026, 12, 14, 17, 0, tzinfo=TOKYO)


def test_an_afternoon_start_runs_to_five_and_an_evening_start_lasts_an_hour() -> None:
    assert draft_for("午後", MONDAY, time(13), zone=TOKYO).end == time(17)
    assert draft_for("夕方", MONDAY, time(18, 30), zone=TOKYO).end == time(19, 30)
    assert draft_for("深夜", MONDAY, time(23, 30), zone=TOKYO).end == time(23, 59)
    assert draft_for("指定", MONDAY, time(13), time(15), zone=TOKYO).end == time(15)


def test_times_that_make_no_sense_are_a_programming_error() -> None:
    with pytest.raises(ValueError):
        draft_for("終わりだけ", MONDAY, None, time(15), zone=TOKYO)
    with pytest.raises(ValueError):
        draft_for("逆", MONDAY, time(15), time(13), zone=TOKYO)


@pytest.mark.parametrize(
    ("day", "closes"),
    [
        (date(2026, 12, 15), date(2026, 12, 14)),  # Tuesday → Monday
        (MONDAY, date(2026, 12, 11)),  # Monday → the Friday before
        (date(2026, 11, 24), date(2026, 11, 20)),  # after 勤労感謝の日 (Mon 11/23) → Friday
        (date(2027, 1, 4), date(2026, 12, 28)),  # after the year-end holidays (12/29–1/3)
    ],
)
def test_registration_closes_at_five_on_the_previous_business_day(day: date, closes: date) -> None:
    assert default_registration_deadline(day, TOKYO) == datetime.combine(
        closes, time(17), tzinfo=TOKYO
    )
    assert draft_for("IYO WORK", day, zone=TOKYO).registration_deadline.date() == closes


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0", None),
        ("http://zoom.example.jp/j/123?pwd=x", None),
        ("HTTPS://Example.JP/room", None),
        ("teams.microsoft.com/l/meetup-join/abc", "meeting_url_invalid"),
        ("ftp://example.jp/room", "meeting_url_invalid"),
        ("javascript:alert(1)", "meeting_url_invalid"),
        ("https:///no-host", "meeting_url_invalid"),
        ("https://[::1", "meeting_url_invalid"),
        ("https://example.jp/a b", "meeting_url_invalid"),
        ("https://example.jp/" + "a" * 2000, "meeting_url_too_long"),
    ],
)
def test_a_meeting_link_must_be_a_web_address(url: str, error: str | None) -> None:
    assert meeting_url_error(url) == error


# --- the calendar file ----------------------------------------------------------------------


def test_the_calendar_file_is_served_under_the_public_base_url() -> None:
    assert calendar_path("abc") == "/events/abc.ics"
    assert calendar_url("https://bot.example.jp/", "abc") == "https://bot.example.jp/events/abc.ics"


def test_the_file_holds_one_event_in_tokyo_time_with_its_own_time_zone() -> None:
    draft = draft_for("第2回IYO WORK", MONDAY, time(13), venue="松前町役場", zone=TOKYO)
    event = event_from(draft)
    calendar = parsed(event)

    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["CALSCALE"] == "GREGORIAN"
    assert "IYO WORK" in str(calendar["PRODID"])
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Asia/Tokyo"

    vevent = the_vevent(calendar)
    assert vevent["UID"] == f"iyowork-event-{event.token}@iyowork"
    assert vevent.start == datetime(2026, 12, 14, 13, 0, tzinfo=TOKYO)
    assert vevent.end == datetime(2026, 12, 14, 17, 0, tzinfo=TOKYO)
    assert vevent["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert vevent.DTSTAMP == NOW
    assert vevent["SUMMARY"] == "第2回IYO WORK"
    assert vevent["LOCATION"] == "松前町役場"
    assert vevent["STATUS"] == "CONFIRMED"
    assert "URL" not in vevent
    assert vevent["DESCRIPTION"] == "会場: 松前町役場\n参加登録の締切: 2026年12月11日(金) 17:00"


def test_a_meeting_link_is_the_events_url_and_is_named_in_the_description() -> None:
    link = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%7d"
    event = event_from(draft_for("オンライン回", MONDAY, meeting_url=link, zone=TOKYO))
    vevent = the_vevent(parsed(event))
    assert vevent["URL"] == link
    assert "LOCATION" not in vevent
    assert vevent["DESCRIPTION"].splitlines() == [
        f"オンライン参加: {link}",
        "参加登録の締切: 2026年12月11日(金) 17:00",
    ]


def test_an_english_speakers_event_is_described_in_english() -> None:
    draft = draft_for("IYO WORK #2", MONDAY, venue="Masaki town hall", zone=TOKYO)
    vevent = the_vevent(parsed(event_from(draft, locale="en")))
    assert vevent["DESCRIPTION"].splitlines() == [
        "Venue: Masaki town hall",
        "Registration closes: Fri, 11 Dec 2026 17:00",
    ]


@pytest.mark.parametrize(
    "title",
    [
        "勉強会, 懇親会; 個別相談",
        "1行目\n2行目",
        'バックスラッシュ \\ と "引用符" と :コロン',
        "愛媛県市町DX推進IYO WORK 第二回 合同研修会（松前町・伊予市・東温市・砥部町）" * 2,
    ],
)
def test_titles_with_separators_newlines_and_long_japanese_round_trip(title: str) -> None:
    event = event_from(draft_for(title, MONDAY, venue=f"{title} 会場", zone=TOKYO))
    vevent = the_vevent(parsed(event))
    assert vevent["SUMMARY"] == title
    assert vevent["LOCATION"] == f"{title} 会場"


def test_lines_end_in_crlf_and_are_folded_to_75_octets() -> None:
    title = "愛媛県市町DX推進IYO WORK, 第二回; 合同研修会" * 4
    raw = event_ics(event_from(draft_for(title, MONDAY, zone=TOKYO)), zone=TOKYO, now=NOW)
    assert raw.endswith(b"\r\n")
    lines = raw.split(b"\r\n")
    assert b"\n" not in b"".join(lines)
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # folding never splits a character


def test_a_cancelled_or_edited_event_replaces_the_entry_already_in_the_calendar() -> None:
    event = event_from(draft_for("IYO WORK", MONDAY, zone=TOKYO))
    first = the_vevent(parsed(event))
    cancelled = the_vevent(
        parsed(
            dataclasses.replace(
                event, state=EventState.CANCELLED, updated_at=NOW + timedelta(days=2)
            )
        )
    )
    assert cancelled["UID"] == first["UID"]
    assert cancelled["STATUS"] == "CANCELLED"
    assert cancelled["SEQUENCE"] > first["SEQUENCE"]
    assert cancelled["DESCRIPTION"].startswith("この IYO WORK は中止になりました。")
