"""参加登録 through the real HTTP endpoint: a poll is decided into an IYO WORK day with two
on-site seats, people register from the event card, the third waits for a seat and is offered
online, a seat given up goes to the first in line (who is told personally), and the event card
in the thread keeps count."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from core.jpcalendar import TOKYO
from dialogs.events import Event, draft_for
from dialogs.events.store import cancel_event, create_event
from dialogs.platform.messenger import UPDATE_SPACING
from storage.db import Database
from storage.models import OutboxMessage, RegistrationRow
from tests.app.test_first_contact import card_text
from tests.app.test_polls import invoke_card, open_poll, selected
from tests.fakes.connector import FakeConnector, Posted
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import HANAKO, JIRO, TARO, Activities, TeamsUser

JST = ZoneInfo("Asia/Tokyo")
WITH_TWO_SEATS = "日程調整 第2回IYO WORK 12/10 12/15 12/17 会場:松前町役場 定員:2 締切:12/5"
SABURO = TeamsUser(
    "八幡浜 三郎", "29:1user0005-saburo", "aad00000-0000-4000-8000-000000000005", "s@x"
)


async def a_decided_day(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> Posted:
    """A coordinator opens a poll with 定員:2 and decides 12/15: the event card posted in the
    poll's thread comes back."""
    post = await open_poll(bot, activities, connector, WITH_TWO_SEATS)
    await _thread_started(bot)  # in Teams nobody can press a button before the card is there
    await bot.send(
        activities.invoke_action(
            "poll.decide.confirm",
            {"poll_id": 1, "candidate_id": 2},
            from_=TARO,
            card_activity_id=post.activity_id,
        )
    )
    sent = await connector.wait_for_sent(3)
    [announcement] = [p for p in sent if p.reply_to_id == post.activity_id]
    return announcement


def press(
    activities: Activities,
    card: Posted,
    verb: str,
    who: TeamsUser,
    *,
    locale: str = "ja-JP",
    **data: Any,
) -> dict[str, Any]:
    """Someone presses a button of the event card (or of a card it answered with)."""
    thread = card.reply_to_id or card.activity_id
    return activities.invoke_action(
        verb,
        {"event_id": 1, **data},
        from_=who,
        locale=locale,
        card_activity_id=card.activity_id,
        thread=thread,
    )


def on_site(municipality: str, department: str = "", **more: str) -> dict[str, str]:
    return {"mode": "onsite", "municipality": municipality, "department": department, **more}


async def register(
    bot: RunningBot, activities: Activities, card: Posted, who: TeamsUser, **inputs: Any
) -> dict[str, Any]:
    return invoke_card(await bot.send(press(activities, card, "event.register", who, **inputs)))


async def event_card_showing(
    bot: RunningBot, connector: FakeConnector, card: Posted, text: str
) -> dict[str, Any]:
    """Waits (bounded) until the latest edit of the event card shows `text`."""
    for _ in range(10):
        edits = [u for u in connector.updated if u.activity_id == card.activity_id]
        if edits and text in card_text(edits[-1].card or {}):
            return edits[-1].card or {}
        bot.clock.advance(UPDATE_SPACING + timedelta(seconds=1))
        with contextlib.suppress(TimeoutError):
            await connector.wait_for_updated(len(connector.updated) + 1, within=2.0)
    raise AssertionError(f"the event card never showed {text!r}")


async def personal_sent(connector: FakeConnector, count: int) -> list[Posted]:
    """Waits (bounded) until `count` personal messages were sent; they come back."""
    for _ in range(50):
        found = personal_messages(connector)
        if len(found) >= count:
            return found
        with contextlib.suppress(TimeoutError):
            await connector.wait_for_sent(len(connector.sent) + 1, within=0.2)
    raise AssertionError(f"{count} personal messages never came: {personal_messages(connector)}")


def personal_messages(connector: FakeConnector) -> list[Posted]:
    return [p for p in connector.sent if p.conversation_id.startswith("a:")]


def inputs(card: dict[str, Any]) -> dict[str, str]:
    """The value of every input on a card (what it is prefilled with)."""
    found: dict[str, str] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Input."):
                found[node["id"]] = str(node.get("value", ""))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


def actions(card: dict[str, Any], verb: str) -> list[dict[str, Any]]:
    """Every Action.Execute of `verb` on a card."""
    found: list[dict[str, Any]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.Execute" and node.get("verb") == verb:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


def buttons(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The card's buttons by title (the untitled refresh action is no button)."""
    found: dict[str, dict[str, Any]] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Action.") and "title" in node:
                found[node["title"]] = node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


async def test_the_third_on_site_waits_and_gets_the_seat_someone_gives_up(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    announcement = await a_decided_day(bot, activities, connector)
    text = card_text(announcement.card or {})
    assert "現地 0/2名" in text and "オンライン 0名" in text
    assert buttons(announcement.card or {})["参加登録"]["verb"] == "event.view"

    form = invoke_card(await bot.send(press(activities, announcement, "event.view", HANAKO)))
    assert set(inputs(form)) == {"mode", "municipality", "department", "slot", "note"}
    assert inputs(form)["municipality"] == "" and inputs(form)["slot"] == "allday"
    for choice in ("現地", "オンライン", "欠席", "愛媛県庁", "松山市", "愛南町", "その他"):
        assert choice in card_text(form)

    hanako = await register(
        bot, activities, announcement, HANAKO, **on_site("imabari", "デジタル推進課")
    )
    assert "参加登録しました。" in card_text(hanako)
    assert "席を確保しました" in card_text(hanako)
    calendar = buttons(hanako)["カレンダーに追加"]["url"]
    assert calendar.startswith(bot.settings.public_base_url) and calendar.endswith(".ics")
    await register(bot, activities, announcement, JIRO, **on_site("uwajima"))
    taro = await register(bot, activities, announcement, TARO, **on_site("ehime", slot="pm"))

    assert "キャンセル待ちの1番目です" in card_text(taro)
    assert "オンライン参加に切り替える" in buttons(taro)
    shared = await event_card_showing(bot, connector, announcement, "キャンセル待ち 1名")
    assert "現地 2/2名　オンライン 0名　キャンセル待ち 1名" in card_text(shared)
    assert "今治市（1）：" in card_text(shared) and HANAKO.name in card_text(shared)
    assert TARO.name not in card_text(shared)  # waiting is not coming (yet)
    assert "デジタル推進課" not in card_text(shared)

    # Hanako cannot come after all: Taro, first in line, gets her seat and is told personally.
    changed = await register(bot, activities, announcement, HANAKO, mode="absent")
    assert "登録内容を変更しました。" in card_text(changed)
    assert "欠席で登録しています。" in card_text(changed)
    sent = await connector.wait_for_sent(4)
    [told] = personal_messages(connector)
    assert told.text is not None and "キャンセル待ちから現地参加に確定しました" in told.text
    assert "第2回IYO WORK" in told.text and "12/15(火)" in told.text
    assert len(sent) == 4  # nobody else was told anything
    seated = invoke_card(await bot.send(press(activities, announcement, "event.view", TARO)))
    assert "席を確保しました" in card_text(seated)
    assert selected(seated)["slot"] == "pm"
    shared = await event_card_showing(bot, connector, announcement, "キャンセル待ち 0名")
    assert "愛媛県庁（1）：" in card_text(shared) and HANAKO.name not in card_text(shared)


async def test_registrants_see_where_they_stand_on_the_event_card(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    announcement = await a_decided_day(bot, activities, connector)
    await register(bot, activities, announcement, HANAKO, **on_site("imabari"))
    await register(bot, activities, announcement, JIRO, **on_site("uwajima"))
    await register(bot, activities, announcement, TARO, **on_site("ehime"))

    # The card everyone sees asks the Teams clients of those registered for their own view…
    shared = await event_card_showing(bot, connector, announcement, "キャンセル待ち 1名")
    refresh = shared["refresh"]
    assert refresh["action"]["verb"] == "event.card.own"
    assert set(refresh["userIds"]) == {HANAKO.teams_id, JIRO.teams_id, TARO.teams_id}
    assert "あなた" not in card_text(shared)

    # …which Teams fetches by itself: the same card, saying where that person stands.
    taro = invoke_card(await bot.send(press(activities, announcement, "event.card.own", TARO)))
    assert "あなた: 現地のキャンセル待ち 1番目" in card_text(taro)
    assert "現地 2/2名" in card_text(taro)
    assert taro["refresh"]["userIds"] == [TARO.teams_id]


async def test_someone_waiting_takes_online_instead(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    announcement = await a_decided_day(bot, activities, connector)
    for who in (HANAKO, JIRO, TARO):
        waiting = await register(bot, activities, announcement, who, **on_site("matsuyama"))

    online = invoke_card(
        await bot.send(press(activities, announcement, "event.register.online", TARO))
    )

    assert "オンライン参加で登録しています。" in card_text(online)
    assert "キャンセル待ち" not in card_text(online)
    assert selected(online)["mode"] == "online" and selected(online)["municipality"] == "matsuyama"
    assert "オンライン参加に切り替える" in buttons(waiting)
    shared = await event_card_showing(bot, connector, announcement, "オンライン 1名")
    assert "キャンセル待ち 0名" in card_text(shared)
    assert f"{TARO.name}（オンライン）" in card_text(shared)


async def test_a_registration_belongs_to_the_sender_whatever_the_card_data_says(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    announcement = await a_decided_day(bot, activities, connector)
    forged: dict[str, Any] = {
        **on_site("imabari"),
        "person_key": TARO.aad_object_id,
        "user_id": TARO.teams_id,
        "from": TARO.account(),
        "name": TARO.name,
    }
    await register(bot, activities, announcement, HANAKO, **forged)

    taro = invoke_card(await bot.send(press(activities, announcement, "event.view", TARO)))
    assert "登録しています" not in card_text(taro)
    async with database.transaction() as session:
        [(person, name)] = (
            await session.execute(select(RegistrationRow.person_key, RegistrationRow.name))
        ).all()
    assert (person, name) == (HANAKO.aad_object_id, HANAKO.name)


async def test_a_redelivered_registration_changes_nothing(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    announcement = await a_decided_day(bot, activities, connector)
    await register(bot, activities, announcement, HANAKO, **on_site("imabari"))
    await register(bot, activities, announcement, JIRO, **on_site("uwajima"))
    leaving = press(
        activities, announcement, "event.register", HANAKO, mode="online", municipality="imabari"
    )
    await bot.send(press(activities, announcement, "event.register", TARO, **on_site("ehime")))
    await bot.send(leaving)  # Taro gets Hanako's seat
    back = await register(bot, activities, announcement, HANAKO, **on_site("imabari"))
    assert "キャンセル待ちの1番目です" in card_text(back)
    messages = await _outbox_count(database)

    again = invoke_card(await bot.send(leaving))  # Teams retries Hanako's earlier press

    assert "オンライン" in card_text(again)  # answered as before…
    now = invoke_card(await bot.send(press(activities, announcement, "event.view", HANAKO)))
    assert "キャンセル待ちの1番目です" in card_text(now)  # …but what came later stands
    assert await _outbox_count(database) == messages  # and nobody is told anything again


async def test_after_the_deadline_only_coordinators_can_change(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    announcement = await a_decided_day(bot, activities, connector)
    await register(bot, activities, announcement, HANAKO, **on_site("imabari"))
    bot.clock.set(datetime(2026, 12, 14, 17, 0, tzinfo=JST))  # registration closes

    late = await register(bot, activities, announcement, HANAKO, mode="absent")
    assert "締切を過ぎたため" in card_text(late)
    assert "現地参加で登録しています" in card_text(late)  # where she stands
    assert "登録する" not in buttons(late)
    looked = invoke_card(await bot.send(press(activities, announcement, "event.view", JIRO)))
    assert "締切を過ぎたため" in card_text(looked)

    taro = await register(bot, activities, announcement, TARO, **on_site("ehime"))
    assert "コーディネーターなので登録・変更できます" in card_text(taro)
    assert "席を確保しました" in card_text(taro)
    still = invoke_card(await bot.send(press(activities, announcement, "event.view", HANAKO)))
    assert "現地参加で登録しています" in card_text(still)


async def test_after_the_deadline_a_coordinator_changes_someone_elses_registration(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    announcement = await a_decided_day(bot, activities, connector)
    await register(bot, activities, announcement, HANAKO, **on_site("imabari"))
    await register(bot, activities, announcement, JIRO, **on_site("uwajima"))
    await register(bot, activities, announcement, SABURO, **on_site("yawatahama"))
    bot.clock.set(datetime(2026, 12, 14, 18, 0, tzinfo=JST))  # registration has closed

    # Hanako phones Taro (a coordinator): she cannot come. From the detailed list…
    listed = invoke_card(await bot.send(press(activities, announcement, "attendees.details", TARO)))
    [pick] = actions(listed, "attendees.edit")
    opened = invoke_card(
        await bot.send(press(activities, announcement, pick["verb"], TARO, person_name="花子"))
    )
    assert "参加登録の変更（コーディネーター）" in card_text(opened)
    assert HANAKO.name in card_text(opened) and inputs(opened)["mode"] == "onsite"
    [save] = actions(opened, "attendees.edit.save")
    assert save["data"]["person_key"] == HANAKO.aad_object_id

    done = invoke_card(
        await bot.send(
            press(
                activities, announcement, save["verb"], TARO, **{**save["data"], "mode": "absent"}
            )
        )
    )
    assert f"{HANAKO.name} さんの登録を変更しました" in card_text(done)

    # Her seat goes to Saburo, first in line; both hear it personally.
    texts = [p.text or "" for p in await personal_sent(connector, 2)]
    assert any("コーディネーターの 松山 太郎 さんが変更しました" in text for text in texts)
    assert any("キャンセル待ちから現地参加に確定しました" in text for text in texts)
    shared = await event_card_showing(bot, connector, announcement, "八幡浜市（1）")
    assert SABURO.name in card_text(shared) and HANAKO.name not in card_text(shared)

    # Nobody else can: the same invoke forged by Jiro changes nothing.
    forged = await bot.send(
        press(activities, announcement, save["verb"], JIRO, **{**save["data"], "mode": "onsite"})
    )
    assert "コーディネーター" in str(forged.body)


async def test_remembered_organisation_fills_the_card_in_personal_chat_only(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    first = await stored_event(database_url, bot.clock.now(), date(2026, 12, 10))
    await bot.send(
        activities.invoke_action(
            "event.register",
            {"event_id": first.id, **on_site("imabari", "デジタル推進課")},
            from_=HANAKO,
        )
    )
    await cancel(database_url, first, bot.clock.now())
    second = await stored_event(database_url, bot.clock.now(), date(2026, 12, 17))

    # In her personal chat the card for the next day knows her organisation and department.
    await bot.send(activities.personal_message("参加登録", from_=HANAKO))
    [mine] = await connector.wait_for_sent(1)
    assert mine.conversation_id.startswith("a:")
    assert "12/17(木)" in card_text(mine.card or {})
    assert inputs(mine.card or {})["municipality"] == "imabari"
    assert inputs(mine.card or {})["department"] == "デジタル推進課"

    # In the channel the same command posts a card everyone uses: nobody's data on it.
    await bot.send(activities.channel_message("参加登録", from_=HANAKO))
    [_, posted] = await connector.wait_for_sent(2)
    assert not posted.conversation_id.startswith("a:")
    assert set(inputs(posted.card or {}).values()) <= {"", "allday"}
    assert "デジタル推進課" not in str(posted.activity)
    # Pressing it there answers her alone, still without what she gave for another day.
    opened = invoke_card(
        await bot.send(
            activities.invoke_action(
                "event.view",
                {"event_id": second.id},
                from_=HANAKO,
                card_activity_id=posted.activity_id,
            )
        )
    )
    assert inputs(opened)["department"] == ""
    # Her registration for this day, once made, is shown to her wherever she opens it.
    await bot.send(
        activities.invoke_action(
            "event.register", {"event_id": second.id, "mode": "online", "municipality": "imabari"},
            from_=HANAKO, card_activity_id=posted.activity_id,
        )
    )  # fmt: skip
    reopened = invoke_card(
        await bot.send(
            activities.invoke_action(
                "event.view",
                {"event_id": second.id},
                from_=HANAKO,
                card_activity_id=posted.activity_id,
            )
        )
    )
    assert selected(reopened)["mode"] == "online"


async def test_several_open_days_ask_which_and_none_says_so(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    await bot.send(activities.channel_message("参加登録", from_=JIRO))
    [none] = await connector.wait_for_sent(1)
    assert "参加登録を受け付けている IYO WORK はありません" in (none.text or "")

    await stored_event(database_url, bot.clock.now(), date(2026, 12, 10))
    await stored_event(database_url, bot.clock.now(), date(2026, 12, 17))
    await bot.send(activities.channel_message("参加登録", from_=JIRO))
    [_, choice] = await connector.wait_for_sent(2)
    text = card_text(choice.card or {})
    assert "12/10(木)" in text and "12/17(木)" in text
    opened = [button["data"]["event_id"] for button in actions(choice.card or {}, "event.view")]
    assert sorted(opened) == [1, 2]


async def test_closed_days_are_listed_as_closed_and_days_over_not_at_all(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    await stored_event(database_url, bot.clock.now(), date(2026, 12, 10))  # closes 12/9 17:00
    await stored_event(database_url, bot.clock.now(), date(2026, 12, 17))
    bot.clock.set(datetime(2026, 12, 9, 18, 0, tzinfo=JST))

    await bot.send(activities.channel_message("参加登録", from_=JIRO))
    [choice] = await connector.wait_for_sent(1)
    text = card_text(choice.card or {})
    assert "参加登録する IYO WORK を選んでください" in text
    assert "12/10(木)" in text and "参加登録は締め切りました。" in text
    assert [b["data"]["event_id"] for b in actions(choice.card or {}, "event.view")] == [2]
    # A coordinator may still register after the deadline: in his own chat he keeps the button.
    await bot.send(activities.personal_message("参加登録", from_=TARO))
    [_, his] = await connector.wait_for_sent(2)
    assert sorted(b["data"]["event_id"] for b in actions(his.card or {}, "event.view")) == [1, 2]

    bot.clock.set(datetime(2026, 12, 10, 18, 0, tzinfo=JST))  # the 12/10 day is over
    await bot.send(activities.channel_message("参加登録", from_=JIRO))
    [*_, card] = await connector.wait_for_sent(3)
    assert "12/17(木)" in card_text(card.card or {}) and "12/10" not in card_text(card.card or {})
    assert "登録する" in buttons(card.card or {})  # the one open day's card itself

    bot.clock.set(datetime(2026, 12, 16, 18, 0, tzinfo=JST))  # 12/17 has closed too
    await bot.send(activities.channel_message("参加登録", from_=JIRO))
    [*_, closed] = await connector.wait_for_sent(4)
    text = card_text(closed.card or {})
    assert "いま参加登録を受け付けている IYO WORK はありません。" in text
    assert "12/17(木)" in text and "参加登録は締め切りました。" in text
    assert actions(closed.card or {}, "event.view") == [] and "登録する" not in str(closed.card)


async def test_after_the_deadline_nobody_is_offered_a_change_the_card_refuses(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    announcement = await a_decided_day(bot, activities, connector)  # 定員:2, closes 12/14 17:00
    await register(bot, activities, announcement, HANAKO, **on_site("imabari"))
    await register(bot, activities, announcement, JIRO, **on_site("uwajima"))
    waiting = await register(bot, activities, announcement, SABURO, **on_site("yawatahama"))
    assert "オンライン参加に切り替える" in card_text(waiting)
    bot.clock.set(datetime(2026, 12, 14, 18, 0, tzinfo=JST))

    late = invoke_card(await bot.send(press(activities, announcement, "event.view", SABURO)))

    assert "締切を過ぎたため" in card_text(late)
    assert "キャンセル待ちの1番目です。" in card_text(late)
    assert "オンライン参加に切り替える" not in card_text(late)

    # Taro moves Hanako to 欠席; Saburo gets her seat and is sent to a coordinator for changes.
    listed = invoke_card(await bot.send(press(activities, announcement, "attendees.details", TARO)))
    [pick] = actions(listed, "attendees.edit")
    opened = invoke_card(
        await bot.send(press(activities, announcement, pick["verb"], TARO, person_name="花子"))
    )
    [save] = actions(opened, "attendees.edit.save")
    await bot.send(
        press(activities, announcement, save["verb"], TARO, **{**save["data"], "mode": "absent"})
    )
    texts = [p.text or "" for p in await personal_sent(connector, 2)]
    [seated] = [text for text in texts if "キャンセル待ちから現地参加に確定しました" in text]
    assert "参加できなくなったときはコーディネーターに連絡してください。" in seated
    assert "参加登録カードで変更" not in seated

    # Once the day is over, the card says just that.
    bot.clock.set(datetime(2026, 12, 15, 17, 0, tzinfo=JST))
    over = invoke_card(await bot.send(press(activities, announcement, "event.view", HANAKO)))
    assert "この IYO WORK は終了しました。" in card_text(over)
    assert "締切" not in card_text(over)


async def test_pressing_register_again_without_a_change_says_nothing_changed(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    announcement = await a_decided_day(bot, activities, connector)
    await register(bot, activities, announcement, HANAKO, mode="absent", municipality="imabari")

    again = await register(
        bot, activities, announcement, HANAKO, mode="absent", municipality="imabari"
    )

    assert "変更はありませんでした。" in card_text(again)
    assert "登録内容を変更しました。" not in card_text(again)
    moved = await register(bot, activities, announcement, HANAKO, **on_site("imabari"))
    assert "登録内容を変更しました。" in card_text(moved)


async def test_a_cancelled_day_takes_no_registrations(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    event = await stored_event(database_url, bot.clock.now(), date(2026, 12, 10))
    await cancel(database_url, event, bot.clock.now())

    refused = invoke_card(
        await bot.send(
            activities.invoke_action(
                "event.register", {"event_id": event.id, **on_site("ozu")}, from_=JIRO
            )
        )
    )
    assert "中止になったため、参加登録はできません" in card_text(refused)
    unknown = invoke_card(
        await bot.send(activities.invoke_action("event.view", {"event_id": 99}, from_=JIRO))
    )
    assert "見つかりませんでした" in card_text(unknown)


async def test_what_is_missing_is_said_and_what_was_typed_stays(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    announcement = await a_decided_day(bot, activities, connector)

    wrong = await register(
        bot, activities, announcement, JIRO, mode="onsite", department="x" * 101, note="午後から"
    )

    assert "所属を選んでください。" in card_text(wrong)
    assert "部署は100文字以内にしてください。" in card_text(wrong)
    assert inputs(wrong)["note"] == "午後から" and inputs(wrong)["mode"] == "onsite"
    async with database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(RegistrationRow)) == 0


async def test_in_english(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    announcement = await a_decided_day(bot, activities, connector)

    form = invoke_card(
        await bot.send(press(activities, announcement, "event.view", SABURO, locale="en-US"))
    )
    for text in ("Registration", "On site", "Online", "Absent", "Yawatahama City", "Register"):
        assert text in card_text(form)
    done = invoke_card(
        await bot.send(
            press(
                activities, announcement, "event.register", SABURO, locale="en-US",
                **on_site("yawatahama"),
            )
        )
    )  # fmt: skip
    assert "You are registered." in card_text(done)
    assert "your seat is confirmed" in card_text(done)
    # The event card stays in the event's language (Japanese).
    await event_card_showing(bot, connector, announcement, "八幡浜市（1）")


async def stored_event(database_url: str, now: datetime, day: date, capacity: int = 2) -> Event:
    database = Database(database_url)
    try:
        async with database.transaction() as session:
            return await create_event(
                session,
                draft_for("IYO WORK", day, zone=TOKYO, capacity=capacity),
                conversation_id="19:ehime-it-staff0001@thread.tacv2",
                thread_outbox_id=None,
                poll_id=None,
                creator_key=TARO.aad_object_id,
                locale="ja",
                now=now,
            )
    finally:
        await database.dispose()


async def cancel(database_url: str, event: Event, now: datetime) -> None:
    database = Database(database_url)
    try:
        async with database.transaction() as session:
            assert await cancel_event(session, event.id, now)
    finally:
        await database.dispose()


async def _outbox_count(database: Database) -> int:
    async with database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


async def _thread_started(bot: RunningBot) -> None:
    """Waits (bounded) until the outbox has stored the poll card's activity id."""
    database = Database(bot.settings.database_url)
    try:
        for _ in range(100):
            async with database.transaction() as session:
                sent = await session.scalar(
                    select(OutboxMessage.sent_activity_id).where(OutboxMessage.id == 1)
                )
            if sent:
                return
            await asyncio.sleep(0.02)
    finally:
        await database.dispose()
    raise AssertionError("the poll card was never posted")
