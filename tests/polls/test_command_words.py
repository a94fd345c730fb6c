"""How the words of a one-line `日程調整 …` are read: a venue keeps its spaces, times in English
are read, and a time-like word is never silently made part of the title (QA findings 2 and 3).
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from core.i18n import Locale, default_catalog
from core.jpcalendar import TOKYO
from core.jpdates import explain
from dialogs.polls import PollDraft, PollDraftErrors, Slot, parse_poll_command
from dialogs.polls.command import split_command

TODAY = date(2026, 11, 26)  # a Thursday


def draft(args: str) -> PollDraft:
    result = parse_poll_command(args, TODAY, TOKYO)
    assert isinstance(result, PollDraft), result
    return result


def problems(args: str) -> PollDraftErrors:
    result = parse_poll_command(args, TODAY, TOKYO)
    assert isinstance(result, PollDraftErrors), result
    return result


@pytest.mark.parametrize(
    "args",
    [
        "第2回IYO WORK 12/10 会場: 松前町役場 3階 大会議室",
        "第2回IYO WORK 12/10 会場:松前町役場 3階 大会議室",
        "第2回IYO WORK 12/10 会場：松前町役場　3階　大会議室",  # full-width colon and spaces
        "第2回IYO WORK 12/10 会場:松前町役場 3階 大会議室 定員:8",
        '第2回IYO WORK 12/10 会場:"松前町役場 3階 大会議室"',
    ],
)
def test_a_venue_with_spaces_is_kept_whole_and_the_title_untouched(args: str) -> None:
    poll = draft(args)
    assert poll.title == "第2回IYO WORK"
    assert (poll.venue or "").replace("\u3000", " ") == "松前町役場 3階 大会議室"
    assert poll.candidates == (Slot(date(2026, 12, 10)),)


def test_the_venue_stops_at_a_date_a_time_or_another_option() -> None:
    parts = split_command("勉強会 会場:松前町役場 12/10 12/15")
    assert (parts.title, parts.options["venue"], parts.dates) == (
        "勉強会",
        "松前町役場",
        ["12/10", "12/15"],
    )
    parts = split_command("Study venue: Masaki Town Hall Dec 10 capacity:8")
    assert (parts.options["venue"], parts.dates, parts.options["capacity"]) == (
        "Masaki Town Hall",
        ["Dec 10"],
        "8",
    )
    parts = split_command("勉強会 12/10 会場:本館 2F 締切:12/5 17:00")
    assert (parts.options["venue"], parts.options["deadline"]) == ("本館 2F", "12/5 17:00")
    # A time after the venue is not the venue's: it is reported as a time without a date.
    assert split_command("勉強会 12/10 会場:本館 13:00-17:00").stray_times == ["13:00-17:00"]


def test_a_deadline_takes_the_words_of_its_date_in_english_too() -> None:
    parts = split_command("IYO WORK Dec 10 deadline:Dec 5 venue:Masaki Town Hall")
    assert parts.options == {"deadline": "Dec 5", "venue": "Masaki Town Hall"}
    assert parts.title == "IYO WORK"


def test_the_english_poll_from_the_qa_report_reads_every_date_and_time() -> None:
    poll = draft("2nd IYO WORK Dec 10 Dec 15 1:00pm-5:00pm venue:Masaki Town Hall deadline:Dec 5")
    assert poll.title == "2nd IYO WORK"
    assert poll.candidates == (
        Slot(date(2026, 12, 10)),
        Slot(date(2026, 12, 15), time(13), time(17)),
    )
    assert poll.venue == "Masaki Town Hall"
    assert poll.deadline == datetime(2026, 12, 5, 23, 59, tzinfo=TOKYO)


@pytest.mark.parametrize(
    ("written", "start", "end"),
    [
        ("1pm-5pm", time(13), time(17)),
        ("1:00pm-5:00pm", time(13), time(17)),
        ("1-5pm", time(13), time(17)),
        ("10:30am-12pm", time(10, 30), time(12)),
        ("13:00-17:00", time(13), time(17)),
        ("午後1時-5時", time(13), time(17)),
        ("9am", time(9), None),
    ],
)
def test_times_in_english_and_with_gogo_are_read(written: str, start: time, end: time) -> None:
    assert draft(f"勉強会 12/10 {written}").candidates == (Slot(date(2026, 12, 10), start, end),)


def test_a_time_like_word_after_a_date_that_cannot_be_read_is_named_not_put_in_the_title() -> None:
    result = problems("時刻 12/10 午後 12/11 PM")
    assert result.form.title == "時刻"
    assert result.form.dates == "12/10 午後\n12/11 PM"  # kept as typed, to be corrected
    assert result.codes == ["candidate_unreadable", "candidate_unreadable"]
    ja = default_catalog().translator("ja")
    sentences = [explain(e.date_error, ja) for e in result.errors if e.date_error]
    assert sentences[0].startswith("「12/10 午後」の時刻を読み取れませんでした。")


def test_a_time_before_any_date_is_an_error_on_the_title() -> None:
    result = problems("勉強会 13:00-17:00 12/10")
    assert result.codes == ["time_without_date"]
    [error] = result.errors
    assert (error.field, error.original) == ("title", "13:00-17:00")
    assert result.form.title == "勉強会 13:00-17:00"  # what was typed stays in the field


@pytest.mark.parametrize("word", ["PM", "午後", "1pm", "13時"])
def test_a_lone_time_word_in_the_title_is_refused(word: str) -> None:
    assert problems(f"勉強会 {word} 12/10").codes == ["time_without_date"]


@pytest.mark.parametrize("title", ["第2回 IYO WORK", "PM会議", "2nd meeting", "午後の部", "AM/PM"])
def test_titles_that_merely_contain_such_letters_are_fine(title: str) -> None:
    assert draft(f"{title} 12/10").title == title


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_the_help_example_reads_as_it_promises(locale: Locale) -> None:
    example = default_catalog().text(locale, "commands.poll.example")
    poll = draft(example.split(" ", 1)[1])
    assert poll.title == ("第2回IYO WORK" if locale == "ja" else "2nd IYO WORK")
    assert len(poll.candidates) == 2 and poll.candidates[1].start == time(13)
    assert poll.venue in ("松前町役場 3階 大会議室", "Masaki Town Hall")
    assert poll.deadline == datetime(2026, 12, 5, 23, 59, tzinfo=TOKYO)
