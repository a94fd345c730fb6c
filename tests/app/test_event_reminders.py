"""Reminders and the registration deadline of an IYO WORK day, through the real HTTP endpoint:
at 09:00 on the last business day before the day each registrant gets the details in their
personal chat (once, even across a restart), someone the bot cannot write to personally is
@mentioned in the event's thread, and the event card says when registration has closed."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp.test_utils import TestServer
from sqlalchemy import func, select, update

from app import TASKS_KEY, build_app
from dialogs.platform.tasks import TaskRunner
from storage.db import Database
from storage.models import DueTask, OutboxMessage
from tests.app.test_event_creation import create_event
from tests.app.test_first_contact import card_text
from tests.app.test_polls import task_runner
from tests.app.test_registration import (
    SABURO,
    a_decided_day,
    event_card_showing,
    on_site,
    press,
    register,
)
from tests.fakes.connector import FakeConnector, Posted
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import GUEST, HANAKO, JIRO, TARO, Activities, TeamsUser

JST = ZoneInfo("Asia/Tokyo")
MEETING = "https://teams.example.com/l/meetup-join/19%3ameeting_abc"


def personal_to(connector: FakeConnector, who: TeamsUser) -> list[str]:
    """What reached `who` in their personal chat with the bot."""
    chats = {
        created.conversation_id
        for created in connector.created
        if not created.is_group and created.members[0].get("id") == who.teams_id
    }
    return [posted.text or "" for posted in connector.sent if posted.conversation_id in chats]


async def personal_rows(database: Database) -> int:
    """Personal messages the bot has queued (sent or not)."""
    async with database.transaction() as session:
        count = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "personal")
        )
    return int(count or 0)


async def reminders_due(database: Database) -> list[tuple[str, datetime]]:
    async with database.transaction() as session:
        rows = await session.execute(
            select(DueTask.status, DueTask.due_at).where(DueTask.kind == "event.remind")
        )
        return [(status, due_at) for status, due_at in rows]


async def test_everyone_registered_is_reminded_once_at_nine_on_the_business_day_before(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    announcement = await a_decided_day(bot, activities, connector)  # Tue 12/15, 定員:2
    await register(bot, activities, announcement, HANAKO, **on_site("imabari"))
    await register(bot, activities, announcement, JIRO, mode="online", municipality="uwajima")
    await register(bot, activities, announcement, TARO, **on_site("ehime", slot="pm"))
    english = on_site("yawatahama")
    await bot.send(
        press(activities, announcement, "event.register", SABURO, locale="en-US", **english)
    )
    await register(bot, activities, announcement, GUEST, mode="absent")
    runner = task_runner(bot)

    # Monday 12/14 is the last business day before: nothing at 08:59, everyone at 09:00.
    bot.clock.set(datetime(2026, 12, 14, 8, 59, tzinfo=JST))
    await runner.run_due()
    assert await personal_rows(database) == 0
    bot.clock.set(datetime(2026, 12, 14, 9, 0, tzinfo=JST))
    await runner.run_due()
    await connector.wait_for_sent(len(connector.sent) + 4)

    [hanako] = personal_to(connector, HANAKO)
    for expected in (
        "第2回IYO WORK",
        "日時: 12/15(火) 09:00–17:00",
        "会場: 松前町役場",
        "参加方法: 現地",
        f"カレンダーに追加: {bot.settings.public_base_url}/events/",
        "12/14(月) 17:00 までに参加登録カードで変更",
    ):
        assert expected in hanako, expected
    [taro] = personal_to(connector, TARO)
    assert "参加方法: 現地（午後）" in taro
    [jiro] = personal_to(connector, JIRO)
    assert "参加方法: オンライン" in jiro
    assert "オンライン会議のURLは、コーディネーターからお知らせします。" in jiro
    [saburo] = personal_to(connector, SABURO)  # waiting for a seat, and English-speaking
    assert "Reminder: IYO WORK" in saburo
    assert "On site (number 1 on the waiting list)" in saburo
    assert personal_to(connector, GUEST) == []  # 欠席: nothing

    # Run again, after a restart, and even re-armed for the same day: nobody hears it twice.
    await runner.run_due()
    async with database.transaction() as session:
        await session.execute(
            update(DueTask).where(DueTask.kind == "event.remind").values(status="pending")
        )
    await run_due_in_a_second_instance(bot)
    assert await personal_rows(database) == 4
    assert await reminders_due(database) == [("done", datetime(2026, 12, 14, 9, 0, tzinfo=JST))]


async def test_online_registrants_get_the_meeting_link_of_an_event_created_directly(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    post, _ = await create_event(
        bot,
        activities,
        connector,
        f"イベント作成 第3回IYO WORK 2027/1/20 10:00-16:00 会場:八幡浜市役所 URL:{MEETING}",
    )
    await register(bot, activities, post, JIRO, mode="online", municipality="uwajima")
    await register(bot, activities, post, HANAKO, **on_site("imabari"))

    bot.clock.set(datetime(2027, 1, 19, 9, 0, tzinfo=JST))  # Tuesday, the day before
    await task_runner(bot).run_due()
    await connector.wait_for_sent(len(connector.sent) + 2)

    [jiro] = personal_to(connector, JIRO)
    assert "日時: 1/20(水) 10:00–16:00" in jiro
    assert f"オンライン会議のURL: {MEETING}" in jiro
    [hanako] = personal_to(connector, HANAKO)
    assert MEETING not in hanako and "会場: 八幡浜市役所" in hanako


async def test_someone_the_bot_cannot_write_to_is_mentioned_in_the_event_thread(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    announcement = await a_decided_day(bot, activities, connector)
    await register(bot, activities, announcement, GUEST, mode="online", municipality="other")
    connector.unreachable.add(GUEST.teams_id)  # from another organisation: no 1:1 chat

    bot.clock.set(datetime(2026, 12, 14, 9, 0, tzinfo=JST))
    await task_runner(bot).run_due()

    mention = await _mention_of(connector, GUEST)
    assert mention.reply_to_id == announcement.reply_to_id  # in the event's (poll's) thread
    assert mention.text is not None and "第2回IYO WORK" in mention.text
    assert "12/15(火) 09:00–17:00" in mention.text
    assert personal_to(connector, GUEST) == []


async def test_a_day_announced_after_the_reminder_moment_gets_no_reminder(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    # Thursday 11/26 10:00, for Friday 11/27: the reminder's 09:00 has already passed.
    post, _ = await create_event(
        bot, activities, connector, "イベント作成 急ぎのIYO WORK 11/27 13:00-17:00"
    )
    await register(bot, activities, post, HANAKO, **on_site("imabari"))

    bot.clock.set(datetime(2026, 11, 27, 12, 0, tzinfo=JST))
    await task_runner(bot).run_due()

    assert await reminders_due(database) == []
    assert await personal_rows(database) == 0
    # Registration closed at 17:00 the day before, and the card says so.
    closed = await event_card_showing(bot, connector, post, "参加登録は締め切りました")
    assert "参加登録" in card_text(closed)


async def test_the_event_card_says_when_registration_has_closed(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    announcement = await a_decided_day(bot, activities, connector)
    await register(bot, activities, announcement, HANAKO, **on_site("imabari"))
    runner = task_runner(bot)
    await event_card_showing(bot, connector, announcement, "現地 1/2名")

    bot.clock.set(datetime(2026, 12, 14, 16, 59, tzinfo=JST))
    await runner.run_due()
    assert "締め切りました" not in _latest(connector, announcement)
    bot.clock.set(datetime(2026, 12, 14, 17, 0, tzinfo=JST))
    await runner.run_due()
    await event_card_showing(bot, connector, announcement, "参加登録は締め切りました")

    # Hanako's change is refused with a clear card; a coordinator still registers, and the card
    # keeps saying that registration has closed.
    late = await register(bot, activities, announcement, HANAKO, mode="absent")
    assert "締切を過ぎたため" in card_text(late)
    await register(bot, activities, announcement, TARO, **on_site("ehime"))
    shared = await event_card_showing(bot, connector, announcement, "現地 2/2名")
    assert "参加登録は締め切りました" in card_text(shared)


async def run_due_in_a_second_instance(bot: RunningBot) -> None:
    """Another instance of the bot on the same database runs what is due (a restart)."""
    app = build_app(bot.settings, clock=bot.clock)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        runner: TaskRunner = app[TASKS_KEY]
        await runner.run_due()
    finally:
        await server.close()


async def _mention_of(connector: FakeConnector, who: TeamsUser) -> Posted:
    for _ in range(50):
        for posted in connector.sent:
            if who.teams_id in posted.mentioned_ids:
                return posted
        await connector.wait_for_sent(len(connector.sent) + 1, within=5.0)
    raise AssertionError(f"{who.name} was never mentioned")


def _latest(connector: FakeConnector, card: Posted) -> str:
    edits = [u for u in connector.updated if u.activity_id == card.activity_id]
    latest: dict[str, Any] = (edits[-1].card or {}) if edits else (card.card or {})
    return card_text(latest)


__all__ = ["personal_rows", "personal_to", "run_due_in_a_second_instance"]
