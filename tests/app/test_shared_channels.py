"""Private and shared channels, through the real HTTP endpoint with Teams-shaped activities.

The community spans 21 organisations: the prefecture hosts a shared channel where staff of the
municipalities take part from their own tenants. Teams tells the bot the channel's kind in
`channelData.channel.type` and each member's tenant in the channel's roster; the activities
themselves carry the host's tenant. The bot says plainly what it cannot do there: it reads a
private or shared channel's history only once Graph has, and it cannot open a personal chat with
someone of another organisation, so it @mentions them in the thread instead of trying.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from dialogs.threads.state import ensure_channel, set_state
from storage.db import Database
from storage.models import Conversation
from tests.app.test_event_creation import create_event
from tests.app.test_event_reminders import personal_to
from tests.app.test_feedback import sent_matching
from tests.app.test_first_contact import card_text
from tests.app.test_polls import task_runner
from tests.app.test_registration import on_site, register
from tests.app.test_summaries import Channel
from tests.fakes.connector import FakeConnector, Posted
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import (
    HANAKO,
    OTHER_TENANT_ID,
    TARO,
    TEAM,
    Activities,
    TeamsUser,
)

JST = ZoneInfo("Asia/Tokyo")
# 「県・市町 情報交換」, hosted by the prefecture's team, and 「幹事会」, a few of its members.
SHARED = "19:ehime-shared0001@thread.tacv2"
PRIVATE = "19:ehime-private001@thread.tacv2"
# A municipality's staff member, taking part from their own organisation's tenant.
SAIJO = TeamsUser(
    "西条 四郎",
    "29:1user0009-shiro",
    "bbb00000-0000-4000-8000-000000000009",
    "shiro.saijo@city.saijo.example",
    tenant_id=OTHER_TENANT_ID,
)

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


def in_channel(activities: Activities, channel: str, kind: str | None) -> Activities:
    """The same Teams, in another channel of the team (`kind` as Teams names it, or None
    when an activity does not say)."""
    return Activities(
        service_url=activities.service_url,
        home_channel=channel,
        channel_type=kind,
        _ids=itertools.count(1_736_000_000_001 if kind else 1_746_000_000_001),
    )


async def stored_channel_type(database: Database, conversation_id: str) -> str | None:
    async with database.transaction() as session:
        return await session.scalar(
            select(Conversation.channel_type).where(Conversation.conversation_id == conversation_id)
        )


async def said(connector: FakeConnector, count: int) -> Posted:
    sent = await connector.wait_for_sent(count)
    return sent[count - 1]


async def test_added_to_a_shared_channel_the_bot_says_what_it_cannot_do_there(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    shared = in_channel(activities, SHARED, "shared")

    # Teams adds the bot to the shared channel (it must be allowed in each one).
    await bot.send(shared.conversation_update_bot_added())

    greeting = await said(connector, 1)
    text = card_text(greeting.card or {})
    assert greeting.conversation_id.startswith(SHARED)
    assert "共有チャネルでのご注意" in text
    assert "他の組織の方に個人チャットを送れない" in text
    assert "スレッドで @メンションしてお知らせします" in text
    assert await stored_channel_type(database, SHARED) == "shared"

    # ヘルプ there says it too, even when a message does not repeat the channel's kind.
    await bot.send(in_channel(activities, SHARED, None).channel_message("ヘルプ", from_=HANAKO))
    help_there = await said(connector, 2)
    assert "共有チャネルでのご注意" in card_text(help_there.card or {})

    # In the team's standard channel there is nothing to warn about.
    await bot.send(activities.channel_message("ヘルプ", from_=HANAKO))
    help_in_general = await said(connector, 3)
    assert "でのご注意" not in card_text(help_in_general.card or {})


async def test_in_english_in_a_private_channel(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    private = in_channel(activities, PRIVATE, "private")

    await bot.send(private.conversation_update_bot_added(locale="en-US"))

    text = card_text((await said(connector, 1)).card or {})
    assert "In a private channel" in text
    assert "The bot has to be added to each private channel." in text


async def test_a_private_channel_summary_says_its_history_is_not_read_until_graph_has(
    bot: RunningBot,
    activities: Activities,
    connector: FakeConnector,
    database: Database,
) -> None:
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=JST)
    bot.clock.set(monday + timedelta(days=1))
    private = in_channel(activities, PRIVATE, "private")
    await bot.send(private.conversation_update_bot_added())
    channel = Channel(bot, private)
    await channel.post(HANAKO, "来年度の予算要求の資料はどこにありますか？", monday)

    await bot.send(private.channel_message("要約", from_=TARO))
    text = card_text((await said(connector, 2)).card or {})
    assert "スレッド 1 件" in text
    assert "プライベート／共有チャネルの過去の投稿はまだ Microsoft Graph から読めていない" in text

    # Once a Graph sync has read the channel through, the summary stands on its own.
    async with database.transaction() as session:
        now = bot.clock.now()
        await ensure_channel(session, TEAM.aad_group_id, PRIVATE, now)
        await set_state(session, PRIVATE, now, backfill_started_at=now, backfill_done_at=now)
    await bot.send(private.channel_message("要約", from_=TARO))
    text = card_text((await said(connector, 3)).card or {})
    assert "スレッド 1 件" in text and "Microsoft Graph" not in text

    # Graph refusing the channel later is said as before.
    async with database.transaction() as session:
        await set_state(session, PRIVATE, bot.clock.now(), history_available=False)
    await bot.send(private.channel_message("検索 予算要求", from_=TARO))
    text = card_text((await said(connector, 4)).card or {})
    assert "このチャネルの過去の投稿は Microsoft Graph から読めないため" in text


async def test_a_reminder_reaches_someone_of_another_organisation_in_the_thread_untried(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    """花子 (the prefecture) and 四郎 (西条市, his own tenant) register for a day announced in
    the shared channel. The day before, 花子 gets her reminder in her personal chat; 四郎 is
    @mentioned in the event's thread, and the bot never asks Teams for a 1:1 chat with him."""
    shared = in_channel(activities, SHARED, "shared")
    connector.set_roster(SHARED, [u.roster_member() for u in (TARO, HANAKO, SAIJO)])
    connector.unreachable.add(SAIJO.teams_id)  # Teams would refuse it (403)
    post, _ = await create_event(
        bot, shared, connector, "イベント作成 第3回IYO WORK 2027/1/20 10:00-16:00 会場:西条市役所"
    )
    await register(bot, shared, post, HANAKO, **on_site("imabari"))
    await register(bot, shared, post, SAIJO, **on_site("saijo"))

    bot.clock.set(datetime(2027, 1, 19, 9, 0, tzinfo=JST))
    await task_runner(bot).run_due()

    [mention] = await sent_matching(connector, lambda p: SAIJO.teams_id in p.mentioned_ids, 1)
    assert mention.conversation_id.startswith(SHARED)
    assert mention.reply_to_id == post.activity_id  # in the event's thread
    assert mention.text is not None and "第3回IYO WORK" in mention.text
    [hanako] = await sent_matching(connector, lambda p: p.conversation_id.startswith("a:"), 1)
    assert "第3回IYO WORK" in (hanako.text or "")
    assert personal_to(connector, HANAKO) == [hanako.text]
    opened = [c.members[0]["id"] for c in connector.created if not c.is_group]
    assert opened == [HANAKO.teams_id] and connector.refused == []


async def test_my_data_tells_someone_of_another_organisation_it_cannot_reach_them(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    shared = in_channel(activities, SHARED, "shared")
    connector.set_roster(SHARED, [u.roster_member() for u in (TARO, HANAKO, SAIJO)])
    await bot.send(shared.conversation_update_bot_added())

    await bot.send(shared.channel_message("私のデータ", from_=SAIJO))

    answer = await said(connector, 2)
    assert answer.text is not None
    assert "他の組織の方には、ボットから個人チャットを送れない" in answer.text
    assert "コーディネーターにご連絡ください" in answer.text
    assert connector.created == [] and answer.card is None  # nothing of his shown to the channel

    # Someone of the host organisation gets hers in her personal chat, as anywhere.
    await bot.send(shared.channel_message("私のデータ", from_=HANAKO))
    [card] = await sent_matching(connector, lambda p: p.conversation_id.startswith("a:"), 1)
    assert "ボットが保存しているあなたの情報" in card_text(card.card or {})
