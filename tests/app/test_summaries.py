"""要約・検索・誰に聞く through the real HTTP endpoint: staff ask and answer in the channel (the
bot keeps the threads live), then someone asks the bot what happened this week, searches, asks
who knows, and marks a question solved with the card's button."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from cards.summaries import MAX_CARD_BYTES, card_size
from dialogs.summaries.service import clear_cache
from dialogs.threads.state import ensure_channel, set_state
from storage.db import Database
from storage.models import Person
from storage.repositories.people import upsert_person
from tests.app.test_first_contact import card_text
from tests.app.test_polls import invoke_card
from tests.fakes.connector import FakeConnector
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import (
    GUEST,
    HANAKO,
    JIRO,
    NANAMI,
    OTHER_TEAM,
    STAFF,
    TARO,
    TEAM,
    Activities,
    TeamsUser,
    add_team,
)

JST = ZoneInfo("Asia/Tokyo")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=JST)


@pytest.fixture(autouse=True)
def fresh_analyses() -> None:
    clear_cache()


class Channel:
    """People writing in the channel, at times of the story (the bot's clock stays put)."""

    def __init__(self, bot: RunningBot, activities: Activities) -> None:
        self.bot = bot
        self.activities = activities

    async def post(
        self, who: TeamsUser, text: str, at: datetime, *, thread: str | None = None
    ) -> str:
        message = self.activities.channel_message(text, mention_bot=False, from_=who, thread=thread)
        message["timestamp"] = at.astimezone(ZoneInfo("UTC")).isoformat()
        answer = await self.bot.send(message)
        assert answer.status in (200, 201)
        return str(message["id"])


async def a_week_of_questions(bot: RunningBot, activities: Activities) -> dict[str, str]:
    """花子 asks about Windows Update, 次郎 answers and 花子 says it worked; 次郎 asks about a
    macro and nobody answers; the guest asks about Teams notifications and 太郎 answers."""
    channel = Channel(bot, activities)
    update_q = await channel.post(
        HANAKO,
        "LGWAN接続系の端末で Windows Update が 0x80070005 で失敗します。対処方法をご存じですか？",
        MONDAY,
    )
    await channel.post(
        JIRO,
        "SoftwareDistribution フォルダの名前を変えてから再起動すると直ります。",
        MONDAY + timedelta(hours=1),
        thread=update_q,
    )
    await channel.post(
        HANAKO,
        "フォルダの名前を変えたら直りました！ありがとうございました。",
        MONDAY + timedelta(hours=3),
        thread=update_q,
    )
    macro_q = await channel.post(
        JIRO,
        "Excelマクロが「ブロックされました」と出て動きません。どうすれば実行できますか？",
        MONDAY + timedelta(days=1),
    )
    teams_q = await channel.post(
        GUEST,
        "Teams のチャネルに投稿しても通知が届かないと言われます。",
        MONDAY + timedelta(days=2),
    )
    await channel.post(
        TARO,
        "チャネルの通知は既定でオフなので、各自で「すべてのアクティビティ」にしてもらってください。",
        MONDAY + timedelta(days=2, hours=1),
        thread=teams_q,
    )
    return {"update": update_q, "macro": macro_q, "teams": teams_q}


async def registered(database_url: str, *people: tuple[TeamsUser, str]) -> None:
    """They answered 参加登録 with their municipality."""
    database = Database(database_url)
    try:
        async with database.transaction() as session:
            for who, municipality in people:
                await upsert_person(
                    session,
                    person_key=who.aad_object_id,
                    teams_id=who.teams_id,
                    aad_object_id=who.aad_object_id,
                    name=who.name,
                    tenant_id=None,
                    locale="ja",
                    now=MONDAY,
                )
                await session.execute(
                    update(Person)
                    .where(Person.person_key == who.aad_object_id)
                    .values(municipality=municipality)
                )
    finally:
        await database.dispose()


def actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Action."):
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


def button(card: dict[str, Any], title: str, *, near: str | None = None) -> dict[str, Any]:
    """The Action.Execute titled `title` (in the row whose question contains `near`)."""
    for container in card["body"]:
        if near is not None and near not in card_text(container):
            continue
        for action in actions(container) + ([] if near else actions(card)):
            if action.get("title") == title and action["type"] == "Action.Execute":
                return action
    raise AssertionError(f"no button {title!r} near {near!r}")


async def posted_card(connector: FakeConnector, count: int) -> dict[str, Any]:
    sent = await connector.wait_for_sent(count, within=15)  # a loaded machine is slow
    card = sent[count - 1].card
    assert card is not None, sent[count - 1].text
    return card


async def test_the_weeks_summary_shows_what_was_asked_answered_and_left_open(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    bot.clock.set(MONDAY + timedelta(days=3))
    threads = await a_week_of_questions(bot, activities)
    await registered(database_url, (HANAKO, "imabari"), (JIRO, "uwajima"))
    await bot.send(activities.channel_message("要約", from_=HANAKO))

    card = await posted_card(connector, 1)
    text = card_text(card)
    assert "要約（直近 7 日間: 11/19(木)〜11/26(木)）" in text
    assert "スレッド 3 件: 未回答 1 件・回答あり 1 件・解決済み 1 件" in text
    assert "[解決済み] " in text
    assert "LGWAN接続系の端末で Windows Update が 0x80070005 で失敗します。" in text
    assert "SoftwareDistribution フォルダの名前を変えてから再起動すると直ります。" in text
    assert "今治 花子（今治市）・返信 2 件・11/23(月)" in text
    assert "[未回答] " in text and "（まだ回答がありません）" in text
    assert "[回答あり] " in text
    # The command itself (「@IYO WORK 要約」) is not a question in the list.
    assert text.count("[") == 3
    links = [a["url"] for a in actions(card) if a["type"] == "Action.OpenUrl"]
    assert len(links) == 3
    assert all(f"groupId={TEAM.aad_group_id}" in url for url in links)
    assert any(f"parentMessageId={threads['update']}" in url for url in links)
    assert card_size(card) < MAX_CARD_BYTES


async def test_the_asker_marks_an_open_question_solved_with_the_button(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    bot.clock.set(MONDAY + timedelta(days=3))
    await a_week_of_questions(bot, activities)
    await bot.send(activities.channel_message("要約", from_=JIRO))
    card = await posted_card(connector, 1)
    solve = button(card, "解決済みにする", near="Excelマクロ")

    # Someone else may not.
    refused = invoke_card(
        await bot.send(activities.invoke_action(solve["verb"], solve["data"], from_=HANAKO))
    )
    assert "質問した人とコーディネーターだけ" in card_text(refused)

    # The asker may: the card comes back with the question solved.
    again = invoke_card(
        await bot.send(activities.invoke_action(solve["verb"], solve["data"], from_=JIRO))
    )
    text = card_text(again)
    assert "スレッドを解決済みにしました。" in text
    assert "未回答 0 件・回答あり 1 件・解決済み 2 件" in text
    assert "未解決に戻す" in [a["title"] for a in actions(again)]

    # A coordinator (the team's owner) can undo it.
    reopen = button(again, "未解決に戻す", near="Excelマクロ")
    reopened = invoke_card(
        await bot.send(activities.invoke_action(reopen["verb"], reopen["data"], from_=TARO))
    )
    assert "スレッドを未解決に戻しました。" in card_text(reopened)
    assert "未回答 1 件・回答あり 1 件・解決済み 1 件" in card_text(reopened)


async def test_owning_another_team_does_not_let_one_mark_our_questions_solved(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    """七海 owns Matsuyama's DX team and is a plain member of ours: from her personal chat she
    finds 次郎's open question, but marking it solved is for 次郎 and our coordinators."""
    bot.clock.set(MONDAY + timedelta(days=3))
    await a_week_of_questions(bot, activities)
    matsuyama = add_team(connector, OTHER_TEAM, [NANAMI, JIRO])
    member = replace(NANAMI, role="user")
    connector.set_roster(TEAM.id, [user.roster_member() for user in (*STAFF, member)])
    await bot.send(activities.channel_message("ヘルプ", from_=TARO))
    await bot.send(matsuyama.channel_message("ヘルプ", from_=NANAMI))
    await bot.send(activities.personal_message("検索 マクロ", from_=member))
    card = await posted_card(connector, 3)
    solve = button(card, "解決済みにする", near="Excelマクロ")

    refused = invoke_card(
        await bot.send(
            activities.invoke_action(solve["verb"], solve["data"], from_=member, personal=True)
        )
    )
    assert "質問した人とコーディネーターだけ" in card_text(refused)
    await bot.send(activities.channel_message("要約", from_=JIRO))
    assert "[未回答] " in card_text(await posted_card(connector, 4))


async def test_a_busy_month_is_paged_with_show_more(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    bot.clock.set(datetime(2026, 11, 30, 18, 0, tzinfo=JST))
    channel = Channel(bot, activities)
    for day in range(1, 13):
        await channel.post(
            HANAKO,
            f"第{day}回の質問です。ファイルサーバー{day}号機のバックアップが失敗します。原因はわかりますか？"
            + "詳しい状況を書きます。" * 30,
            datetime(2026, 11, day, 9, 0, tzinfo=JST),
        )
    await bot.send(activities.channel_message("要約 今月", from_=TARO))
    first = await posted_card(connector, 1)
    assert "要約（今月: 11/1(日)〜11/30(月)）" in card_text(first)
    assert "1〜8 件目／全 12 件" in card_text(first)
    assert card_size(first) < MAX_CARD_BYTES

    more = button(first, "もっと見る")
    second = invoke_card(await bot.send(activities.invoke_action(more["verb"], more["data"])))
    assert "9〜12 件目／全 12 件" in card_text(second)
    assert "もっと見る" not in [a["title"] for a in actions(second)]
    assert "ファイルサーバー1号機" in card_text(second)  # the oldest comes last


async def test_a_month_by_its_number_and_a_period_the_bot_cannot_read(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    bot.clock.set(MONDAY + timedelta(days=3))
    await a_week_of_questions(bot, activities)
    await bot.send(activities.channel_message("要約 2026-10", from_=TARO))
    october = await posted_card(connector, 1)
    assert "要約（2026年10月）" in card_text(october)
    assert "この期間に動きのあったスレッドはありません。" in card_text(october)

    await bot.send(activities.channel_message("要約 そのうち", from_=TARO))
    [*_, said] = await connector.wait_for_sent(2)
    assert said.text is not None and "期間がわかりませんでした" in said.text


async def test_search_in_a_personal_chat_finds_the_channels_threads(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    bot.clock.set(MONDAY + timedelta(days=3))
    await a_week_of_questions(bot, activities)
    await bot.send(activities.channel_message("ヘルプ", from_=TARO))  # the bot knows the team
    await bot.send(activities.personal_message("検索 Windows Update", from_=JIRO))

    card = await posted_card(connector, 2)
    text = card_text(card)
    assert "検索結果" in text and "Windows Update" in text
    assert "1 件のスレッドが見つかりました" in text
    assert "[解決済み] " in text
    assert "該当箇所: " in text

    await bot.send(activities.personal_message("検索", from_=JIRO))
    [*_, usage] = await connector.wait_for_sent(3)
    assert usage.text == "探したい言葉を続けて書いてください。例: 検索 マクロ"


async def test_someone_outside_the_team_finds_nothing_of_its_channels(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    """Team separation: 七海 is in another team only; from her personal chat the threads of
    愛媛県 情報システム担当者 are not hers to read."""
    bot.clock.set(MONDAY + timedelta(days=3))
    await a_week_of_questions(bot, activities)
    await bot.send(activities.channel_message("ヘルプ", from_=TARO))
    await bot.send(activities.personal_message("検索 Windows Update", from_=NANAMI))

    [*_, said] = await connector.wait_for_sent(2)
    assert said.text is not None and said.text.startswith("読めるチャネルがありません。")


async def test_who_to_ask_suggests_the_peer_who_answered(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    bot.clock.set(MONDAY + timedelta(days=3))
    await a_week_of_questions(bot, activities)
    await registered(database_url, (JIRO, "uwajima"))
    await bot.send(activities.channel_message("誰に聞く Windows Update", from_=GUEST))

    card = await posted_card(connector, 1)
    text = card_text(card)
    assert "誰に聞く" in text
    assert "宇和島 次郎（宇和島市）" in text
    assert "似た質問に 1 件回答（うち 1 件はお礼を受けたか、要約で主な回答に選ばれた回答）" in text


async def test_without_history_the_answer_says_so_in_one_line(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    bot.clock.set(MONDAY + timedelta(days=3))
    await a_week_of_questions(bot, activities)
    database = Database(database_url)
    try:
        async with database.transaction() as session:
            now = bot.clock.now()
            await ensure_channel(session, TEAM.aad_group_id, TEAM.general, now)
            await set_state(session, TEAM.general, now, history_available=False)
    finally:
        await database.dispose()
    await bot.send(activities.channel_message("要約", from_=TARO))

    card = await posted_card(connector, 1)
    assert "このチャネルの過去の投稿は Microsoft Graph から読めないため" in card_text(card)
    assert "スレッド 3 件" in card_text(card)


async def test_in_english_for_an_english_client(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    bot.clock.set(MONDAY + timedelta(days=3))
    await a_week_of_questions(bot, activities)
    await bot.send(activities.channel_message("summary", from_=TARO, locale="en-US"))

    card = await posted_card(connector, 1)
    text = card_text(card)
    assert "Summary (last 7 days: Thu 11/19 – Thu 11/26)" in text
    assert "3 threads: 1 unanswered, 1 answered, 1 solved" in text
    assert "[Solved] " in text


async def command_in_thread(
    bot: RunningBot, activities: Activities, who: TeamsUser, text: str, at: datetime, thread: str
) -> None:
    """`who` @mentions the bot inside a thread (「@IYO WORK 要約」 as a reply)."""
    message = activities.channel_message(text, from_=who, thread=thread)
    message["timestamp"] = at.astimezone(ZoneInfo("UTC")).isoformat()
    answer = await bot.send(message)
    assert answer.status in (200, 201)


async def test_asking_the_bot_inside_an_open_question_does_not_answer_it(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    """花子 types 「@IYO WORK 要約」 as a reply in 次郎's unanswered macro question: the question is
    still unanswered, and 花子 is not someone who answered it."""
    bot.clock.set(MONDAY + timedelta(days=3))
    threads = await a_week_of_questions(bot, activities)
    at = MONDAY + timedelta(days=2, hours=5)
    await command_in_thread(bot, activities, HANAKO, "要約", at, threads["macro"])
    await connector.wait_for_sent(1)

    await bot.send(activities.channel_message("要約", from_=TARO))
    text = card_text(await posted_card(connector, 2))
    assert "未回答 1 件・回答あり 1 件・解決済み 1 件" in text
    assert "@IYO WORK" not in text
    await bot.send(activities.channel_message("誰に聞く 要約", from_=TARO))
    [*_, said] = await connector.wait_for_sent(3)
    assert "宇和島 次郎" not in card_text(said.card or {}) + (said.text or "")


async def test_a_thread_of_commands_to_the_bot_is_not_a_question(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    """太郎 asks the bot for the summary and 次郎 asks for last month's in the same thread: that
    thread is not listed, and searching for the bot's name finds nothing."""
    bot.clock.set(MONDAY + timedelta(days=3))
    await a_week_of_questions(bot, activities)
    command = activities.channel_message("要約", from_=TARO)
    command["timestamp"] = (MONDAY + timedelta(days=2, hours=3)).isoformat()
    await bot.send(command)
    at = MONDAY + timedelta(days=2, hours=4)
    await command_in_thread(bot, activities, JIRO, "要約 先月", at, str(command["id"]))
    await connector.wait_for_sent(2)

    await bot.send(activities.channel_message("要約", from_=HANAKO))
    text = card_text(await posted_card(connector, 3))
    assert "スレッド 3 件" in text
    assert "@IYO WORK" not in text
    await bot.send(activities.channel_message("検索 IYO WORK", from_=HANAKO))
    [*_, found] = await connector.wait_for_sent(4)
    assert "要約 先月" not in card_text(found.card or {}) + (found.text or "")


async def test_a_reply_after_the_first_page_does_not_shift_the_next_page(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    """Page 1 of the month shows the twelve questions' newest eight; then 次郎 answers the oldest.
    もっと見る still shows the other four, the oldest among them, none twice."""
    bot.clock.set(datetime(2026, 11, 30, 18, 0, tzinfo=JST))
    channel = Channel(bot, activities)
    roots = {}
    for day in range(1, 13):
        roots[day] = await channel.post(
            HANAKO,
            f"ファイルサーバー{day}号機のバックアップが失敗します。原因はわかりますか？",
            datetime(2026, 11, day, 9, 0, tzinfo=JST),
        )
    await bot.send(activities.channel_message("要約 今月", from_=TARO))
    first = await posted_card(connector, 1)
    assert "1〜8 件目／全 12 件" in card_text(first)

    bot.clock.set(datetime(2026, 11, 30, 18, 30, tzinfo=JST))
    await channel.post(JIRO, "ディスクの空きを確認してください。", bot.clock.now(), thread=roots[1])
    more = button(first, "もっと見る")
    second = card_text(
        invoke_card(await bot.send(activities.invoke_action(more["verb"], more["data"])))
    )
    assert "9〜12 件目／全 12 件" in second
    shown = [day for day in range(1, 13) if f"ファイルサーバー{day}号機" in second]
    assert shown == [1, 2, 3, 4]


async def test_questions_without_a_sentence_still_show_what_was_posted(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    """Roots that are only a link, a code block, a quote, an error code or a greeting show what
    was typed, not a blank line; a link after a sentence stays in the question."""
    bot.clock.set(MONDAY + timedelta(days=3))
    channel = Channel(bot, activities)
    roots = [
        "https://www.soumu.go.jp/main_content/000123456.pdf",
        "```\nGet-Service wuauserv | Stop-Service\n```",
        "> 共有フォルダにアクセスできません",
        "0x80070005",
        "お疲れ様です。松山市の太郎です。",
        "この手順書を見てください https://example.lg.jp/manual.pdf",
    ]
    for hours, text in enumerate(roots):
        await channel.post(TARO, text, MONDAY + timedelta(hours=hours))
    await bot.send(activities.channel_message("要約", from_=HANAKO))

    lines = card_text(await posted_card(connector, 1)).split("\n")
    questions = [lines[at + 1] for at, line in enumerate(lines) if line == "[未回答] "]
    assert sorted(questions) == sorted(
        [
            "https://www.soumu.go.jp/main_content/000123456.pdf",
            "Get-Service wuauserv | Stop-Service",
            "> 共有フォルダにアクセスできません",
            "0x80070005",
            "お疲れ様です。松山市の太郎です。",
            "この手順書を見てください https://example.lg.jp/manual.pdf",
        ]
    )


async def test_a_question_solved_with_the_button_this_week_is_in_this_weeks_summary(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    """次郎 asked two weeks ago; today he marks it solved with the button: this week's summary
    lists it as solved."""
    bot.clock.set(MONDAY - timedelta(days=11, hours=-1))
    channel = Channel(bot, activities)
    await channel.post(
        JIRO,
        "プリンタのドライバを一斉に配布する方法はありますか？",
        MONDAY - timedelta(days=11),
    )
    await bot.send(activities.channel_message("要約 30日", from_=JIRO))
    card = await posted_card(connector, 1)
    solve = button(card, "解決済みにする", near="プリンタ")
    bot.clock.set(MONDAY + timedelta(days=3))
    await bot.send(activities.invoke_action(solve["verb"], solve["data"], from_=JIRO))

    bot.clock.set(MONDAY + timedelta(days=3, minutes=5))
    await bot.send(activities.channel_message("要約", from_=TARO))
    text = card_text(await posted_card(connector, 2))
    assert "スレッド 1 件: 未回答 0 件・回答あり 0 件・解決済み 1 件" in text
    assert "[解決済み] \nプリンタのドライバを一斉に配布する方法はありますか？" in text


async def test_english_sentences_of_a_question_are_joined_with_a_space(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    bot.clock.set(MONDAY + timedelta(days=3))
    channel = Channel(bot, activities)
    await channel.post(GUEST, "How do I reset MFA in Entra ID? The user lost their phone.", MONDAY)
    await channel.post(
        HANAKO, "Windows Update が失敗します。原因はわかりますか？", MONDAY + timedelta(hours=1)
    )
    await bot.send(activities.channel_message("summary", from_=TARO, locale="en-US"))

    text = card_text(await posted_card(connector, 1))
    assert "How do I reset MFA in Entra ID? The user lost their phone." in text
    assert "Windows Update が失敗します。原因はわかりますか？" in text


async def said_to(bot: RunningBot, connector: FakeConnector, activity: dict[str, Any]) -> Any:
    """What the bot answered to `activity` (a text or a card)."""
    before = len(connector.sent)
    await bot.send(activity)
    [posted] = (await connector.wait_for_sent(before + 1))[before:]
    return posted


async def test_a_summary_asked_for_in_natural_words_is_understood(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    """花子 asks the way people talk, with punctuation, weeks, months and 分; only a period the
    bot cannot read, or one too long, gets a sentence instead of the card."""
    bot.clock.set(MONDAY + timedelta(days=3))  # Thu 11/26
    await a_week_of_questions(bot, activities)
    week = "要約（直近 7 日間: 11/19(木)〜11/26(木)）"
    expected = {
        "要約して": week,
        "要約お願いします": week,
        "要約してください": week,
        "要約。": week,
        "要約！": week,
        "要約?": week,
        "要約 1週間": week,
        "要約 一週間": week,
        "要約 2週間": "要約（直近 14 日間: 11/12(木)〜11/26(木)）",
        "要約 1か月": "要約（直近 31 日間: 10/26(月)〜11/26(木)）",
        "要約 1ヶ月": "要約（直近 31 日間: 10/26(月)〜11/26(木)）",
        "要約 一か月": "要約（直近 31 日間: 10/26(月)〜11/26(木)）",
        "要約 今月。": "要約（今月: 11/1(日)〜11/26(木)）",
        "要約 今月分": "要約（今月: 11/1(日)〜11/26(木)）",
        "要約 先週分": "要約（先週: 11/16(月)〜11/22(日)）",
        "要約 11月分": "要約（2026年11月）",
    }
    for typed, title in expected.items():
        said = await said_to(bot, connector, activities.channel_message(typed, from_=HANAKO))
        assert said.card is not None, (typed, said.text)
        assert title in card_text(said.card), typed

    said = await said_to(bot, connector, activities.channel_message("要約 9999日"))
    assert said.text == "期間は 366 日までにしてください。"
    said = await said_to(bot, connector, activities.channel_message("要約 そのうち"))
    assert said.text is not None and said.text.startswith("期間がわかりませんでした。")
    assert "「要約 今月」" in said.text and "「要約 2週間」" in said.text

    english = {
        "summary 1 week": "Summary (last 7 days: Thu 11/19 – Thu 11/26)",
        "summary 2 weeks.": "Summary (last 14 days: Thu 11/12 – Thu 11/26)",
        "summary please": "Summary (last 7 days: Thu 11/19 – Thu 11/26)",
    }
    for typed, title in english.items():
        said = await said_to(bot, connector, activities.channel_message(typed, locale="en-US"))
        assert said.card is not None, (typed, said.text)
        assert title in card_text(said.card), typed


async def test_a_search_with_more_matches_than_shown_says_how_many_there_are(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    bot.clock.set(datetime(2026, 11, 30, 18, 0, tzinfo=JST))
    channel = Channel(bot, activities)
    for day in range(1, 13):
        await channel.post(
            HANAKO,
            f"ファイルサーバー{day}号機のバックアップが失敗します。原因はわかりますか？",
            datetime(2026, 11, day, 9, 0, tzinfo=JST),
        )
    said = await said_to(bot, connector, activities.channel_message("検索 ファイルサーバー"))
    assert said.card is not None
    text = card_text(said.card)
    assert "12 件のスレッドが見つかりました。関連の高い 5 件を表示しています" in text
    assert text.count("[未回答] ") == 5


async def test_short_english_words_do_not_find_threads_by_a_few_letters_of_a_longer_word(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    """The letters "is" and "on" inside SoftwareDistribution are not words of the Windows
    Update thread; "who is the expert on teams" is about Teams."""
    bot.clock.set(MONDAY + timedelta(days=3))
    await a_week_of_questions(bot, activities)
    for typed in ("search is", "search on"):
        said = await said_to(bot, connector, activities.channel_message(typed, locale="en-US"))
        assert said.card is not None
        assert "No thread matched." in card_text(said.card), typed

    said = await said_to(
        bot,
        connector,
        activities.channel_message("who is the expert on teams", from_=HANAKO, locale="en-US"),
    )
    assert said.card is not None
    text = card_text(said.card)
    assert TARO.name in text and JIRO.name not in text

    # A Japanese word still finds the compound it is part of.
    said = await said_to(bot, connector, activities.channel_message("検索 マクロ"))
    assert said.card is not None and "Excelマクロ" in card_text(said.card)


async def test_in_a_group_chat_the_commands_say_where_they_work_before_anything_else(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    from tests.app.test_create_in_a_channel import in_a_group_chat

    refusal = "要約・検索・誰に聞くは、チャネルか、ボットとの個人チャットで使ってください。"
    for typed in ("検索", "誰に聞く", "要約", "要約 そのうち", "要約 9999日"):
        said = await said_to(bot, connector, in_a_group_chat(activities, typed))
        assert said.text == refusal, typed


async def test_a_search_typed_with_a_colon_quotes_or_して_searches_for_the_word(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    bot.clock.set(MONDAY + timedelta(days=3))
    await a_week_of_questions(bot, activities)
    for typed in ("検索: マクロ", "検索：マクロ", "検索して マクロ", "検索 「マクロ」"):
        said = await said_to(bot, connector, activities.channel_message(typed))
        assert said.card is not None, typed
        lines = card_text(said.card).splitlines()
        assert lines[:2] == ["検索結果", "マクロ"], typed
        assert any("Excelマクロ" in line for line in lines), typed


async def test_a_personal_summary_of_several_teams_says_where_each_thread_is(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    """次郎 is in our team and in Matsuyama's DX team: his personal chat's 要約 lists the
    threads of both, each saying which team's channel it is in, the busiest first."""
    bot.clock.set(MONDAY + timedelta(days=3))
    await a_week_of_questions(bot, activities)
    matsuyama = add_team(connector, OTHER_TEAM, [NANAMI, JIRO])
    theirs = Channel(bot, matsuyama)
    await theirs.post(NANAMI, "庁内チャットの導入、どの製品を選びましたか？", MONDAY)
    # Installed in both teams: Teams names each team then (never the General channel).
    await bot.send(activities.conversation_update_bot_added())
    await bot.send(matsuyama.conversation_update_bot_added())
    await connector.wait_for_sent(2)

    await bot.send(activities.personal_message("要約", from_=JIRO))
    text = card_text(await posted_card(connector, 3))
    assert "スレッド 4 件" in text
    assert "愛媛県 情報システム担当者（一般）・今治 花子・返信 2 件" in text
    assert "松山市 DX推進チーム（一般）・松山 七海・返信 0 件" in text
    # The busiest thread (the Windows Update question, three posts) comes first.
    assert text.index("Windows Update") < text.index("庁内チャット")
