"""Staff answer a poll; the tally counts ○ △ × per date and names the best date so far."""

from __future__ import annotations

from datetime import date, datetime

from core.jpcalendar import TOKYO
from dialogs.polls import (
    Answer,
    AnswerError,
    AnswerInput,
    Candidate,
    CandidateChanges,
    Choice,
    PollError,
    ResultsVisibility,
    Slot,
    change_candidates,
    change_deadline,
    choice_input_id,
    read_answer,
    results_visible,
    tally,
)

ONSITE, ONLINE, MAYBE, NO = Choice.ONSITE, Choice.ONLINE, Choice.MAYBE, Choice.NO
DEC10 = Candidate(1, Slot(date(2026, 12, 10)))
DEC15 = Candidate(2, Slot(date(2026, 12, 15)))
DEC17 = Candidate(3, Slot(date(2026, 12, 17)))
CANDIDATES = (DEC17, DEC10, DEC15)  # as storage might return them


def answer(name: str, *choices: Choice, comment: str = "") -> Answer:
    return Answer(f"key-{name}", name, dict(zip((1, 2, 3), choices, strict=False)), comment)


def test_twelve_staff_answer_and_the_card_counts_each_choice_with_names() -> None:
    answers = [answer(f"職員{i}", ONSITE, NO, MAYBE) for i in range(6)]
    answers += [answer(f"在宅{i}", ONLINE, MAYBE, NO) for i in range(2)]
    answers += [answer(f"未定{i}", MAYBE, ONSITE) for i in range(2)]
    answers += [answer(f"不可{i}", NO, NO, NO, comment="年末は厳しいです") for i in range(2)]
    result = tally(CANDIDATES, answers)

    assert result.respondents == 12
    assert [line.candidate for line in result.candidates] == [DEC10, DEC15, DEC17]
    dec10 = result.for_candidate(1)
    assert dict(dec10.counts) == {ONSITE: 6, ONLINE: 2, MAYBE: 2, NO: 2}
    assert dec10.names[ONLINE] == ("在宅0", "在宅1")
    assert dec10.score == 6 * 2 + 2 * 2 + 2
    assert result.best == dec10
    assert result.comments == (("不可0", "年末は厳しいです"), ("不可1", "年末は厳しいです"))
    # Nobody chose for 12/17 in the 未定 answers: they are simply not counted there.
    assert sum(result.for_candidate(3).counts.values()) == 10


def test_nobody_answered_means_no_best_date() -> None:
    result = tally(CANDIDATES, [])
    assert result.respondents == 0
    assert result.best is None


def test_only_no_answers_means_no_best_date() -> None:
    assert tally(CANDIDATES, [answer("A", NO, NO, NO)]).best is None


def test_a_tie_goes_to_the_date_more_people_can_attend_on_site() -> None:
    answers = [
        answer("A", ONLINE, ONSITE),
        answer("B", ONLINE, ONSITE),
        answer("C", ONSITE, ONLINE),
    ]
    result = tally(CANDIDATES, answers)
    assert result.for_candidate(1).score == result.for_candidate(2).score
    assert result.best is not None and result.best.candidate == DEC15


def test_on_site_beyond_the_venues_capacity_does_not_break_a_tie() -> None:
    # 12/10: 2 on site, 2 online; 12/15: 4 on site. With room for 2 both seat 2: earlier wins.
    answers = [
        answer("A", ONSITE, ONSITE),
        answer("B", ONSITE, ONSITE),
        answer("C", ONLINE, ONSITE),
        answer("D", ONLINE, ONSITE),
    ]
    assert tally(CANDIDATES, answers, capacity=2).best.candidate == DEC10  # type: ignore[union-attr]
    assert tally(CANDIDATES, answers, capacity=8).best.candidate == DEC15  # type: ignore[union-attr]


def test_a_full_tie_goes_to_the_earlier_date() -> None:
    answers = [answer("A", MAYBE, MAYBE, MAYBE)]
    assert tally(CANDIDATES, answers).best.candidate == DEC10  # type: ignore[union-attr]


def test_maybe_counts_half_of_yes() -> None:
    # 12/10: two △ (2 points); 12/15: one ○ (2 points) and it has one on site: 12/15 wins.
    answers = [answer("A", MAYBE, ONSITE), answer("B", MAYBE, NO)]
    assert tally(CANDIDATES, answers).best.candidate == DEC15  # type: ignore[union-attr]


def test_answers_for_removed_dates_are_ignored() -> None:
    result = tally((DEC10,), [answer("A", ONSITE, ONSITE, ONSITE)])
    assert [line.candidate for line in result.candidates] == [DEC10]
    assert result.for_candidate(1).count(ONSITE) == 1


def test_hidden_results_are_shown_only_to_people_who_answered() -> None:
    assert results_visible(ResultsVisibility.ALWAYS, has_answered=False)
    assert not results_visible(ResultsVisibility.AFTER_ANSWER, has_answered=False)
    assert results_visible(ResultsVisibility.AFTER_ANSWER, has_answered=True)


def test_reading_an_answer_takes_only_choices_and_comment_never_identity() -> None:
    data = {
        "poll_id": 7,
        choice_input_id(1): "onsite",
        choice_input_id(2): "",
        choice_input_id(99): "no",  # a removed date
        "comment": "  午後から参加します ",
        "person_key": "someone-else",
        "aadObjectId": "forged",
    }
    assert read_answer(data, CANDIDATES) == AnswerInput({1: ONSITE}, "午後から参加します")


def test_an_answer_needs_one_date_and_a_short_comment_and_real_choices() -> None:
    assert read_answer({}, CANDIDATES) == AnswerError("answer_empty")
    too_long = {choice_input_id(1): "no", "comment": "あ" * 501}
    assert read_answer(too_long, CANDIDATES) == AnswerError("comment_too_long")
    forged = {choice_input_id(1): "definitely"}
    assert read_answer(forged, CANDIDATES) == AnswerError("choice_invalid")


def test_a_coordinator_adds_and_removes_dates() -> None:
    result = change_candidates("12/18 13:00-17:00\n12/10", {3}, CANDIDATES, date(2026, 11, 2))
    assert isinstance(result, tuple)
    assert [(e.code, e.original) for e in result] == [("candidate_duplicate", "12/10")]

    result = change_candidates("12/18 13:00-17:00", {3, 42}, CANDIDATES, date(2026, 11, 2))
    assert isinstance(result, CandidateChanges)
    assert [slot.date for slot in result.add] == [date(2026, 12, 18)]
    assert result.remove == (3,)


def test_a_poll_keeps_at_least_one_date_and_at_most_twenty() -> None:
    removed_all = change_candidates("", {1, 2, 3}, CANDIDATES, date(2026, 11, 2))
    assert [e.code for e in removed_all] == ["no_candidates"]  # type: ignore[union-attr]
    many = "\n".join(f"1/{day}" for day in range(5, 23))
    too_many = change_candidates(many, set(), CANDIDATES, date(2026, 11, 2))
    assert isinstance(too_many, tuple) and too_many[0].code == "too_many_candidates"


def test_a_coordinator_changes_the_deadline() -> None:
    now = datetime(2026, 11, 2, 10, tzinfo=TOKYO)
    assert change_deadline("12/8", CANDIDATES, now.date(), TOKYO, now) == datetime(
        2026, 12, 8, 23, 59, tzinfo=TOKYO
    )
    assert change_deadline("", CANDIDATES, now.date(), TOKYO, now) is None
    late = change_deadline("12/11", CANDIDATES, now.date(), TOKYO, now)
    assert isinstance(late, tuple)
    assert [e.code for e in late if isinstance(e, PollError)] == ["deadline_after_first_candidate"]
