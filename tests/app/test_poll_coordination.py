"""日程調整, the coordinators' side, through the real HTTP endpoint: the menu on the poll card,
who has not answered, reminding them, moving the deadline, adding and removing dates,
cancelling, and deciding — which creates the IYO WORK day with its calendar file."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from storage.db import Database
from storage.models import EventRow, OutboxMessage, PollAnswerRow
from tests.app.test_first_contact import card_text
from tests.app.test_polls import (
    ONE_LINE,
    answer_activity,
    invoke_card,
    open_poll,
    selected,
    shared_card_showing,
    task_runner,
)
from tests.fakes.connector import FakeConnector, Posted
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import GUEST, HANAKO, JIRO, TARO, Activities, TeamsUser


async def press(
    bot: RunningBot,
    activities: Activities,
    post: Posted,
    verb: str,
    who: TeamsUser = TARO,
    **data: Any,
) -> Any:
    """Someone presses a button of the poll card (or of a card it returned) in its thread."""
    return await bot.send(
        activities.invoke_action(
            verb, {"poll_id": 1, **data}, from_=who, card_activity_id=post.activity_id
        )
    )


def replies_in(connector: FakeConnector, post: Posted) -> list[Posted]:
    return [p for p in connector.sent if p.reply_to_id == post.activity_id]


def personal_messages(connector: FakeConnector) -> list[Posted]:
    return [p for p in connector.sent if p.conversation_id.startswith("a:")]


async def test_the_coordinator_menu_is_for_coordinators_only(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    post = await open_poll(bot, activities, connector)
    assert "コーディネーター用" in card_text(post.card or {})

    menu = invoke_card(await press(bot, activities, post, "poll.coordinator"))
    for button in ("未回答者", "未回答者にリマインド", "締切変更", "候補日を追加/削除", "中止"):
        assert button in card_text(menu)
    assert "この日に決定" in card_text(menu)

    # Hanako is no coordinator: the button, or a forged invoke of any coordinator verb, is
    # refused on the server and nothing changes.
    for verb, data in (
        ("poll.coordinator", {}),
        ("poll.cancel.confirm", {}),
        ("poll.decide.confirm", {"candidate_id": 1}),
    ):
        refused = await press(bot, activities, post, verb, HANAKO, **data)
        assert "コーディネーター" in str(refused.body)
    assert await _count(database, EventRow) == 0
    answered = invoke_card(
        await bot.send(answer_activity(activities, post, HANAKO, choice_1="onsite"))
    )
    assert "回答を保存しました" in card_text(answered)


async def test_who_has_not_answered_and_a_reminder_in_the_thread(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    post = await open_poll(bot, activities, connector)
    await bot.send(answer_activity(activities, post, HANAKO, choice_1="onsite"))

    listed = invoke_card(await press(bot, activities, post, "poll.nonrespondents"))
    assert "未回答者（3名）" in card_text(listed)
    for name in (TARO.name, JIRO.name, GUEST.name):
        assert name in card_text(listed)
    assert HANAKO.name not in card_text(listed)

    reminded = invoke_card(await press(bot, activities, post, "poll.remind"))
    assert "3名に、スレッドでリマインドしました。" in card_text(reminded)
    sent = await connector.wait_for_sent(3)
    [reminder] = [p for p in sent if p.reply_to_id == post.activity_id]
    assert set(reminder.mentioned_ids) == {TARO.teams_id, JIRO.teams_id, GUEST.teams_id}
    assert "12/5(土) 23:59" in (reminder.text or "")


async def test_moving_the_deadline_shows_on_the_card_and_reopens_a_closed_poll(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    post = await open_poll(bot, activities, connector)

    asked = invoke_card(await press(bot, activities, post, "poll.deadline"))
    assert _input(asked, "deadline") == "2026-12-05 23:59"
    wrong = invoke_card(await press(bot, activities, post, "poll.deadline.save", deadline="12/20"))
    assert "最初の候補日" in card_text(wrong)
    assert _input(wrong, "deadline") == "12/20"  # what was typed stays

    done = invoke_card(await press(bot, activities, post, "poll.deadline.save", deadline="12/8"))
    assert "締切を 12/8(火) 23:59 に変更しました。" in card_text(done)
    await shared_card_showing(bot, connector, "締切: 12/8(火) 23:59")

    # The old deadline passes: nothing closes. The new one does.
    from datetime import datetime
    from zoneinfo import ZoneInfo

    bot.clock.set(datetime(2026, 12, 6, 0, 0, tzinfo=ZoneInfo("Asia/Tokyo")))
    await task_runner(bot).run_due()
    late = invoke_card(await bot.send(answer_activity(activities, post, JIRO, choice_1="no")))
    assert "回答を保存しました" in card_text(late)
    bot.clock.set(datetime(2026, 12, 9, 0, 0, tzinfo=ZoneInfo("Asia/Tokyo")))
    await task_runner(bot).run_due()
    await shared_card_showing(bot, connector, "締め切りました")

    # A later deadline opens the closed poll again.
    invoke_card(await press(bot, activities, post, "poll.deadline.save", deadline="12/9 17:00"))
    reopened = await shared_card_showing(bot, connector, "締切: 12/9(水) 17:00")
    assert "回答する" in card_text(reopened)


async def test_removing_a_date_tells_those_who_answered_it_and_added_dates_are_announced(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    post = await open_poll(bot, activities, connector)
    await bot.send(answer_activity(activities, post, HANAKO, choice_1="onsite", choice_2="no"))
    await bot.send(answer_activity(activities, post, JIRO, choice_2="maybe"))

    changed = invoke_card(
        await press(bot, activities, post, "poll.candidates.save", add="12/18", remove="1")
    )
    assert "候補日を1件追加し、1件削除しました。" in card_text(changed)

    shared = await shared_card_showing(bot, connector, "12/18(金)")
    assert "12/10(木)" not in card_text(shared)
    sent = await connector.wait_for_sent(4)
    [told] = personal_messages(connector)  # only Hanako had answered 12/10
    assert "12/10(木)" in (told.text or "") and "削除" in (told.text or "")
    [added] = [p for p in sent if p.reply_to_id == post.activity_id]
    assert "12/18(金)" in (added.text or "")
    hanako = invoke_card(await press(bot, activities, post, "poll.view", HANAKO))
    assert selected(hanako) == {"choice_2": "no"}  # her other answer stays


async def test_bad_date_changes_keep_what_was_typed(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    post = await open_poll(bot, activities, connector)

    wrong = invoke_card(
        await press(bot, activities, post, "poll.candidates.save", add="12/4\n2/30", remove="")
    )
    text = card_text(wrong)
    assert "回答締切" in text and "より前です" in text  # 12/4 is before the deadline 12/5
    assert "「2/30」という日付はありません" in text
    assert _input(wrong, "add") == "12/4\n2/30"
    everything = invoke_card(
        await press(bot, activities, post, "poll.candidates.save", add="", remove="1,2,3")
    )
    assert "候補日を1つ以上入力してください" in card_text(everything)


async def test_cancelling_stops_the_poll(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    post = await open_poll(bot, activities, connector)

    asked = invoke_card(await press(bot, activities, post, "poll.cancel"))
    assert "中止しますか" in card_text(asked)
    invoke_card(await press(bot, activities, post, "poll.cancel.confirm"))

    await shared_card_showing(bot, connector, "この日程調整は中止されました。")
    refused = invoke_card(await bot.send(answer_activity(activities, post, JIRO, choice_1="no")))
    assert "この日程調整は中止されたため、回答できません。" in card_text(refused)
    assert await _count(database, PollAnswerRow) == 0
    await connector.wait_for_sent(3)
    [told] = replies_in(connector, post)
    assert "中止" in (told.text or "")


async def test_deciding_creates_the_iyo_work_day_with_its_calendar_file(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    post = await open_poll(bot, activities, connector)
    await bot.send(answer_activity(activities, post, HANAKO, choice_2="onsite"))

    asked = invoke_card(await press(bot, activities, post, "poll.decide", candidate_id="2"))
    assert "12/15(火)" in card_text(asked) and "決定しますか" in card_text(asked)
    done = invoke_card(await press(bot, activities, post, "poll.decide.confirm", candidate_id=2))
    assert "12/15(火) に決定しました。" in card_text(done)
    assert "すでに決定しています" not in card_text(done)  # said once, as what just happened

    shared = await shared_card_showing(bot, connector, "12/15(火) に決定しました。")
    [calendar_button] = shared["actions"]
    assert calendar_button["title"] == "カレンダーに追加"
    sent = await connector.wait_for_sent(3)
    [announcement] = [p for p in sent if p.reply_to_id == post.activity_id]
    text = card_text(announcement.card or {})
    for expected in ("日程が決まりました", "第2回IYO WORK", "12/15(火) 09:00–17:00", "松前町役場"):
        assert expected in text
    assert "12/14(月) 17:00" in text  # registration closes the business day before, 17:00

    path = calendar_button["url"].removeprefix(bot.settings.public_base_url)
    ics = await bot.get(path)
    assert ics.status == 200
    [event] = Calendar.from_ical(ics.body).walk("VEVENT")
    assert str(event["SUMMARY"]) == "第2回IYO WORK"
    assert event.decoded("DTSTART").isoformat() == "2026-12-15T09:00:00+09:00"
    assert event.decoded("DTEND").isoformat() == "2026-12-15T17:00:00+09:00"
    assert str(event["LOCATION"]) == "松前町役場"

    # Decided means closed: no more answers, and a second decision changes nothing.
    late = invoke_card(await bot.send(answer_activity(activities, post, JIRO, choice_1="no")))
    assert "この日程調整は日程が決まったため、回答の受付を終えています。" in card_text(late)
    again = invoke_card(await press(bot, activities, post, "poll.decide.confirm", candidate_id=3))
    assert "すでに決定しています" in card_text(again)
    assert await _count(database, EventRow) == 1


async def test_deciding_by_writing_the_date_in_the_thread(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    post = await open_poll(bot, activities, connector)
    await _posted(database)  # in Teams nobody can reply before the thread exists

    await bot.send(activities.channel_message("日程決定 12/17", thread=post.activity_id))
    sent = await connector.wait_for_sent(3)
    in_thread = [p for p in sent if p.conversation_id.endswith(f"messageid={post.activity_id}")]
    [confirm] = [p for p in in_thread if p is not post and p.activity_id != post.activity_id]
    assert "12/17(木)" in card_text(confirm.card or {})
    [yes] = [a for a in (confirm.card or {})["actions"] if a["verb"] == "poll.decide.confirm"]

    # Outside a poll's thread, or with a date the poll does not have, it says how to do it.
    await bot.send(activities.channel_message("日程決定 12/17"))
    await bot.send(activities.channel_message("日程決定 12/11", thread=post.activity_id))
    texts = " ".join(p.text or "" for p in await connector.wait_for_sent(5))
    assert "スレッドに返信として送ってください" in texts
    assert "「12/11」はこの日程調整の候補日にありません。" in texts

    done = await bot.send(
        activities.invoke_action(
            yes["verb"],
            yes["data"],
            from_=TARO,
            card_activity_id=confirm.activity_id,
            thread=post.activity_id,
        )
    )
    assert "12/17(木) に決定しました。" in card_text(invoke_card(done))
    await bot.send(activities.channel_message("日程決定 12/15", thread=post.activity_id))
    sent = await connector.wait_for_sent(7)
    assert "この日程調整はすでに決定しています。" in " ".join(p.text or "" for p in sent)


async def test_hidden_results_are_shown_only_to_those_who_answered(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    post = await open_poll(bot, activities, connector, ONE_LINE + " 結果:回答後")
    assert "回答した人にだけ表示されます" in card_text(post.card or {})

    hanako = invoke_card(
        await bot.send(answer_activity(activities, post, HANAKO, choice_1="onsite"))
    )
    assert "○現地 1" in card_text(hanako)  # she answered: she sees the counts

    jiro = invoke_card(await press(bot, activities, post, "poll.view", JIRO))
    assert "○現地" not in card_text(jiro).replace("○ 現地", "")  # only the choice titles
    shared = await shared_card_showing(bot, connector, "回答 1名")
    assert "○現地 1" not in card_text(shared) and HANAKO.name not in card_text(shared)


def _input(card: dict[str, Any], input_id: str) -> str:
    def walk(node: object) -> str | None:
        if isinstance(node, dict):
            if node.get("id") == input_id and str(node.get("type", "")).startswith("Input."):
                return str(node.get("value", ""))
            for value in node.values():
                if (found := walk(value)) is not None:
                    return found
        elif isinstance(node, list):
            for item in node:
                if (found := walk(item)) is not None:
                    return found
        return None

    found = walk(card)
    assert found is not None, f"no input {input_id}"
    return found


async def _posted(database: Database) -> None:
    """Waits (bounded) until the outbox has stored the poll card's activity id."""
    for _ in range(100):
        async with database.transaction() as session:
            sent = await session.scalar(
                select(OutboxMessage.sent_activity_id).where(OutboxMessage.id == 1)
            )
        if sent:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the poll card was never posted")


async def _count(database: Database, table: Any) -> int:
    async with database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_writing_the_decision_wrongly_says_what_to_write(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    post = await open_poll(bot, activities, connector)
    await _posted(database)

    await bot.send(activities.channel_message("日程決定 12/15(水)", thread=post.activity_id))
    await bot.send(activities.channel_message("日程決定", thread=post.activity_id))
    await bot.send(activities.personal_message("日程決定 12/10"))

    said = {p.text for p in await connector.wait_for_sent(5)}
    assert {
        "「12/15(水)」の曜日が合いません。その日は 2026年12月15日(火) です。",
        "決定する日を書いてください（例: 日程決定 12/15）。",
        "「日程決定 12/10」は、日程調整のスレッドに返信として送ってください。",
    } <= said
