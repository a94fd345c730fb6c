"""私のデータ through the real HTTP endpoint: 今治 花子 has answered polls, registered for IYO
WORK days, written an impression anonymously and posted in the channels. She asks what the
bot holds about her and sees it in her personal chat only; she deletes it, after a second
question: what can still change is withdrawn (her seat goes to the first in line, who is
told), what is part of a total is anonymised, the copies of her posts are gone. Nobody can
delete someone else's data with a forged press."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.db import Database
from storage.models import (
    AuditEntry,
    ChannelMessageRow,
    Conversation,
    FeedbackRow,
    Person,
    PollAnswerRow,
    RegistrationRow,
    ThreadResolutionRow,
)
from tests.app.test_feedback import an_answer, readable, recipient, sent_matching
from tests.app.test_first_contact import card_text
from tests.app.test_polls import invoke_card
from tests.app.test_registration import event_card_showing, on_site
from tests.app.test_summaries import Channel, button
from tests.fakes.connector import FakeConnector, Posted
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import HANAKO, JIRO, TARO, TEAM, Activities, TeamsUser

JST = ZoneInfo("Asia/Tokyo")
THE_DAY_AFTER = datetime(2026, 12, 1, 18, 0, tzinfo=JST)
SURVEY_CHANNEL = TEAM.channels[0][0]


@dataclass
class History:
    """What happened before she asks: two polls (the first closed by now), two days (the
    first over, the second with one seat, hers, and JIRO waiting for it)."""

    closed_poll: Posted
    open_poll: Posted
    past_day: Posted
    next_day: Posted


async def posted_card(
    bot: RunningBot, activities: Activities, connector: FakeConnector, text: str
) -> Posted:
    """A coordinator's one line in the channel; the card it posted comes back."""
    before = len(connector.sent)
    await bot.send(activities.channel_message(text, from_=TARO))
    sent = await connector.wait_for_sent(before + 2)
    [card] = [p for p in sent[before:] if p.card is not None]
    return card


def press(
    activities: Activities, card: Posted, verb: str, who: TeamsUser, **data: Any
) -> dict[str, Any]:
    return activities.invoke_action(
        verb,
        data,
        from_=who,
        card_activity_id=card.activity_id,
        thread=card.reply_to_id or card.activity_id,
    )


async def hanako_has_history(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> History:
    past_day = await posted_card(
        bot, activities, connector, "イベント作成 第1回IYO WORK 12/1 会場:愛媛県庁"
    )
    register = press(
        activities,
        past_day,
        "event.register",
        HANAKO,
        event_id=1,
        **on_site("imabari", "デジタル推進課", note="車いすで伺います"),
    )
    assert (await bot.send(register)).status == 200
    closed_poll = await posted_card(
        bot, activities, connector, "日程調整 忘年会 12/10 12/11 締切:11/30"
    )
    answer = press(
        activities,
        closed_poll,
        "poll.answer",
        HANAKO,
        poll_id=1,
        choice_1="onsite",
        comment="午後だけ参加します",
    )
    assert (await bot.send(answer)).status == 200

    bot.clock.set(THE_DAY_AFTER)
    impression = an_answer(rating="5", good="勉強になりました", anonymous="true")
    feedback = press(activities, past_day, "feedback.submit", HANAKO, event_id=1, **impression)
    assert "rating" in readable(invoke_card(await bot.send(feedback)))

    open_poll = await posted_card(bot, activities, connector, "日程調整 第2回の日程 12/20 12/21")
    answer = press(
        activities, open_poll, "poll.answer", HANAKO, poll_id=2, choice_3="online", comment="x"
    )
    assert (await bot.send(answer)).status == 200
    next_day = await posted_card(
        bot, activities, connector, "イベント作成 第2回IYO WORK 12/15 会場:松前町役場 定員:1"
    )
    for who, municipality in ((HANAKO, "imabari"), (JIRO, "uwajima")):
        choice = on_site(municipality, "デジタル推進課")
        pressed = press(activities, next_day, "event.register", who, event_id=2, **choice)
        assert (await bot.send(pressed)).status == 200

    for text, channel in (
        ("おはようございます", None),
        ("資料です", None),
        ("質問です", SURVEY_CHANNEL),
    ):
        mine = activities.channel_message(text, mention_bot=False, from_=HANAKO, channel=channel)
        await bot.send(mine)
    await bot.send(activities.channel_message("太郎です", mention_bot=False, from_=TARO))
    return History(closed_poll, open_poll, past_day, next_day)


def is_her_data(posted: Posted) -> bool:
    """The 私のデータ card, in a personal chat."""
    in_personal_chat = posted.conversation_id.startswith("a:")
    return in_personal_chat and "ボットが保存しているあなたの情報" in card_text(posted.card or {})


def is_seat_notice(posted: Posted) -> bool:
    return posted.conversation_id.startswith("a:") and "席が空いた" in (posted.text or "")


async def rows(database: Database, model: Any) -> list[Any]:
    async with database.transaction() as session:
        return list(await session.scalars(select(model).order_by(model.id)))


# --- the rules ------------------------------------------------------------------------------


async def test_asked_in_the_channel_the_card_goes_to_her_personal_chat_only(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await hanako_has_history(bot, activities, connector)
    before = len(connector.sent)

    await bot.send(activities.channel_message("私のデータ", from_=HANAKO))

    [card] = await sent_matching(connector, is_her_data, 1)
    [in_channel] = [p for p in connector.sent[before:] if p.conversation_id.startswith(TEAM.id)]
    assert in_channel.text == "個人チャットに送りました。"
    assert in_channel.card is None and HANAKO.teams_id not in in_channel.mentioned_ids
    assert recipient(connector, card) == HANAKO.teams_id
    text = card_text(card.card or {})
    for expected in (
        "今治 花子",
        HANAKO.teams_id,
        HANAKO.aad_object_id,
        "今治市",
        "デジタル推進課",
        "日程調整の回答（2件）",
        "忘年会（締切済み）",
        "第2回の日程（受付中）",
        "参加登録（2件）",
        "第2回IYO WORK 12/15(火)（現地）",
        "第1回IYO WORK 12/1(火)（現地）",
        "感想（1件）",
        "第1回IYO WORK 12/1(火)（匿名で回答）",
        "チャネルのメッセージのコピー（",
    ):
        assert expected in text, expected
    # Nothing of anyone else.
    assert "松山 太郎" not in text and "宇和島 次郎" not in text and "太郎です" not in text


async def test_she_sees_her_data_and_deletes_it_after_confirming(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    history = await hanako_has_history(bot, activities, connector)
    taro_before = [m for m in await rows(database, ChannelMessageRow) if m.author_name == TARO.name]

    shown = await bot.send(activities.personal_message("私のデータ", from_=HANAKO))
    assert shown.status in (200, 201)
    [card] = await sent_matching(connector, is_her_data, 1)
    assert "チャネルのメッセージのコピー（3件）" in card_text(card.card or {})
    assert SURVEY_CHANNEL not in card_text(card.card or {})  # no team name is known here
    assert "名前のわからないチャネル: 1件" in card_text(card.card or {})

    asked = invoke_card(await bot.send(mine(activities, card, "mydata.delete")))
    assert "この操作は取り消せません。" in card_text(asked)
    assert len(await rows(database, PollAnswerRow)) == 2  # nothing deleted yet

    done = invoke_card(await bot.send(mine(activities, card, "mydata.erase")))

    text = card_text(done)
    for expected in (
        "日程調整の回答を取り消しました: 1件",
        "日程調整の回答を匿名化しました: 1件",
        "参加登録を取り消しました: 1件",
        "参加登録を匿名化しました: 1件",
        "感想を匿名化しました: 1件",
        "チャネルのメッセージのコピーを削除しました: 3件",
    ):
        assert expected in text, expected
    # The closed poll keeps her answer, without her: totals stay right.
    [answer] = await rows(database, PollAnswerRow)
    assert answer.poll_id == 1 and answer.choices == {"1": "onsite"}
    assert answer.name == "削除された利用者" and answer.comment == ""
    assert answer.person_key.startswith("deleted:")
    # Her seat on the day to come went to JIRO, who is told; the past day keeps its count.
    registrations = await rows(database, RegistrationRow)
    assert [(r.event_id, r.name, r.status) for r in registrations] == [
        (1, "削除された利用者", "seated"),
        (2, "宇和島 次郎", "seated"),
    ]
    past = registrations[0]
    assert past.municipality == "imabari" and past.department == "" and past.note == ""
    assert past.person_key == answer.person_key  # one tombstone: still one person in totals
    [told] = await sent_matching(connector, is_seat_notice, 1)
    assert recipient(connector, told) == JIRO.teams_id
    event_card = await event_card_showing(bot, connector, history.next_day, "宇和島 次郎")
    assert "今治 花子" not in card_text(event_card)
    # The impression stays, as an anonymous one.
    [impression] = await rows(database, FeedbackRow)
    assert impression.rating == 5 and impression.good == "勉強になりました"
    assert impression.anonymous and impression.municipality is None
    assert impression.person_key == answer.person_key
    # The copies of her posts are gone, TARO's stay.
    left = await rows(database, ChannelMessageRow)
    assert all(m.author_aad_id != HANAKO.aad_object_id for m in left)
    assert [m.id for m in left if m.author_name == TARO.name] == [m.id for m in taro_before]
    # Her profile forgets 所属 and 部署 and her personal chat; the request is on record.
    [person] = [p for p in await rows(database, Person) if p.person_key == HANAKO.aad_object_id]
    assert person.municipality is None and person.department is None
    assert person.personal_conversation_id is None
    personal_chats = [c for c in await rows(database, Conversation) if c.kind == "personal"]
    assert all(HANAKO.aad_object_id not in c.conversation_id for c in personal_chats)
    [record] = [a for a in await rows(database, AuditEntry) if a.action == "mydata.erased"]
    assert record.actor_key == HANAKO.aad_object_id and record.detail["messages_deleted"] == 3

    # Asked again, the card says so.
    again = invoke_card(await bot.send(mine(activities, card, "mydata.show")))
    text = card_text(again)
    assert "日程調整の回答（0件）" in text and "参加登録（0件）" in text and "感想（0件）" in text
    assert "私のデータの削除: 1件" in text


async def test_a_forged_press_cannot_delete_someone_elses_data(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    await hanako_has_history(bot, activities, connector)
    forged = {
        "person_key": HANAKO.aad_object_id,
        "aad_object_id": HANAKO.aad_object_id,
        "teams_id": HANAKO.teams_id,
    }

    # JIRO presses 削除する with data naming HANAKO: only JIRO's own data goes.
    pressed = activities.invoke_action("mydata.erase", forged, from_=JIRO, personal=True)
    done = invoke_card(await bot.send(pressed))

    assert "参加登録を取り消しました: 1件" in card_text(done)
    assert "日程調整の回答" not in card_text(done)
    assert len(await rows(database, PollAnswerRow)) == 2
    assert {(r.event_id, r.name) for r in await rows(database, RegistrationRow)} == {
        (1, "今治 花子"),
        (2, "今治 花子"),
    }
    [impression] = await rows(database, FeedbackRow)
    assert impression.person_key == HANAKO.aad_object_id
    assert len([m for m in await rows(database, ChannelMessageRow)
                if m.author_aad_id == HANAKO.aad_object_id]) == 3  # fmt: skip
    [hanako] = [p for p in await rows(database, Person) if p.person_key == HANAKO.aad_object_id]
    assert hanako.municipality == "imabari"

    # And the card she would see is never shown to him.
    view = activities.invoke_action("mydata.show", forged, from_=JIRO, personal=True)
    assert "今治 花子" not in card_text(invoke_card(await bot.send(view)))


async def test_in_english(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await bot.send(activities.personal_message("my data", from_=HANAKO, locale="en-US"))

    [card] = await sent_matching(
        connector, lambda p: "What the bot stores about you" in card_text(p.card or {}), 1
    )
    text = card_text(card.card or {})
    assert "Poll answers (0)" in text and "Nothing." in text
    asked = activities.invoke_action("mydata.delete", {}, from_=HANAKO, personal=True,
                                     locale="en-US")  # fmt: skip
    assert "This cannot be undone." in card_text(invoke_card(await bot.send(asked)))


def mine(activities: Activities, card: Posted, verb: str) -> dict[str, Any]:
    """Her press on the card in her personal chat."""
    return activities.invoke_action(
        verb, {}, from_=HANAKO, card_activity_id=card.activity_id, personal=True
    )


async def test_help_says_what_is_stored_why_and_how_to_delete_it(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await bot.send(activities.channel_message("ヘルプ", from_=HANAKO))

    [help_card] = await connector.wait_for_sent(1)
    text = card_text(help_card.card or {})
    assert "私のデータ" in text
    for stored in ("日程調整の回答とコメント", "参加登録と備考", "感想", "所属と部署"):
        assert stored in text
    assert "チャネルのメッセージのコピー" in text and "エクスポートの記録" in text
    assert "保存期間（24か月）" in text and "集計は残ります" in text


async def test_a_solved_mark_is_shown_and_anonymised_the_thread_stays_solved(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    """The coordinator 太郎 marked 次郎's question 解決済み with the summary's button. His
    私のデータ lists that mark; deleting forgets that it was him, and the question stays solved
    in everyone's summary (as answers to closed polls stay counted)."""
    asked_at = datetime(2026, 11, 23, 9, 0, tzinfo=JST)
    bot.clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=JST))
    await bot.send(activities.installation_update("add"))  # the bot learns the team's name
    channel = Channel(bot, activities)
    question = await channel.post(
        JIRO, "共有フォルダにアクセスできなくなりました。原因はわかりますか？", asked_at
    )
    await channel.post(
        HANAKO, "資格情報マネージャーの古い資格情報を消すと直ります。", asked_at, thread=question
    )
    await bot.send(activities.channel_message("要約", from_=TARO))
    [summary] = await sent_matching(connector, lambda p: "要約（直近" in card_text(p.card or {}), 1)
    solve = button(summary.card or {}, "解決済みにする", near="共有フォルダ")
    solved = await bot.send(activities.invoke_action(solve["verb"], solve["data"], from_=TARO))
    assert "スレッドを解決済みにしました。" in card_text(invoke_card(solved))

    await bot.send(activities.personal_message("私のデータ", from_=TARO))
    [card] = await sent_matching(
        connector, lambda p: "ボットが保存しているあなたの情報" in card_text(p.card or {}), 1
    )
    text = card_text(card.card or {})
    assert "スレッドの解決済みの記録（1件）" in text
    assert "共有フォルダにアクセスできなくなりました。原因はわかりますか？" in text
    assert f"（{TEAM.name}（一般）・解決済みにした）" in text

    erase = activities.invoke_action("mydata.erase", {}, from_=TARO, personal=True)
    done = invoke_card(await bot.send(erase))

    assert "スレッドの解決済みの記録を匿名化しました: 1件" in card_text(done)
    [mark] = await rows(database, ThreadResolutionRow)
    assert mark.root_id == question and mark.resolved
    assert mark.by_key.startswith("deleted:") and mark.by_name == "削除された利用者"
    shown = activities.invoke_action("mydata.show", {}, from_=TARO, personal=True)
    assert "スレッドの解決済みの記録（0件）" in card_text(invoke_card(await bot.send(shown)))
    # The channel's summary still shows the question solved.
    before = len(connector.sent)
    await bot.send(activities.channel_message("要約", from_=JIRO))
    [*_, after] = await connector.wait_for_sent(before + 1)
    assert "未回答 0 件・回答あり 0 件・解決済み 1 件" in card_text(after.card or {})
