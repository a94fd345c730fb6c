"""スレッド取り込み, live: what people write in the channel is kept as Teams delivers it to the
bot (RSC), through the real HTTP endpoint. The bot stays silent unless it is @mentioned."""

from __future__ import annotations

import pytest

from dialogs.threads.store import StoredMessage, count_messages, thread_messages
from storage.db import Database
from tests.fakes.connector import FakeConnector
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import HANAKO, JIRO, TARO, TEAM, Activities

CHANNEL = TEAM.general


async def stored_thread(database_url: str, root_id: str) -> list[StoredMessage]:
    database = Database(database_url)
    try:
        async with database.transaction() as session:
            return await thread_messages(session, CHANNEL, root_id)
    finally:
        await database.dispose()


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_question_posted_in_the_channel_is_kept_and_the_bot_stays_silent(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    question = activities.channel_message(
        "Excelのマクロ問題って、どうやって解決してます？", mention_bot=False, from_=HANAKO
    )
    answer = await bot.send(question)

    assert answer.status in (200, 201)
    [kept] = await stored_thread(database_url, question["id"])
    assert kept.text == "Excelのマクロ問題って、どうやって解決してます？"
    assert kept.author_name == HANAKO.name
    assert kept.author_aad_id == HANAKO.aad_object_id
    assert kept.source == "live"
    assert kept.web_url and f"groupId={TEAM.aad_group_id}" in kept.web_url
    assert connector.sent == []


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_replies_join_their_thread_and_formatting_becomes_readable_text(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    root = activities.channel_message(
        "ユーザー権限って、みなさんどうしてます？", mention_bot=False, from_=TARO
    )
    await bot.send(root)
    html = (
        '<div><div><at id="0">松山 太郎</at>&nbsp;うちはこうしています: '
        '<a href="https://example.jp/kenri" title="https://example.jp/kenri">権限表</a>'
        '<br><code>net localgroup</code> <emoji id="1f44d_thumbsup" alt="👍"></emoji></div></div>'
    )
    reply = activities.channel_html_message(
        html, text="松山 太郎 うちはこうしています", from_=JIRO, thread=root["id"]
    )
    await bot.send(reply)

    question, answer = await stored_thread(database_url, root["id"])
    assert question.is_root and not answer.is_root
    assert answer.reply_to_id == root["id"]
    assert answer.text == (
        "@松山 太郎 うちはこうしています: 権限表 (https://example.jp/kenri)\n`net localgroup` 👍"
    )
    assert connector.sent == []


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_an_edit_replaces_the_words_and_a_deletion_removes_them(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    root = activities.channel_message("会議は10時からです", mention_bot=False, from_=HANAKO)
    await bot.send(root)

    edited = await bot.send(
        activities.message_update(root["id"], "会議は10時半からです", from_=HANAKO)
    )
    assert edited.status in (200, 201)
    [kept] = await stored_thread(database_url, root["id"])
    assert kept.text == "会議は10時半からです"
    assert kept.edited_at is not None

    await bot.send(activities.message_delete(root["id"], from_=HANAKO))
    [kept] = await stored_thread(database_url, root["id"])
    assert kept.deleted_at is not None
    assert kept.text == ""
    assert kept.author_name == HANAKO.name  # the thread keeps its shape

    await bot.send(
        activities.message_update(
            root["id"], "会議は10時半からです", from_=HANAKO, event="undeleteMessage",
            at="2026-06-01T01:15:00.000Z",
        )
    )  # fmt: skip
    [kept] = await stored_thread(database_url, root["id"])
    assert kept.deleted_at is None
    assert kept.text == "会議は10時半からです"
    assert connector.sent == []


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_an_edit_that_arrives_late_does_not_undo_a_newer_version(
    bot: RunningBot, activities: Activities, database_url: str
) -> None:
    root = activities.channel_message("初版", mention_bot=False, from_=HANAKO)
    await bot.send(root)
    newer = activities.message_update(root["id"], "第3版", at="2026-06-01T01:30:00.000Z")
    older = activities.message_update(root["id"], "第2版", at="2026-06-01T01:20:00.000Z")

    await bot.send(newer)
    await bot.send(older)

    [kept] = await stored_thread(database_url, root["id"])
    assert kept.text == "第3版"


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_mention_of_the_bot_is_kept_and_also_answered_as_a_command(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    command = activities.channel_message("ヘルプ", from_=TARO)

    await bot.send(command)

    [kept] = await stored_thread(database_url, command["id"])
    assert kept.text == "@IYO WORK ヘルプ"
    [help_card] = await connector.wait_for_sent(1)
    assert help_card.card is not None


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_message_delivered_twice_is_kept_once(
    bot: RunningBot, activities: Activities, database_url: str
) -> None:
    post = activities.channel_message("同じ投稿", mention_bot=False, from_=HANAKO)

    await bot.send(post)
    await bot.send(post)

    assert [m.text for m in await stored_thread(database_url, post["id"])] == ["同じ投稿"]


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_personal_chats_are_not_kept(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    message = activities.personal_message("ヘルプ", from_=HANAKO)

    await bot.send(message)
    await connector.wait_for_sent(1)

    database = Database(database_url)
    try:
        async with database.transaction() as session:
            assert await count_messages(session) == 0
    finally:
        await database.dispose()
