"""Coordinators changing an IYO WORK day through the real HTTP endpoint: the event card's
「コーディネーター用」 button opens their menu, 編集 shows the creation form prefilled, saving tells
each registrant what changed for them (and moves the reminder), a larger capacity seats those
waiting, a smaller one unseats nobody, and 中止 (asked once more) tells everyone registered."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import select

from cards.event_admin import EDIT_INPUTS
from dialogs.events.creation import FORM_FIELDS
from storage.db import Database
from storage.models import DueTask, EventRow
from tests.app.test_event_reminders import personal_rows, personal_to
from tests.app.test_first_contact import card_text
from tests.app.test_polls import invoke_card, task_runner
from tests.app.test_registration import (
    SABURO,
    a_decided_day,
    buttons,
    event_card_showing,
    inputs,
    on_site,
    press,
    register,
)
from tests.fakes.connector import FakeConnector, Posted
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import GUEST, HANAKO, JIRO, TARO, Activities

JST = ZoneInfo("Asia/Tokyo")


async def coordinator(
    bot: RunningBot, activities: Activities, card: Posted, verb: str, **data: Any
) -> dict[str, Any]:
    """Taro, a coordinator, presses a button of the event card or of his menu."""
    return invoke_card(await bot.send(press(activities, card, verb, TARO, **data)))


async def edit(
    bot: RunningBot, activities: Activities, card: Posted, **changes: str
) -> dict[str, Any]:
    """Taro opens 編集, changes some fields and saves; the card he gets back."""
    form = await coordinator(bot, activities, card, "event.edit")
    return await coordinator(
        bot, activities, card, "event.edit.save", **{**inputs(form), **changes}
    )


async def test_a_coordinator_moves_the_day_and_registrants_hear_what_changed_for_them(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    announcement = await a_decided_day(bot, activities, connector)  # Tue 12/15, 松前町役場
    await register(bot, activities, announcement, HANAKO, **on_site("imabari"))
    await register(bot, activities, announcement, JIRO, mode="online", municipality="uwajima")
    english = on_site("yawatahama")
    await bot.send(
        press(activities, announcement, "event.register", SABURO, locale="en-US", **english)
    )
    await register(bot, activities, announcement, GUEST, mode="absent")
    assert "コーディネーター用" in buttons(announcement.card or {})

    menu = await coordinator(bot, activities, announcement, "event.coordinator")
    assert "コーディネーター用メニュー" in card_text(menu)
    assert {"編集", "中止"} <= set(buttons(menu))
    refused = await bot.send(press(activities, announcement, "event.coordinator", HANAKO))
    assert "コーディネーター" in str(refused.body) and "編集" not in str(refused.body)

    form = await coordinator(bot, activities, announcement, "event.edit")
    assert inputs(form) == {
        "title": "第2回IYO WORK",
        "date": "2026-12-15 09:00-17:00",
        "venue": "松前町役場",
        "capacity": "2",
        "meeting_url": "",
        "deadline": "2026-12-14 17:00",
    }
    assert "キャンセル待ちに戻ることはありません" in card_text(form)

    saved = await edit(bot, activities, announcement, date="12/16 13:00-17:00", venue="伊方町役場")

    assert "変更を保存し、3名に個別にお知らせしました。" in card_text(saved)
    await connector.wait_for_sent(len(connector.sent) + 3)
    [hanako] = personal_to(connector, HANAKO)
    assert "IYO WORK「第2回IYO WORK」の内容が変わりました。" in hanako
    assert "日時: 12/15(火) 09:00–17:00 → 12/16(水) 13:00–17:00" in hanako
    assert "会場: 松前町役場 → 伊方町役場" in hanako
    [jiro] = personal_to(connector, JIRO)  # online: the venue is not news to him
    assert "12/16(水) 13:00–17:00" in jiro and "会場" not in jiro
    [saburo] = personal_to(connector, SABURO)
    assert "has changed" in saburo and "Venue:" in saburo
    assert personal_to(connector, GUEST) == []  # 欠席
    shared = await event_card_showing(bot, connector, announcement, "12/16(水) 13:00–17:00")
    assert "伊方町役場" in card_text(shared)
    calendar = await bot.get(urlsplit(buttons(shared)["カレンダーに追加"]["url"]).path)
    [vevent] = icalendar.Calendar.from_ical(calendar.body).walk("VEVENT")
    assert vevent.decoded("DTSTART") == datetime(2026, 12, 16, 13, 0, tzinfo=JST)
    assert vevent["LOCATION"] == "伊方町役場"

    # The reminder moved with the day: not Monday 12/14, but Tuesday 12/15 at 09:00.
    told = await personal_rows(database)
    bot.clock.set(datetime(2026, 12, 14, 9, 0, tzinfo=JST))
    await task_runner(bot).run_due()
    assert await personal_rows(database) == told
    bot.clock.set(datetime(2026, 12, 15, 9, 0, tzinfo=JST))
    await task_runner(bot).run_due()
    await connector.wait_for_sent(len(connector.sent) + 3)
    assert "日時: 12/16(水) 13:00–17:00" in personal_to(connector, HANAKO)[-1]


async def test_more_seats_go_to_those_waiting_and_fewer_unseat_nobody(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    announcement = await a_decided_day(bot, activities, connector)  # 定員:2
    for who in (HANAKO, JIRO, TARO):
        await register(bot, activities, announcement, who, **on_site("matsuyama"))

    fewer = await edit(bot, activities, announcement, capacity="1")
    assert "変更を保存しました。" in card_text(fewer)
    assert await personal_rows(database) == 0  # nobody is told, nobody loses a seat
    hanako = invoke_card(await bot.send(press(activities, announcement, "event.view", HANAKO)))
    assert "席を確保しました" in card_text(hanako)

    await edit(bot, activities, announcement, capacity="3")

    await connector.wait_for_sent(len(connector.sent) + 1)
    [taro] = personal_to(connector, TARO)
    assert "キャンセル待ちから現地参加に確定しました" in taro
    assert personal_to(connector, HANAKO) == [] and personal_to(connector, JIRO) == []
    await event_card_showing(bot, connector, announcement, "現地 3/3名")

    # A new title is not news to registrants; saving nothing new says so.
    renamed = await edit(bot, activities, announcement, title="第2回IYO WORK（松前）")
    assert "変更を保存しました。" in card_text(renamed)
    unchanged = await edit(bot, activities, announcement)
    assert "変更はありませんでした。" in card_text(unchanged)
    assert await personal_rows(database) == 1


async def test_what_is_wrong_comes_back_on_the_form_and_nothing_changes(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    announcement = await a_decided_day(bot, activities, connector)

    wrong = await edit(
        bot, activities, announcement, meeting_url="http://meet.example", capacity="たくさん"
    )

    assert "入力内容を確認してください。" in card_text(wrong)
    assert "会議URL「http://meet.example」は使えません" in card_text(wrong)
    assert "定員「たくさん」は 1〜1000 の整数で入力してください。" in card_text(wrong)
    assert inputs(wrong)["meeting_url"] == "http://meet.example"
    assert inputs(wrong)["venue"] == "松前町役場"
    async with database.transaction() as session:
        event = await session.scalar(select(EventRow))
    assert event is not None and (event.capacity, event.meeting_url) == (2, None)


async def test_after_the_deadline_an_edit_keeps_registration_closed_unless_it_is_moved(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    announcement = await a_decided_day(bot, activities, connector)
    bot.clock.set(datetime(2026, 12, 14, 18, 0, tzinfo=JST))  # closed at 17:00

    menu = await coordinator(bot, activities, announcement, "event.coordinator")
    assert "参加登録は締め切られています。" in card_text(menu)
    saved = await edit(bot, activities, announcement, venue="伊方町役場")
    assert "変更を保存しました。" in card_text(saved)
    late = await register(bot, activities, announcement, HANAKO, **on_site("imabari"))
    assert "締切を過ぎたため" in card_text(late)

    await edit(bot, activities, announcement, deadline="2026-12-15 08:00")

    again = await register(bot, activities, announcement, HANAKO, **on_site("imabari"))
    assert "参加登録しました。" in card_text(again)
    async with database.transaction() as session:
        event = await session.scalar(select(EventRow))
    assert event is not None and event.venue == "伊方町役場"
    assert event.registration_deadline == datetime(2026, 12, 15, 8, 0, tzinfo=JST)


async def test_a_default_deadline_moves_with_the_date_later_or_earlier(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    announcement = await a_decided_day(bot, activities, connector)  # 12/15, closes 12/14 17:00

    later = await edit(bot, activities, announcement, date="12/22 13:00-17:00")

    assert "参加登録の締切は、日付に合わせて 12/21(月) 17:00 に変わりました。" in card_text(later)
    assert "参加登録の締切: \n12/21(月) 17:00" in card_text(later)
    assert await stored_deadline(database) == datetime(2026, 12, 21, 17, 0, tzinfo=JST)
    assert await closing_due(database) == datetime(2026, 12, 21, 17, 0, tzinfo=JST)
    shared = await event_card_showing(bot, connector, announcement, "12/21(月) 17:00")
    calendar = await bot.get(urlsplit(buttons(shared)["カレンダーに追加"]["url"]).path)
    [vevent] = icalendar.Calendar.from_ical(calendar.body).walk("VEVENT")
    assert "参加登録の締切: 2026年12月21日(月) 17:00" in str(vevent["DESCRIPTION"])
    bot.clock.set(datetime(2026, 12, 15, 10, 0, tzinfo=JST))  # past the old deadline
    late = await register(bot, activities, announcement, HANAKO, **on_site("imabari"))
    assert "参加登録しました。" in card_text(late)

    bot.clock.set(datetime(2026, 11, 26, 10, 0, tzinfo=JST))
    earlier = await edit(bot, activities, announcement, date="12/1 13:00-17:00")

    assert "変更を保存し、1名に個別にお知らせしました。" in card_text(earlier)
    assert "参加登録の締切: \n11/30(月) 17:00" in card_text(earlier)
    assert await stored_deadline(database) == datetime(2026, 11, 30, 17, 0, tzinfo=JST)
    assert await closing_due(database) == datetime(2026, 11, 30, 17, 0, tzinfo=JST)


async def test_a_typed_deadline_stays_as_typed_when_the_date_moves(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    announcement = await a_decided_day(bot, activities, connector)
    await edit(bot, activities, announcement, deadline="2026-12-11 12:00")

    later = await edit(bot, activities, announcement, date="12/22 13:00-17:00")

    assert "変更を保存しました。" in card_text(later) and "日付に合わせて" not in card_text(later)
    assert await stored_deadline(database) == datetime(2026, 12, 11, 12, 0, tzinfo=JST)

    refused = await edit(bot, activities, announcement, date="12/3 13:00-17:00")

    assert "締切「2026-12-11 12:00」" in card_text(refused)
    assert "が開始 2026年12月3日(木) 13:00 より後になっています。" in card_text(refused)
    assert inputs(refused)["deadline"] == "2026-12-11 12:00"
    assert await stored_deadline(database) == datetime(2026, 12, 11, 12, 0, tzinfo=JST)


async def test_a_closed_default_deadline_reopens_when_the_day_moves_later(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    announcement = await a_decided_day(bot, activities, connector)
    bot.clock.set(datetime(2026, 12, 14, 18, 0, tzinfo=JST))  # closed at 17:00

    await edit(bot, activities, announcement, date="12/16 09:00-17:00")
    # The new default (Tue 12/15 17:00) is still ahead: registration is open again until then.
    assert await stored_deadline(database) == datetime(2026, 12, 15, 17, 0, tzinfo=JST)
    again = await register(bot, activities, announcement, HANAKO, **on_site("imabari"))
    assert "参加登録しました。" in card_text(again)

    bot.clock.set(datetime(2026, 12, 15, 18, 0, tzinfo=JST))  # closed again
    await edit(bot, activities, announcement, date="12/16 13:00-17:00")
    # The start moved, not the day: its default has passed too, so registration stays closed.
    assert await stored_deadline(database) == datetime(2026, 12, 15, 17, 0, tzinfo=JST)


async def stored_deadline(database: Database) -> datetime:
    async with database.transaction() as session:
        event = await session.scalar(select(EventRow))
    assert event is not None
    return event.registration_deadline


async def closing_due(database: Database) -> datetime:
    """When the pending 締切 task will say on the card that registration has closed."""
    async with database.transaction() as session:
        due = await session.scalar(
            select(DueTask.due_at).where(
                DueTask.kind == "event.registration_closed", DueTask.status == "pending"
            )
        )
    assert due is not None
    return due


async def test_a_cancelled_day_is_asked_once_more_and_everyone_registered_is_told(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    announcement = await a_decided_day(bot, activities, connector)
    await register(bot, activities, announcement, HANAKO, **on_site("imabari"))
    await register(bot, activities, announcement, JIRO, mode="online", municipality="uwajima")
    await register(bot, activities, announcement, GUEST, mode="absent")

    question = await coordinator(bot, activities, announcement, "event.cancel")
    assert "中止しますか" in card_text(question) and "2名に個別にお知らせします" in card_text(
        question
    )
    assert await personal_rows(database) == 0  # asking changes nothing

    done = await coordinator(bot, activities, announcement, "event.cancel.confirm")

    assert "中止しました。登録していた2名に個別にお知らせしました。" in card_text(done)
    assert "この IYO WORK は中止されています。" in card_text(done)
    assert "編集" not in buttons(done)
    await connector.wait_for_sent(len(connector.sent) + 2)
    for who in (HANAKO, JIRO):
        [told] = personal_to(connector, who)
        assert "IYO WORK「第2回IYO WORK」（12/15(火) 09:00–17:00）は中止になりました。" in told
    assert personal_to(connector, GUEST) == []
    shared = await event_card_showing(bot, connector, announcement, "中止になりました")
    assert "参加登録" not in buttons(shared)
    calendar = await bot.get(
        urlsplit(buttons(announcement.card or {})["カレンダーに追加"]["url"]).path
    )
    [vevent] = icalendar.Calendar.from_ical(calendar.body).walk("VEVENT")
    assert vevent["STATUS"] == "CANCELLED"

    async with database.transaction() as session:  # reminder, closing, 感想: all gone
        pending = await session.scalars(select(DueTask.kind).where(DueTask.status == "pending"))
        assert [kind for kind in pending if kind.startswith(("event.", "feedback."))] == []

    # Pressing 中止する again (or Teams redelivering it) tells nobody twice; no reminder comes.
    await coordinator(bot, activities, announcement, "event.cancel.confirm")
    bot.clock.set(datetime(2026, 12, 14, 9, 0, tzinfo=JST))
    await task_runner(bot).run_due()
    assert await personal_rows(database) == 2


async def test_a_day_that_has_begun_can_no_longer_be_edited(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    announcement = await a_decided_day(bot, activities, connector)
    bot.clock.set(datetime.combine(date(2026, 12, 15), time(9, 30), tzinfo=JST))

    menu = await coordinator(bot, activities, announcement, "event.coordinator")
    assert "すでに始まっているため" in card_text(menu)
    assert "編集" not in buttons(menu)
    refused = await coordinator(
        bot, activities, announcement, "event.edit.save", venue="伊方町役場"
    )
    assert "すでに始まっているため" in card_text(refused)


def test_the_edit_form_and_the_creation_form_read_the_same_inputs() -> None:
    assert EDIT_INPUTS == FORM_FIELDS
