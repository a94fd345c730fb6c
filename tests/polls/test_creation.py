"""A coordinator creates a poll with one line (or the creation card) and is told exactly what is
wrong when something is."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from core.jpcalendar import TOKYO
from dialogs.polls import (
    PollDraft,
    PollDraftErrors,
    ResultsVisibility,
    Slot,
    parse_poll_command,
    validate_poll_form,
)

TODAY = date(2026, 11, 2)  # a Monday


def draft(args: str, today: date = TODAY) -> PollDraft:
    result = parse_poll_command(args, today, TOKYO)
    assert isinstance(result, PollDraft), result
    return result


def problems(args: str, **kwargs: object) -> PollDraftErrors:
    result = parse_poll_command(args, TODAY, TOKYO, **kwargs)  # type: ignore[arg-type]
    assert isinstance(result, PollDraftErrors), result
    return result


def test_the_example_from_the_issue_gives_three_dates_and_keeps_the_title() -> None:
    poll = draft("第2回IYO WORK 12/10 12/15 12/17")
    assert poll.title == "第2回IYO WORK"
    assert poll.candidates == (
        Slot(date(2026, 12, 10)),
        Slot(date(2026, 12, 15)),
        Slot(date(2026, 12, 17)),
    )
    assert poll.venue is None and poll.capacity is None and poll.deadline is None
    assert poll.results is ResultsVisibility.ALWAYS


def test_every_option_in_japanese_with_full_width_colons_and_time_ranges() -> None:
    poll = draft(
        "第2回IYO WORK 12/10 13:00-17:00 12月15日(火) 13:00 〜 17:00 2026-12-17 "
        "会場：松前町役場 定員:８ 締切:12/5 結果:回答後"
    )
    assert poll.title == "第2回IYO WORK"
    assert poll.candidates == (
        Slot(date(2026, 12, 10), time(13), time(17)),
        Slot(date(2026, 12, 15), time(13), time(17)),
        Slot(date(2026, 12, 17)),
    )
    assert poll.venue == "松前町役場"
    assert poll.capacity == 8
    assert poll.deadline == datetime(2026, 12, 5, 23, 59, tzinfo=TOKYO)
    assert poll.results is ResultsVisibility.AFTER_ANSWER
    assert poll.form.dates == "12/10 13:00-17:00\n12月15日(火) 13:00 〜 17:00\n2026-12-17"


def test_english_keys_and_quoted_venue_with_spaces() -> None:
    poll = draft(
        'IYO WORK year-end 12/10, 12/11 venue:"Matsumae Town Hall 2F" capacity:12 '
        "deadline:12/5 17:00 results:after-answer"
    )
    assert poll.title == "IYO WORK year-end"
    assert poll.venue == "Matsumae Town Hall 2F"
    assert poll.capacity == 12
    assert poll.deadline == datetime(2026, 12, 5, 17, 0, tzinfo=TOKYO)
    assert poll.results is ResultsVisibility.AFTER_ANSWER


@pytest.mark.parametrize(
    ("args", "title"),
    [
        ("IYO WORK 12/10", "IYO WORK"),  # the bot's own name stays
        ("第2回　IYO　WORK　１２／１０", "第2回　IYO　WORK"),  # full-width spaces kept as typed
        ("12/10 12/11 第3回 勉強会", "第3回 勉強会"),  # title after the dates
        ("2026年度 第2回 IYO WORK 12/10", "2026年度 第2回 IYO WORK"),
        ("12月例会 12月10日", "12月例会"),
        ("IYO WORK Dec 10 Dec 11 2026", "IYO WORK"),
        ("勉強会 会場: 松前町役場 12/10", "勉強会"),  # a space after the colon
        ("勉強会、懇親会 12/10", "勉強会、懇親会"),
    ],
)
def test_the_title_is_everything_that_is_not_a_date_or_option(args: str, title: str) -> None:
    assert draft(args).title == title


def test_candidates_are_sorted_and_a_date_without_year_is_the_next_one() -> None:
    poll = draft("新年会 1/8 12/10", today=date(2026, 12, 1))
    assert [slot.date for slot in poll.candidates] == [date(2026, 12, 10), date(2027, 1, 8)]


def test_same_day_with_different_times_is_two_candidates() -> None:
    poll = draft("午前と午後 12/10 9:00-12:00 12/10 13:00-17:00")
    assert len(poll.candidates) == 2


def test_nothing_but_the_command_reports_a_missing_title_and_no_dates() -> None:
    assert problems("").codes == ["title_empty", "no_candidates"]


def test_every_problem_is_reported_at_once_and_what_was_typed_is_kept() -> None:
    result = problems(
        "x" * 101 + " 2/30 2025-12-10 12/10 12/10 定員:0 締切:12/20 結果:たぶん", now=None
    )
    assert result.codes == [
        "results_invalid",
        "title_too_long",
        "candidate_unreadable",
        "candidate_past",
        "candidate_duplicate",
        "capacity_invalid",
        "deadline_after_first_candidate",
    ]
    impossible = result.for_field("dates")[0]
    assert impossible.original == "2/30"
    assert impossible.date_error is not None and impossible.date_error.code == "impossible"
    assert result.for_field("title")[0].details == {"length": 101, "max": 100}
    assert result.form.title == "x" * 101
    assert result.form.dates == "2/30\n2025-12-10\n12/10\n12/10"
    assert result.form.capacity == "0"
    assert result.form.deadline == "12/20"


def test_more_than_twenty_dates() -> None:
    dates = " ".join(f"12/{day}" for day in range(1, 22))
    result = problems(f"多すぎ {dates}")
    assert result.codes == ["too_many_candidates"]
    assert result.errors[0].details == {"count": 21, "max": 20}
    assert isinstance(parse_poll_command(f"ちょうど {dates[:-6]}", TODAY, TOKYO), PollDraft)


@pytest.mark.parametrize("capacity", ["0", "-1", "1001", "8.5", "たくさん", "1e3"])
def test_capacity_must_be_a_whole_number_from_1_to_1000(capacity: str) -> None:
    assert problems(f"会 12/10 定員:{capacity}").codes == ["capacity_invalid"]


@pytest.mark.parametrize("capacity", ["1", "1000", "８", "8名", "8人"])
def test_capacity_accepts_plain_and_counted_numbers(capacity: str) -> None:
    assert draft(f"会 12/10 定員:{capacity}").capacity is not None


def test_a_deadline_earlier_today_is_past_when_the_clock_says_so() -> None:
    now = datetime(2026, 11, 2, 12, 0, tzinfo=TOKYO)
    result = problems("会 12/10 締切:2026-11-02 10:00", now=now)
    assert result.codes == ["deadline_past"]
    assert result.errors[0].details["deadline"] == datetime(2026, 11, 2, 10, tzinfo=TOKYO)


def test_a_deadline_written_with_a_past_year_is_past() -> None:
    assert problems("会 12/10 締切:2025-12-05").codes == ["deadline_past"]


def test_a_deadline_on_the_first_day_before_its_start_time_is_fine() -> None:
    poll = draft("会 12/10 13:00-17:00 締切:12/10 9:00")
    assert poll.deadline == datetime(2026, 12, 10, 9, tzinfo=TOKYO)


def test_a_date_deadline_on_the_first_day_is_after_it() -> None:
    result = problems("会 12/10 締切:12/10")
    assert result.codes == ["deadline_after_first_candidate"]
    assert result.errors[0].details["first"] == date(2026, 12, 10)


def test_unreadable_deadline_and_weekday_mismatch_keep_the_date_parsers_reason() -> None:
    result = problems("会 12/10(金) 締切:いつか")
    assert [(e.code, e.date_error and e.date_error.code) for e in result.errors] == [
        ("candidate_unreadable", "weekday_mismatch"),
        ("deadline_unreadable", "unrecognised"),
    ]


def test_a_time_that_cannot_be_is_reported_with_its_date() -> None:
    result = problems("会 12/10 17:00-13:00")
    assert result.errors[0].original == "12/10 17:00-13:00"
    assert result.errors[0].date_error is not None
    assert result.errors[0].date_error.code == "bad_time"


def test_an_option_given_twice_is_reported() -> None:
    assert problems("会 12/10 会場:A 会場:B").codes == ["option_repeated"]


def test_venue_over_100_characters() -> None:
    assert problems("会 12/10 会場:" + "あ" * 101).codes == ["venue_too_long"]


def test_the_creation_card_fields_validate_the_same_way() -> None:
    fields = {
        "title": " 第2回IYO WORK ",
        "dates": "12/10 13:00-17:00\n12/15, 12/17\n",
        "venue": "松前町役場",
        "capacity": "8",
        "deadline": "12/5",
        "hide_results": "true",
    }
    poll = validate_poll_form(fields, TODAY, TOKYO)
    assert isinstance(poll, PollDraft)
    assert poll.title == "第2回IYO WORK"
    assert [slot.date.day for slot in poll.candidates] == [10, 15, 17]
    assert poll.candidates[0].start == time(13)
    assert poll.results is ResultsVisibility.AFTER_ANSWER
    assert poll.deadline == datetime(2026, 12, 5, 23, 59, tzinfo=TOKYO)


def test_the_creation_card_reports_words_that_are_not_dates() -> None:
    fields = {"title": "会", "dates": "12/10\n来週のどこか", "hide_results": "false"}
    result = validate_poll_form(fields, TODAY, TOKYO)
    assert isinstance(result, PollDraftErrors)
    assert [e.original for e in result.errors] == ["来週のどこか"]
    assert result.form.dates == "12/10\n来週のどこか"


def test_an_empty_creation_card() -> None:
    result = validate_poll_form({}, TODAY, TOKYO)
    assert isinstance(result, PollDraftErrors)
    assert result.codes == ["title_empty", "no_candidates"]
