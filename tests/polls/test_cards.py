"""What people see: the poll card in the channel, their own view, and the coordinators' cards."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from cards.polls import (
    FORM_INPUTS,
    PREFILLED,
    VERB_ANSWER,
    VERB_CANCEL_CONFIRM,
    VERB_COORDINATOR,
    VERB_CREATE,
    VERB_DECIDE,
    VERB_DECIDE_CONFIRM,
    CandidateOption,
    candidates_card,
    confirm_card,
    coordinator_card,
    creation_card,
    deadline_card,
    error_card,
    nonrespondents_card,
    poll_card,
)
from core.i18n import Translator, default_catalog
from core.jpcalendar import TOKYO
from dialogs.polls import (
    FORM_FIELDS,
    Answer,
    Candidate,
    Choice,
    Poll,
    PollDraftErrors,
    PollForm,
    PollState,
    ResultsVisibility,
    Slot,
    parse_poll_command,
    tally,
)
from dialogs.polls.views import coordinator_view, creation_view, poll_view

JA = default_catalog().translator("ja")
EN = default_catalog().translator("en")
NASTY = "**太字** [link](http://x) <at>誰か</at>"
CANDIDATES = (
    Candidate(1, Slot(date(2026, 12, 10), time(13), time(17))),
    Candidate(2, Slot(date(2026, 11, 23))),
    Candidate(3, Slot(date(2026, 12, 29))),
    Candidate(4, Slot(date(2026, 12, 12))),
)
POLL = Poll(
    id=7,
    title="第2回IYO WORK",
    candidates=CANDIDATES,
    venue="松前町役場",
    capacity=8,
    deadline=datetime(2026, 12, 5, 23, 59, tzinfo=TOKYO),
)
ANSWERS = [
    Answer("a", "山田", {1: Choice.ONSITE, 2: Choice.NO}),
    Answer("b", "佐藤", {1: Choice.ONSITE, 2: Choice.MAYBE}),
    Answer("c", "鈴木", {1: Choice.ONLINE}),
]


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def of_type(card: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [element for element in walk(card) if element.get("type") == kind]


def markdown_texts(card: dict[str, Any]) -> str:
    """Everything Teams reads as markdown (TextBlocks)."""
    return "\n".join(e["text"] for e in of_type(card, "TextBlock"))


def literal_texts(card: dict[str, Any]) -> list[str]:
    return [e["text"] for e in of_type(card, "TextRun")]


def shared(
    poll: Poll = POLL, answers: list[Answer] = ANSWERS, t: Translator = JA
) -> dict[str, Any]:
    return poll_card(poll_view(poll, tally(poll.candidates, answers, capacity=8), t, TOKYO), t)


def test_the_shared_card_shows_counts_names_and_the_best_date() -> None:
    card = shared()
    assert card["version"] == "1.5"
    text = markdown_texts(card)
    assert "12/10(木) 13:00–17:00" in text
    assert "○現地 2\u00a0 ○オンライン 1\u00a0 △ 0\u00a0 × 0" in text
    assert "回答 3名" in text
    assert "現時点の最有力: **12/10(木) 13:00–17:00**" in text
    assert "締切: 12/5(土) 23:59" in text
    assert "現地定員 8名" in text
    assert "○現地: 山田、佐藤\u00a0 ○オンライン: 鈴木" in literal_texts(card)


def test_days_offices_are_closed_are_marked_with_the_reason() -> None:
    headers = [e["text"] for e in of_type(shared(), "TextBlock") if e.get("weight") == "Bolder"]
    assert "11/23(月・祝) 勤労感謝の日" in headers
    assert "12/29(火) 年末年始" in headers
    assert "12/12(土)" in headers
    closed = [e["text"] for e in of_type(shared(), "TextBlock") if e.get("color") == "Attention"]
    assert closed == ["11/23(月・祝) 勤労感謝の日", "12/12(土)", "12/29(火) 年末年始"]


def test_a_date_far_from_the_polls_creation_shows_its_year() -> None:
    far = Candidate(5, Slot(date(2027, 11, 25)))
    poll = Poll(7, "来年の会", (CANDIDATES[0], far), created=date(2026, 11, 26))
    text = markdown_texts(shared(poll, []))
    headers = [e["text"] for e in of_type(shared(poll, []), "TextBlock")]
    assert "2027/11/25(木)" in headers
    assert "12/10(木) 13:00–17:00" in text  # near dates stay short


def test_every_date_has_a_compact_choice_of_the_four_answers_and_an_answer_button() -> None:
    card = shared()
    choice_sets = of_type(card, "Input.ChoiceSet")
    # In date order: 11/23, 12/10, 12/12, 12/29.
    assert [c["id"] for c in choice_sets] == ["choice_2", "choice_1", "choice_4", "choice_3"]
    for choice_set in choice_sets:
        assert choice_set["style"] == "compact"
        assert "value" not in choice_set  # nobody's answer on the shared card
        assert [c["title"] for c in choice_set["choices"]] == [
            "○ 現地",
            "○ オンライン",
            "△ 未定",
            "× 不可",
        ]
    comment = of_type(card, "Input.Text")[0]
    assert comment["maxLength"] == 500
    actions = card["actions"]
    assert [(a["type"], a["verb"], a["data"]) for a in actions] == [
        ("Action.Execute", VERB_ANSWER, {"poll_id": 7}),
        ("Action.Execute", VERB_COORDINATOR, {"poll_id": 7}),  # checked on the server
    ]
    assert [a["title"] for a in actions] == ["回答する", "コーディネーター用"]


def test_no_action_anywhere_carries_identity() -> None:
    view = coordinator_view(POLL, tally(CANDIDATES, ANSWERS), JA)
    cards = [
        shared(),
        coordinator_card(view, JA),
        nonrespondents_card(7, POLL.title, ["高橋"], JA),
        deadline_card(7, POLL.title, "2026-12-05 23:59", JA),
        candidates_card(7, POLL.title, view.candidates, JA),
        confirm_card("decide", 7, POLL.title, JA, candidate=view.candidates[0]),
        confirm_card("cancel", 7, POLL.title, JA),
    ]
    for card in cards:
        for action in of_type(card, "Action.Execute"):
            assert set(action["data"]) <= {"poll_id", "candidate_id"}, action
    # One's own card marks 回答する as showing their answers: a hint, not who they are.
    own = poll_view(POLL, tally(CANDIDATES, ANSWERS), JA, TOKYO, viewer=ANSWERS[0], personal=True)
    for action in of_type(poll_card(own, JA), "Action.Execute"):
        assert set(action["data"]) <= {"poll_id", "prefilled"}, action


def test_a_person_sees_their_own_answers_preselected_and_that_it_was_saved() -> None:
    results = tally(CANDIDATES, ANSWERS)
    view = poll_view(POLL, results, JA, TOKYO, viewer=ANSWERS[1], personal=True, saved=True)
    card = poll_card(view, JA)
    values = {c["id"]: c.get("value") for c in of_type(card, "Input.ChoiceSet")}
    assert values == {"choice_2": "maybe", "choice_1": "onsite", "choice_4": None, "choice_3": None}
    assert "回答を保存しました" in markdown_texts(card)


def test_with_hidden_results_the_shared_card_shows_only_how_many_answered() -> None:
    hidden = Poll(7, NASTY, CANDIDATES, results=ResultsVisibility.AFTER_ANSWER)
    card = shared(hidden)
    text = markdown_texts(card)
    assert "回答 3名" in text
    assert "○現地 2" not in text and "最有力" not in text and "★" not in text
    assert not any("山田" in run for run in literal_texts(card))
    assert "集計結果は、回答した人にだけ表示されます。" in text


def test_with_hidden_results_someone_who_answered_sees_them_and_someone_who_did_not_does_not() -> (
    None
):
    hidden = Poll(7, "会", CANDIDATES, results=ResultsVisibility.AFTER_ANSWER)
    results = tally(CANDIDATES, ANSWERS)
    answered = poll_card(
        poll_view(hidden, results, JA, TOKYO, viewer=ANSWERS[0], personal=True), JA
    )
    assert "○現地 2" in markdown_texts(answered)
    newcomer = poll_card(poll_view(hidden, results, JA, TOKYO, viewer=None, personal=True), JA)
    assert "○現地 2" not in markdown_texts(newcomer)


def test_user_text_is_shown_literally_never_as_markdown() -> None:
    poll = Poll(7, NASTY, CANDIDATES, venue=NASTY)
    name = "**太** <at>x</at>"
    card = shared(poll, [Answer("x", name, {1: Choice.ONSITE})])
    assert literal_texts(card).count(NASTY) == 2  # title and venue
    assert f"○現地: {name}" in literal_texts(card)
    assert "太字" not in markdown_texts(card) and "<at>" not in markdown_texts(card)
    coordinator = coordinator_card(coordinator_view(poll, tally(CANDIDATES, []), JA), JA)
    assert NASTY in literal_texts(coordinator) and "太字" not in markdown_texts(coordinator)


def test_creation_errors_quote_what_was_typed_only_in_literal_text() -> None:
    result = parse_poll_command(f"{NASTY} 2/30 定員:[x](y)", date(2026, 11, 2), TOKYO)
    assert isinstance(result, PollDraftErrors)
    card = creation_card(creation_view(result.form, result.errors, JA, TOKYO), JA)
    assert "[x](y)" not in markdown_texts(card)
    errors = literal_texts(card)
    assert "「2/30」という日付はありません。月と日を確かめてください。" in errors
    assert "定員「[x](y)」は 1〜1000 の整数で入力してください。" in errors
    values = {e["id"]: e.get("value") for e in walk(card) if "id" in e}
    assert values["title"] == NASTY
    assert values["dates"] == "2/30"
    assert values["capacity"] == "[x](y)"
    assert card["actions"][0]["verb"] == VERB_CREATE


def test_the_creation_card_inputs_are_what_validation_reads() -> None:
    card = creation_card(creation_view(PollForm(), (), JA, TOKYO), JA)
    ids = tuple(e["id"] for e in walk(card) if str(e.get("type", "")).startswith("Input."))
    assert ids == FORM_INPUTS == FORM_FIELDS


@pytest.mark.parametrize(
    ("code_args", "ja", "en"),
    [
        (
            "会 2025-12-10",
            "「2025-12-10」(2025年12月10日(水)) は過ぎています。",
            "has already passed",
        ),
        ("会 12/10 12/10", "が重複しています", "is listed twice"),
        ("会 12/10 締切:12/11", "最初の候補日 2026年12月10日(木) より後", "after the first date"),
        ("", "タイトルを入力してください。", "Please enter a title."),
    ],
)
def test_errors_read_well_in_japanese_and_english(code_args: str, ja: str, en: str) -> None:
    result = parse_poll_command(code_args, date(2026, 11, 2), TOKYO)
    assert isinstance(result, PollDraftErrors)
    for t, expected in ((JA, ja), (EN, en)):
        card = creation_card(creation_view(result.form, result.errors, t, TOKYO), t)
        assert any(expected in run for run in literal_texts(card)), literal_texts(card)


def test_the_english_card() -> None:
    card = shared(t=EN)
    text = markdown_texts(card)
    assert "Thu 12/10 13:00–17:00" in text
    assert "○On site 2\u00a0 ○Online 1\u00a0 △ 0\u00a0 × 0" in text
    assert "3 answered" in text
    assert "Mon 11/23 (holiday) Labor Thanksgiving Day" in text
    assert card["actions"][0]["title"] == "Answer"


def test_closed_decided_and_cancelled_polls_take_no_answers() -> None:
    results = tally(CANDIDATES, ANSWERS)
    for state in (PollState.CLOSED, PollState.DECIDED, PollState.CANCELLED):
        poll = Poll(
            7, "会", CANDIDATES, state=state, decided=1 if state is PollState.DECIDED else None
        )
        card = poll_card(poll_view(poll, results, JA, TOKYO), JA)
        assert not of_type(card, "Input.ChoiceSet")
        verbs = [a.get("verb") for a in card.get("actions", [])]
        # A closed poll still needs its coordinators: they decide on a date from the menu.
        assert verbs == (["poll.coordinator"] if state is PollState.CLOSED else [])
    decided = Poll(7, "会", CANDIDATES, state=PollState.DECIDED, decided=1)
    text = markdown_texts(poll_card(poll_view(decided, results, JA, TOKYO), JA))
    assert "12/10(木) 13:00–17:00 に決定しました。" in text
    ics = "https://bot.example/events/abc.ics"
    with_calendar = poll_card(poll_view(decided, results, JA, TOKYO, calendar_url=ics), JA)
    assert with_calendar["actions"] == [
        {"type": "Action.OpenUrl", "title": "カレンダーに追加", "url": ics}
    ]
    cancelled = Poll(7, "会", CANDIDATES, state=PollState.CANCELLED)
    text = markdown_texts(poll_card(poll_view(cancelled, results, JA, TOKYO), JA))
    assert "この日程調整は中止されました。" in text


def test_the_coordinator_menu_offers_every_action_and_the_best_date_to_decide() -> None:
    card = coordinator_card(coordinator_view(POLL, tally(CANDIDATES, ANSWERS), JA), JA)
    titles = [a["title"] for a in of_type(card, "Action.Execute")]
    assert titles == [
        "未回答者",
        "未回答者にリマインド",
        "締切変更",
        "候補日を追加/削除",
        "中止",
        "この日に決定",
        "戻る",
    ]
    decide = of_type(card, "Input.ChoiceSet")[0]
    assert decide["value"] == "1"
    assert card["actions"][0]["verb"] == VERB_DECIDE


def test_confirmations_carry_the_candidate_only_when_deciding() -> None:
    option = CandidateOption(2, "11/23(月・祝)")
    decide = confirm_card("decide", 7, "会", EN, candidate=option)
    assert decide["actions"][0]["verb"] == VERB_DECIDE_CONFIRM
    assert decide["actions"][0]["data"] == {"poll_id": 7, "candidate_id": 2}
    cancel = confirm_card("cancel", 7, "会", JA)
    assert cancel["actions"][0]["verb"] == VERB_CANCEL_CONFIRM
    assert cancel["actions"][0]["data"] == {"poll_id": 7}


def test_the_error_card_shows_the_message_literally() -> None:
    card = error_card(NASTY, JA, poll_id=7)
    assert NASTY in literal_texts(card)
    assert card["actions"][0]["data"] == {"poll_id": 7}


def long_name(rng: random.Random, i: int) -> str:
    office = rng.choice(
        ["愛媛県企画振興部デジタルシフト推進課", "松前町総務課情報政策係", "宇和島市"]
    )
    return f"{office} 長谷川・ヴィルヘルミーナ・花子{i:03d}"


@pytest.mark.parametrize("t", [JA, EN], ids=["ja", "en"])
def test_twenty_dates_and_two_hundred_people_stay_under_teams_card_size(t: Translator) -> None:
    rng = random.Random(2026)
    start = date(2026, 12, 1)
    candidates = tuple(
        Candidate(i + 1000, Slot(start + timedelta(days=i), time(13), time(17))) for i in range(20)
    )
    answers = [
        Answer(
            f"p{i}",
            long_name(rng, i),
            {c.id: rng.choice(list(Choice)) for c in candidates},
            "あ" * 500,
        )
        for i in range(200)
    ]
    poll = Poll(
        7,
        "第" * 100,
        candidates,
        venue="会" * 100,
        capacity=8,
        deadline=datetime(2026, 11, 30, 23, 59, tzinfo=TOKYO),
    )
    results = tally(candidates, answers, capacity=8)
    views = [
        poll_view(poll, results, t, TOKYO),
        poll_view(poll, results, t, TOKYO, viewer=answers[0], personal=True, saved=True),
    ]
    for view in views:
        card = poll_card(view, t)
        size = len(json.dumps(card, ensure_ascii=False).encode("utf-8"))
        assert size < 28 * 1024, size
        assert any("他" in run or "more" in run for run in literal_texts(card))


def test_only_a_card_showing_ones_own_answers_marks_its_answer_button_prefilled() -> None:
    results = tally(CANDIDATES, ANSWERS)
    many = tuple(f"29:user{n}" for n in range(70))

    def answer_data(view: Any) -> dict[str, Any]:
        card = poll_card(view, JA)
        [button] = [a for a in card["actions"] if a["verb"] == VERB_ANSWER]
        data: dict[str, Any] = button["data"]
        return data

    everyone = poll_view(POLL, results, JA, TOKYO, refresh_for=many)
    assert answer_data(everyone) == {"poll_id": 7}
    own = poll_view(POLL, results, JA, TOKYO, viewer=ANSWERS[2], personal=True)
    assert answer_data(own) == {"poll_id": 7, PREFILLED: True}
    not_yet = poll_view(POLL, results, JA, TOKYO, viewer=None, personal=True)
    assert answer_data(not_yet) == {"poll_id": 7}  # nothing of theirs on it to keep or clear
    # The refresh for those who answered is as it was: Teams' 60, fetching poll.view.
    refresh = poll_card(everyone, JA)["refresh"]
    assert refresh["action"]["data"] == {"poll_id": 7}
    assert len(refresh["userIds"]) == 60


@pytest.mark.parametrize("t", [JA, EN])
def test_after_deciding_the_menu_says_so_once(t: Translator) -> None:
    decided = Poll(7, "会", CANDIDATES, state=PollState.DECIDED, decided=1)
    done = t("polls.coordinator.decided_notice", date="12/10")
    results = tally(CANDIDATES, ANSWERS)
    just_now = coordinator_view(decided, results, t, notice=done)
    text = markdown_texts(coordinator_card(just_now, t))
    assert done in text
    assert t("polls.coordinator.decided") not in text
    # Opened later (or a second 決定する), the menu says the poll was already decided.
    later = markdown_texts(coordinator_card(coordinator_view(decided, results, t), t))
    assert t("polls.coordinator.decided") in later
