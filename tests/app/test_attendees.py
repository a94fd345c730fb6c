"""参加者一覧 and 参加状況 through the real HTTP endpoint: anyone sees who is coming (names and
municipalities, as on the event card); departments and notes reach a coordinator's eyes only;
the list is about the thread's event, else the next one, else the last; two hundred people
still fit on one card; and across past days, every municipality that has not come yet stands
out."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.jpcalendar import TOKYO
from dialogs.attendance.model import MUNICIPALITIES, Choice, Mode, Slot
from dialogs.attendance.store import register as store_register
from dialogs.events import Event, draft_for
from dialogs.events.store import create_event
from storage.db import Database
from tests.app.test_first_contact import card_text
from tests.app.test_polls import invoke_card
from tests.app.test_registration import (
    SABURO,
    a_decided_day,
    buttons,
    cancel,
    on_site,
    register,
)
from tests.fakes.connector import FakeConnector, Posted
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import HANAKO, JIRO, TARO, Activities, TeamsUser

JST = ZoneInfo("Asia/Tokyo")
CHANNEL = "19:ehime-it-staff0001@thread.tacv2"
SHIRO = TeamsUser("大洲 四郎", "29:1user0006-shiro", "aad00000-0000-4000-8000-000000000006", "4@x")
GORO = TeamsUser("内子 五郎", "29:1user0007-goro", "aad00000-0000-4000-8000-000000000007", "5@x")
DETAILS = "詳細（コーディネーター用）"


def staff(n: int, name: str) -> TeamsUser:
    return TeamsUser(name, f"29:1user{n:04d}-x", f"aad00000-0000-4000-8000-{n:012d}", f"{n}@x")


async def ask(bot: RunningBot, connector: FakeConnector, activity: dict[str, Any]) -> Posted:
    """Sends a command; the bot's answer in the conversation it was written in."""
    before = len(connector.sent)
    assert (await bot.send(activity)).status in (200, 201)
    where = activity["conversation"]["id"]
    for posted in await connector.wait_for_sent(before + 1):
        if posted in connector.sent[before:] and posted.conversation_id == where:
            return posted
    raise AssertionError(f"no answer in {where}")


def wire_size(card: dict[str, Any]) -> int:
    """The card's size as sent (JSON with non-ASCII escaped, the larger measure)."""
    return len(json.dumps(card).encode())


async def a_day_with_everyone(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> Posted:
    """A decided day with two seats: Hanako (今治市, デジタル推進課, a note) and Jiro (宇和島市,
    afternoon) get them, Saburo waits, Shiro joins online, Goro cannot come."""
    announcement = await a_decided_day(bot, activities, connector)
    hanako = on_site("imabari", "デジタル推進課", note="13時ごろ到着します")
    await register(bot, activities, announcement, HANAKO, **hanako)
    await register(bot, activities, announcement, JIRO, **on_site("uwajima", slot="pm"))
    await register(bot, activities, announcement, SABURO, **on_site("yawatahama", "情報係"))
    await register(
        bot, activities, announcement, SHIRO, mode="online", municipality="ozu", note="回線テスト"
    )
    await register(bot, activities, announcement, GORO, mode="absent", note="出張のため")
    return announcement


async def test_anyone_in_the_thread_sees_who_is_coming_but_not_departments_or_notes(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    announcement = await a_day_with_everyone(bot, activities, connector)

    answer = await ask(
        bot,
        connector,
        activities.channel_message("参加者一覧", from_=JIRO, thread=announcement.reply_to_id),
    )

    text = card_text(answer.card or {})
    assert "第2回IYO WORK" in text and "12/15(火)" in text
    assert "現地 2/2名" in text and "今治市（1）：\n今治 花子" in text
    assert "宇和島市（1）：\n宇和島 次郎（午後）" in text
    assert "キャンセル待ち 1名\n1. 八幡浜 三郎（八幡浜市）" in text
    assert "オンライン 1名" in text and "大洲市（1）：\n大洲 四郎" in text
    assert "欠席 1名" in text and GORO.name not in text
    assert "時間帯の書いていない方は終日の参加です。" in text
    for private in ("デジタル推進課", "情報係", "13時ごろ", "回線テスト", "出張"):
        assert private not in json.dumps(answer.activity, ensure_ascii=False)
    assert DETAILS not in buttons(answer.card or {})  # Jiro is not a coordinator


async def test_a_coordinator_in_the_channel_opens_the_details_for_their_eyes_only(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    announcement = await a_day_with_everyone(bot, activities, connector)

    answer = await ask(
        bot,
        connector,
        activities.channel_message("参加者一覧", from_=TARO, thread=announcement.reply_to_id),
    )

    # What the channel reads is the public list…
    assert "デジタル推進課" not in json.dumps(answer.activity, ensure_ascii=False)
    button = buttons(answer.card or {})[DETAILS]
    assert (button["verb"], button["data"]) == ("attendees.details", {"event_id": 1})

    # …and the button answers the coordinator alone, with departments and notes.
    press = activities.invoke_action(
        "attendees.details", {"event_id": 1}, from_=TARO, card_activity_id=answer.activity_id
    )
    detailed = card_text(invoke_card(await bot.send(press)))
    assert "参加者一覧（部署・メモ付き）" in detailed
    assert "今治 花子（デジタル推進課）" in detailed
    assert "1. 八幡浜 三郎（八幡浜市・情報係）" in detailed
    assert "メモ（2件）" in detailed
    assert "今治 花子: \n13時ごろ到着します" in detailed and "大洲 四郎: \n回線テスト" in detailed
    assert "出張" not in detailed  # 欠席 is a count, even here

    # Someone else pressing the same button is told it is for coordinators, and sees nothing.
    other = activities.invoke_action(
        "attendees.details", {"event_id": 1}, from_=HANAKO, card_activity_id=answer.activity_id
    )
    refused = await bot.send(other)
    assert refused.body["type"] == "application/vnd.microsoft.activity.message"
    assert "コーディネーター" in refused.body["value"]
    assert "デジタル推進課" not in json.dumps(refused.body, ensure_ascii=False)


async def test_in_the_personal_chat_a_coordinator_gets_the_details_and_others_the_list(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await a_day_with_everyone(bot, activities, connector)

    mine = await ask(bot, connector, activities.personal_message("参加者一覧", from_=TARO))
    theirs = await ask(bot, connector, activities.personal_message("attendees", from_=HANAKO))

    assert "13時ごろ到着します" in card_text(mine.card or {})
    assert DETAILS not in buttons(mine.card or {})
    assert "今治 花子" in card_text(theirs.card or {})
    assert "13時ごろ" not in card_text(theirs.card or {})
    assert "デジタル推進課" not in card_text(theirs.card or {})


async def test_the_list_is_of_the_next_day_unless_the_thread_or_the_words_say_which(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    empty = await ask(bot, connector, activities.channel_message("参加者一覧", from_=JIRO))
    assert "IYO WORK がまだありません。" in (empty.text or "")

    await an_event(database_url, bot.clock.now(), date(2026, 12, 10), "第2回 松山開催")
    await an_event(database_url, bot.clock.now(), date(2026, 12, 17), "第3回 今治開催")
    cancelled = await an_event(database_url, bot.clock.now(), date(2026, 12, 3), "第1回 中止")
    await cancel(database_url, cancelled, bot.clock.now())

    def shown(answer: Posted) -> str:
        return card_text(answer.card or {})

    next_one = await ask(bot, connector, activities.channel_message("参加者一覧", from_=JIRO))
    assert "第2回 松山開催" in shown(next_one) and "まだ参加登録はありません。" in shown(next_one)
    by_title = await ask(bot, connector, activities.channel_message("参加者一覧 今治", from_=JIRO))
    assert "第3回 今治開催" in shown(by_title)
    by_number = await ask(bot, connector, activities.personal_message("参加者一覧 #3", from_=JIRO))
    assert "第1回 中止" in shown(by_number)
    assert "この IYO WORK は中止になりました。" in shown(by_number)
    missing = await ask(bot, connector, activities.channel_message("参加者一覧 忘年会", from_=JIRO))
    assert "「忘年会」に当たる IYO WORK が見つかりませんでした。" in (missing.text or "")

    bot.clock.set(datetime(2026, 12, 17, 18, 0, tzinfo=JST))  # the day of the 3rd, evening
    today = await ask(bot, connector, activities.channel_message("参加者一覧", from_=JIRO))
    assert "第3回 今治開催" in shown(today)
    bot.clock.set(datetime(2026, 12, 18, 9, 0, tzinfo=JST))  # all past: the last one
    last = await ask(bot, connector, activities.channel_message("参加者一覧", from_=JIRO))
    assert "第3回 今治開催" in shown(last)


async def test_after_the_only_day_is_cancelled_the_list_says_it_was_cancelled(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    called_off = await an_event(database_url, bot.clock.now(), date(2026, 12, 10), "第3回")
    await cancel(database_url, called_off, bot.clock.now())

    answer = await ask(bot, connector, activities.channel_message("参加者一覧", from_=JIRO))

    assert "IYO WORK がまだありません。" not in (answer.text or "")
    shown = card_text(answer.card or {})
    assert "第3回" in shown and "12/10(木)" in shown
    assert "この IYO WORK は中止になりました。" in shown


async def test_the_list_in_a_polls_thread_is_of_the_day_decided_there(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    announcement = await a_decided_day(bot, activities, connector)  # 12/15
    await an_event(database_url, bot.clock.now(), date(2026, 12, 1), "別の回")  # sooner

    elsewhere = await ask(bot, connector, activities.channel_message("参加者一覧", from_=JIRO))
    in_thread = await ask(
        bot,
        connector,
        activities.channel_message("参加者一覧", from_=JIRO, thread=announcement.reply_to_id),
    )

    assert "別の回" in card_text(elsewhere.card or {})
    assert "第2回IYO WORK" in card_text(in_thread.card or {})


async def test_two_hundred_people_fit_on_one_card_and_the_rest_is_counted(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    """150 ask for one of 120 seats, 40 join online, 10 cannot come; everyone left a long note
    and a department."""
    event = await an_event(database_url, bot.clock.now(), date(2026, 12, 10), "大人数", 120)
    database = Database(database_url)
    try:
        async with database.transaction() as session:
            for n in range(200):
                mode = Mode.ONSITE if n < 150 else Mode.ONLINE if n < 190 else Mode.ABSENT
                choice = Choice(
                    mode,
                    Slot.AM if n % 7 == 0 else Slot.ALLDAY,
                    MUNICIPALITIES[n % len(MUNICIPALITIES)],
                    department="デジタル戦略推進課情報システム係" * 2,
                    note="当日は午前中に別の会議があるため、昼過ぎに到着する予定です。" * 8,
                )
                await store_register(
                    session, event.id, person_key=f"p{n}", name=f"職員 {n:03d}",
                    choice=choice, now=bot.clock.now(),
                )  # fmt: skip
    finally:
        await database.dispose()
    # Someone in the channel first, so that Taro is known as a team owner in his chat.
    public = await ask(bot, connector, activities.channel_message("参加者一覧", from_=JIRO))
    detailed = await ask(bot, connector, activities.personal_message("参加者一覧", from_=TARO))

    for answer in (public, detailed):
        assert wire_size(answer.card or {}) < 28_000
    text = card_text(public.card or {})
    assert "現地 120/120名" in text and "キャンセル待ち 30名" in text and "オンライン 40名" in text
    assert all(f"職員 {n:03d}" in text for n in range(190))  # everyone coming or waiting
    assert "30. 職員 149" in text and "欠席 10名" in text and "ほか" not in text
    details = card_text(detailed.card or {})
    assert "メモ（190件）" in details
    assert "件（全文は「参加者 エクスポート」で確認できます）" in details
    assert "（デジタル戦略推進課情報システム係デジタ…・午前）" in details  # shortened


async def test_participation_across_past_days_shows_who_has_not_come_yet(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    first = await an_event(database_url, bot.clock.now(), date(2026, 12, 10), "第1回", 1)
    second = await an_event(database_url, bot.clock.now(), date(2026, 12, 17), "第2回")
    called_off = await an_event(database_url, bot.clock.now(), date(2026, 12, 15), "中止回")
    upcoming = await an_event(database_url, bot.clock.now(), date(2027, 1, 14), "第3回")
    imabari_2 = staff(20, "今治 一郎")
    for event, who, inputs in (
        (first, HANAKO, on_site("imabari")),  # the one seat
        (first, TARO, on_site("ehime")),  # waits: did not take part
        (first, JIRO, {"mode": "online", "municipality": "uwajima"}),
        (first, imabari_2, {"mode": "online", "municipality": "imabari"}),
        (second, HANAKO, {"mode": "online", "municipality": "imabari"}),
        (second, imabari_2, on_site("imabari")),
        (second, SABURO, {"mode": "absent", "municipality": "yawatahama"}),
        (called_off, SHIRO, on_site("ozu")),
        (upcoming, GORO, on_site("uchiko")),
    ):
        press = activities.invoke_action(
            "event.register", {"event_id": event.id, **inputs}, from_=who
        )
        invoke_card(await bot.send(press))
    await cancel(database_url, called_off, bot.clock.now())

    before = await ask(bot, connector, activities.channel_message("参加状況", from_=JIRO))
    assert "開催済みの IYO WORK はまだありません。" in card_text(before.card or {})

    bot.clock.set(datetime(2026, 12, 18, 9, 0, tzinfo=JST))
    answer = await ask(bot, connector, activities.channel_message("参加状況", from_=JIRO))

    card = answer.card or {}
    text = card_text(card)
    assert "これまでに開催した IYO WORK 2回の、市町ごとの参加状況です。" in text
    assert rows(card)[:4] == [
        ["所属", "現地（回）", "オンライン（回）", "人数"],
        ["愛媛県庁", "0", "0", "0"],
        ["松山市", "0", "0", "0"],
        ["今治市", "2", "2", "2"],
    ]
    assert ["宇和島市", "0", "1", "1"] in rows(card)
    assert len(rows(card)) == 22  # the header, the prefecture and its 20 municipalities
    never = [b for b in card["body"] if b.get("color") == "Attention"]
    assert [b["text"] for b in never] == [
        "まだ参加のない市町: 愛媛県庁、松山市、八幡浜市、新居浜市、西条市、大洲市、伊予市、"
        "四国中央市、西予市、東温市、上島町、久万高原町、松前町、砥部町、内子町、伊方町、"
        "松野町、鬼北町、愛南町"
    ]
    assert "参加登録で「席あり」または「オンライン」だった方" in text

    english = await ask(
        bot, connector, activities.channel_message("participation", from_=JIRO, locale="en-US")
    )
    assert "Not taken part yet: Ehime Prefectural Government" in card_text(english.card or {})


def rows(card: dict[str, Any]) -> list[list[str]]:
    """The participation table, row by row."""
    return [
        [column["items"][0]["text"] for column in block["columns"]]
        for block in card["body"]
        if block.get("type") == "ColumnSet"
    ]


async def an_event(
    database_url: str, now: datetime, day: date, title: str, capacity: int | None = None
) -> Event:
    database = Database(database_url)
    try:
        async with database.transaction() as session:
            return await create_event(
                session,
                draft_for(title, day, zone=TOKYO, capacity=capacity),
                conversation_id=CHANNEL,
                thread_outbox_id=None,
                poll_id=None,
                creator_key=TARO.aad_object_id,
                locale="ja",
                now=now,
            )
    finally:
        await database.dispose()
