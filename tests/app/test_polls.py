"""日程調整 through the real HTTP endpoint: a coordinator opens a poll in the channel, people answer
it from the card, the shared card follows, and the poll closes and reminds by itself."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app import TASKS_KEY
from dialogs.platform.messenger import UPDATE_SPACING
from dialogs.platform.tasks import TaskRunner
from storage.db import Database
from storage.models import PollAnswerRow
from tests.app.test_first_contact import card_text
from tests.fakes.connector import FakeConnector, Posted
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import GUEST, HANAKO, JIRO, TARO, TEAM, Activities, TeamsUser

JST = ZoneInfo("Asia/Tokyo")
ONE_LINE = "日程調整 第2回IYO WORK 12/10 12/15 12/17 会場:松前町役場 締切:12/5"


def invoke_card(answer: Any) -> dict[str, Any]:
    """The card an Action.Execute invoke answered with (seen by the presser alone)."""
    assert answer.status == 200, answer.body
    assert answer.body["type"] == "application/vnd.microsoft.card.adaptive"
    card: dict[str, Any] = answer.body["value"]
    return card


def selected(card: dict[str, Any]) -> dict[str, str]:
    """The answer preselected per candidate input on a card."""
    found: dict[str, str] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Input.ChoiceSet" and "value" in node:
                found[node["id"]] = node["value"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


async def open_poll(
    bot: RunningBot, activities: Activities, connector: FakeConnector, text: str = ONE_LINE
) -> Posted:
    """A coordinator writes the one line; the poll's own thread (the posted card) comes back."""
    await bot.send(activities.channel_message(text, from_=TARO))
    sent = await connector.wait_for_sent(2)
    [post] = [p for p in sent if p.card is not None]
    return post


def answer_activity(
    activities: Activities, post: Posted, who: TeamsUser, **choices: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {"poll_id": 1, **choices}
    return activities.invoke_action(
        "poll.answer", data, from_=who, card_activity_id=post.activity_id
    )


async def shared_card_showing(
    bot: RunningBot, connector: FakeConnector, text: str
) -> dict[str, Any]:
    """Waits (bounded) until the latest update of the shared card shows `text`. Edits of one
    card are spaced out, so time moves on by more than that spacing between looks."""
    for _ in range(10):
        if connector.updated and text in card_text(connector.updated[-1].card or {}):
            return connector.updated[-1].card or {}
        bot.clock.advance(UPDATE_SPACING + timedelta(seconds=1))
        with contextlib.suppress(TimeoutError):
            await connector.wait_for_updated(len(connector.updated) + 1, within=2.0)
    raise AssertionError(f"the shared card never showed {text!r}")


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_coordinator_opens_a_poll_with_one_line(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    post = await open_poll(bot, activities, connector)

    # Its own thread in the channel, not a reply to the command.
    assert post.reply_to_id is None
    assert post.conversation_id.startswith(TEAM.id)
    text = card_text(post.card or {})
    for expected in ("第2回IYO WORK", "12/10(木)", "12/15(火)", "12/17(木)", "松前町役場"):
        assert expected in text
    assert "12/5(土) 23:59" in text
    [confirmation] = [p for p in connector.sent if p.card is None]
    assert "第2回IYO WORK" in (confirmation.text or "")


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_someone_who_is_not_a_coordinator_is_refused_politely(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await bot.send(activities.channel_message(ONE_LINE, from_=HANAKO))

    [refusal] = await connector.wait_for_sent(1)
    assert "コーディネーター" in (refusal.text or "")
    assert refusal.card is None


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_bad_input_gets_the_form_saying_what_is_wrong(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await bot.send(activities.channel_message("日程調整 忘年会 2026-11-20 2/30 12/10"))

    [form] = await connector.wait_for_sent(1)
    text = card_text(form.card or {})
    assert "「2026-11-20」" in text and "過ぎています" in text
    assert "「2/30」という日付はありません" in text
    assert _input_value(form.card or {}, "title") == "忘年会"
    assert "12/10" in _input_value(form.card or {}, "dates")


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_more_than_twenty_dates_are_refused(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    dates = " ".join(f"1/{day}" for day in range(5, 27))
    await bot.send(activities.channel_message(f"日程調整 研修 {dates}"))

    [form] = await connector.wait_for_sent(1)
    assert "候補日は20件までです（いまは22件です）" in card_text(form.card or {})


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_the_form_alone_then_filled_in(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await bot.send(activities.channel_message("日程調整"))
    [form] = await connector.wait_for_sent(1)
    assert "日程調整を作成" in card_text(form.card or {})

    wrong = {"title": "研修", "dates": "12/10\n2/30", "venue": "", "hide_results": "false"}
    retry = invoke_card(
        await bot.send(
            activities.invoke_action("poll.create", wrong, card_activity_id=form.activity_id)
        )
    )
    assert "「2/30」という日付はありません" in card_text(retry)
    assert _input_value(retry, "dates") == "12/10\n2/30"

    right = {**wrong, "dates": "12/10\n12/11"}
    done = invoke_card(
        await bot.send(
            activities.invoke_action("poll.create", right, card_activity_id=form.activity_id)
        )
    )
    assert "研修" in card_text(done)
    [_, post] = await connector.wait_for_sent(2)
    assert post.reply_to_id is None
    assert "12/11(金)" in card_text(post.card or {})


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_three_people_answer_and_the_shared_card_counts_them(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    post = await open_poll(bot, activities, connector)

    views = {}
    for who, choice in ((TARO, "onsite"), (HANAKO, "online"), (JIRO, "onsite")):
        answer = await bot.send(answer_activity(activities, post, who, choice_1=choice))
        views[who.name] = invoke_card(answer)

    # Each person gets their own view back: their answer preselected and "saved".
    assert selected(views[HANAKO.name]) == {"choice_1": "online"}
    assert selected(views[JIRO.name]) == {"choice_1": "onsite"}
    assert "回答を保存しました" in card_text(views[JIRO.name])
    shared = await shared_card_showing(bot, connector, "回答 3名")
    assert "○現地 2\u00a0 ○オンライン 1\u00a0 △ 0\u00a0 × 0" in card_text(shared)
    assert selected(shared) == {}  # nobody's answer is preselected on the shared card


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_an_answer_belongs_to_the_sender_whatever_the_card_data_says(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    post = await open_poll(bot, activities, connector)
    forged = {
        "choice_1": "no",
        "person_key": TARO.aad_object_id,
        "user_id": TARO.teams_id,
        "from": TARO.account(),
    }
    await bot.send(answer_activity(activities, post, HANAKO, **forged))

    taro_sees = invoke_card(
        await bot.send(
            activities.invoke_action(
                "poll.view", {"poll_id": 1}, from_=TARO, card_activity_id=post.activity_id
            )
        )
    )
    assert selected(taro_sees) == {}
    assert "×: 今治 花子" in card_text(taro_sees)


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_redelivered_answer_changes_nothing(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    post = await open_poll(bot, activities, connector)
    first = answer_activity(activities, post, HANAKO, choice_1="onsite")
    await bot.send(first)
    await bot.send(answer_activity(activities, post, HANAKO, choice_1="no"))

    again = invoke_card(await bot.send(first))  # Teams retries the first press

    assert selected(again) == {"choice_1": "onsite"}  # answered as before…
    now = invoke_card(
        await bot.send(
            activities.invoke_action(
                "poll.view", {"poll_id": 1}, from_=HANAKO, card_activity_id=post.activity_id
            )
        )
    )
    assert selected(now) == {"choice_1": "no"}  # …but the later answer stands


async def test_after_the_deadline_answers_are_refused_and_the_poll_closes(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    post = await open_poll(bot, activities, connector)
    bot.clock.set(datetime(2026, 12, 6, 0, 0, tzinfo=JST))

    late = invoke_card(await bot.send(answer_activity(activities, post, JIRO, choice_1="onsite")))
    assert "締め切られている" in card_text(late)
    assert await _answers_stored(database) == 0

    await task_runner(bot).run_due()
    shared = await shared_card_showing(bot, connector, "締め切りました")
    assert "回答する" not in card_text(shared)


async def test_a_reminder_mentions_those_who_have_not_answered(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    post = await open_poll(bot, activities, connector)
    await bot.send(answer_activity(activities, post, HANAKO, choice_1="maybe"))
    await connector.wait_for_updated(1)  # the poll's thread is settled
    runner = task_runner(bot)

    # 締切 12/5 is a Saturday: the reminder goes at 09:00 on Friday 12/4, not before.
    bot.clock.set(datetime(2026, 12, 4, 8, 59, tzinfo=JST))
    await runner.run_due()
    bot.clock.set(datetime(2026, 12, 4, 9, 0, tzinfo=JST))
    await runner.run_due()

    sent = await connector.wait_for_sent(3)
    [reminder] = [p for p in sent if p.reply_to_id == post.activity_id]
    assert set(reminder.mentioned_ids) == {TARO.teams_id, JIRO.teams_id, GUEST.teams_id}
    assert "第2回IYO WORK" in (reminder.text or "")


async def test_thirty_people_answering_at_once_are_all_stored(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    post = await open_poll(bot, activities, connector)
    people = [
        TeamsUser(f"職員 {n}", f"29:1crowd{n:04d}", f"aad00000-0000-4000-9000-{n:012d}", "x@y")
        for n in range(30)
    ]

    answers = await asyncio.gather(
        *(bot.send(answer_activity(activities, post, who, choice_2="online")) for who in people)
    )

    assert all("回答を保存しました" in card_text(invoke_card(a)) for a in answers)
    assert await _answers_stored(database) == 30


def task_runner(bot: RunningBot) -> TaskRunner:
    """The app's due-task runner, to run what is due now instead of waiting for its tick."""
    app = bot.client.app
    assert app is not None
    runner: TaskRunner = app[TASKS_KEY]
    return runner


async def _answers_stored(database: Database) -> int:
    async with database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(PollAnswerRow)) or 0)


def _input_value(card: dict[str, Any], input_id: str) -> str:
    for element in card["body"]:
        if element.get("id") == input_id:
            return str(element.get("value", ""))
    raise AssertionError(f"no input {input_id}")


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_those_who_answered_keep_seeing_their_own_answers_when_the_card_changes(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    post = await open_poll(bot, activities, connector)
    own = invoke_card(await bot.send(answer_activity(activities, post, HANAKO, choice_1="maybe")))
    assert own["refresh"]["userIds"] == [HANAKO.teams_id]

    # The edited shared card asks the Teams clients of those who answered for their own view…
    await bot.send(answer_activity(activities, post, JIRO, choice_1="no"))
    shared = await shared_card_showing(bot, connector, "回答 2名")
    assert shared["refresh"]["action"]["verb"] == "poll.view"
    assert set(shared["refresh"]["userIds"]) == {HANAKO.teams_id, JIRO.teams_id}

    # …which Teams fetches by itself (trigger "automatic"): Hanako's △ stays selected.
    fetched = await bot.send(
        activities.invoke_action(
            "poll.view",
            shared["refresh"]["action"]["data"],
            from_=HANAKO,
            card_activity_id=post.activity_id,
            trigger="automatic",
        )
    )
    assert selected(invoke_card(fetched)) == {"choice_1": "maybe"}


def count_lines(card: dict[str, Any]) -> list[str]:
    """The count line of each date on a card, in the card's order ("○現地 1  ○オンライン 0 …")."""
    lines: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            text = node.get("text")
            if node.get("type") == "TextBlock" and isinstance(text, str) and "△" in text:
                lines.append(text.replace("\u00a0", ""))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return lines


def answer_button(card: dict[str, Any]) -> dict[str, Any]:
    """The data of 回答する on a card."""
    [button] = [a for a in card["actions"] if a["verb"] == "poll.answer"]
    data: dict[str, Any] = button["data"]
    return data


def comment_value(card: dict[str, Any]) -> str:
    [comment] = [e for e in card["body"] if e.get("id") == "comment"]
    return str(comment.get("value", ""))


async def test_answering_again_from_the_channel_card_keeps_the_dates_left_blank(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    post = await open_poll(bot, activities, connector)
    await bot.send(answer_activity(activities, post, JIRO, choice_1="online"))
    everything = {"choice_1": "onsite", "choice_2": "maybe", "choice_3": "no"}
    await bot.send(answer_activity(activities, post, HANAKO, **everything, comment="午後なら"))

    # Later, from the channel's card as most people see it (nothing preselected), Hanako picks
    # ○ for 12/15 only and writes no comment: 12/10, 12/17 and her comment stay.
    assert answer_button(post.card or {}) == {"poll_id": 1}
    again = invoke_card(
        await bot.send(answer_activity(activities, post, HANAKO, choice_2="onsite"))
    )

    assert selected(again) == {"choice_1": "onsite", "choice_2": "onsite", "choice_3": "no"}
    assert comment_value(again) == "午後なら"
    shared = await shared_card_showing(bot, connector, "○現地 1\u00a0 ○オンライン 0\u00a0 △ 0")
    assert count_lines(shared) == [
        "○現地 1 ○オンライン 1 △ 0 × 0",  # 12/10: Hanako's ○現地 kept, Jiro's ○オンライン
        "○現地 1 ○オンライン 0 △ 0 × 0",  # 12/15: △ became ○現地
        "○現地 0 ○オンライン 0 △ 0 × 1",  # 12/17: her × kept
    ]
    assert "回答 2名" in card_text(shared)


async def test_answering_again_from_ones_own_card_replaces_the_answer(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    post = await open_poll(bot, activities, connector)
    await bot.send(answer_activity(activities, post, JIRO, choice_1="online"))
    everything = {"choice_1": "onsite", "choice_2": "maybe", "choice_3": "no"}
    own = invoke_card(
        await bot.send(answer_activity(activities, post, HANAKO, **everything, comment="午後なら"))
    )

    # Her own card shows her answers preselected, so what she clears there is cleared.
    assert answer_button(own) == {"poll_id": 1, "prefilled": True}
    cleared = {**answer_button(own), "choice_2": "onsite", "comment": ""}
    again = invoke_card(
        await bot.send(
            activities.invoke_action(
                "poll.answer", cleared, from_=HANAKO, card_activity_id=post.activity_id
            )
        )
    )

    assert selected(again) == {"choice_2": "onsite"}
    assert comment_value(again) == ""
    shared = await shared_card_showing(bot, connector, "○現地 1\u00a0 ○オンライン 0\u00a0 △ 0")
    assert count_lines(shared) == [
        "○現地 0 ○オンライン 1 △ 0 × 0",  # Jiro's answer is his own: untouched
        "○現地 1 ○オンライン 0 △ 0 × 0",
        "○現地 0 ○オンライン 0 △ 0 × 0",
    ]


async def test_the_mark_of_ones_own_card_touches_nobody_elses_answer(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    post = await open_poll(bot, activities, connector)
    await bot.send(answer_activity(activities, post, TARO, choice_1="onsite", choice_3="maybe"))
    forged = {"prefilled": True, "choice_2": "no", "person_key": TARO.aad_object_id}

    hanako = invoke_card(await bot.send(answer_activity(activities, post, HANAKO, **forged)))

    assert selected(hanako) == {"choice_2": "no"}
    taro = invoke_card(
        await bot.send(
            activities.invoke_action(
                "poll.view", {"poll_id": 1}, from_=TARO, card_activity_id=post.activity_id
            )
        )
    )
    assert selected(taro) == {"choice_1": "onsite", "choice_3": "maybe"}


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_the_card_teams_fetches_for_those_who_answered_is_their_own_to_answer_from(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    post = await open_poll(bot, activities, connector)
    await bot.send(answer_activity(activities, post, HANAKO, choice_1="maybe", choice_2="no"))
    jiro_first = invoke_card(
        await bot.send(
            activities.invoke_action(
                "poll.view", {"poll_id": 1}, from_=JIRO, card_activity_id=post.activity_id
            )
        )
    )
    assert answer_button(jiro_first) == {"poll_id": 1}  # nothing of his to preselect yet

    shared = await shared_card_showing(bot, connector, "回答 1名")
    assert shared["refresh"]["action"]["data"] == {"poll_id": 1}
    fetched = invoke_card(
        await bot.send(
            activities.invoke_action(
                "poll.view",
                shared["refresh"]["action"]["data"],
                from_=HANAKO,
                card_activity_id=post.activity_id,
                trigger="automatic",
            )
        )
    )
    # She changes 12/10 and clears 12/15 on the card Teams fetched for her: it is replaced.
    data = {**answer_button(fetched), "choice_1": "onsite"}
    answered = await bot.send(
        activities.invoke_action(
            "poll.answer", data, from_=HANAKO, card_activity_id=post.activity_id
        )
    )
    assert selected(invoke_card(answered)) == {"choice_1": "onsite"}
