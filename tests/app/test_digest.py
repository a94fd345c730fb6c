"""週次ダイジェスト through the real HTTP endpoint: a coordinator turns it on for the channel, and
each week one post sums up the channel; on time, moved off holidays, once."""

from __future__ import annotations

from typing import Any

import pytest

from cards.digest import VERB_POST_NOW
from dialogs.threads.sync import ChannelSync
from graph.client import close_client
from storage.db import Database
from tests.app.test_first_contact import card_text
from tests.app.test_polls import invoke_card
from tests.app.test_registration import buttons, inputs, personal_sent
from tests.app.test_summaries import registered
from tests.digest.community import (
    a_week_in_the_channel,
    at,
    digest_rows,
    digests,
    jst,
    save_settings,
    wait_for_digests,
)
from tests.fakes.connector import FakeConnector
from tests.fakes.graph import FakeGraph
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import HANAKO, JIRO, TARO, TEAM, TENANT_ID, Activities

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

POLL = "日程調整 第3回IYO WORKの日程 12/14 12/16 締切:12/5"
EVENT = "イベント作成 第3回IYO WORK 12/15 10:00-16:00 会場:八幡浜市役所 定員:8"


async def test_a_coordinator_opens_the_settings_and_turns_the_digest_on(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    await bot.send(activities.channel_message("設定", from_=TARO))
    [posted] = await connector.wait_for_sent(1)
    shown = card_text(posted.card or {})
    assert "週次ダイジェストの設定" in shown
    assert inputs(posted.card or {})["digest_weekday"] == "0"  # Monday
    assert inputs(posted.card or {})["digest_time"] == "09:00"
    assert inputs(posted.card or {})["digest_enabled"] == "false"

    card = invoke_card(await save_settings(bot, activities, weekday="2", time="10:30"))

    text = card_text(card)
    assert "保存しました" in text
    assert "次回の投稿: 12/2(水) 10:30" in text  # the clock: Thursday 11/26
    assert inputs(card)["digest_enabled"] == "true"
    assert await digest_rows(database_url) == []


async def test_someone_who_is_not_a_coordinator_is_refused_politely(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await bot.send(activities.channel_message("設定", from_=HANAKO))
    [refusal] = await connector.wait_for_sent(1)
    assert "コーディネーター" in (refusal.text or "")
    assert refusal.card is None

    answer = await save_settings(bot, activities, who=HANAKO)
    assert "コーディネーター" in str(answer.body)


async def test_on_monday_at_nine_the_week_is_posted_as_a_new_thread(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    threads = await a_week_in_the_channel(bot, activities)
    await registered(database_url, (JIRO, "uwajima"))
    await bot.send(activities.channel_message(POLL, from_=TARO))
    await bot.send(activities.channel_message(EVENT, from_=TARO))
    await connector.wait_for_sent(4)  # two confirmations, the poll's and the event's posts
    [poll_post] = [p for p in connector.sent if "12/16(水)" in card_text(p.card or {})]
    [event_post] = [p for p in connector.sent if "八幡浜市役所" in card_text(p.card or {})]
    await save_settings(bot, activities)

    await at(bot, jst(2026, 11, 30, 8, 59))
    assert digests(connector) == []
    await at(bot, jst(2026, 11, 30, 9, 0))

    [digest] = await wait_for_digests(connector, 1)
    assert digest.conversation_id.startswith(TEAM.general)  # a new thread of the channel
    card = digest.card or {}
    text = card_text(card)
    assert text.startswith("週次ダイジェスト\n11/24(火)〜11/30(月)")
    # 今週の新着スレッド: the liveliest first, each with its status and a link to it.
    assert "今週の新着スレッド（3件）" in text
    assert text.index("バックアップの保存期間") < text.index("複合機のドライバ配布")
    assert "回答あり" in text and "解決済み" in text and "未回答" in text
    assert links(card)[0].endswith(
        f"/{threads['backup']}?groupId={TEAM.aad_group_id}"
        f"&parentMessageId={threads['backup']}&tenantId={TENANT_ID}"
    )
    # 未回答のまま: the printer question has waited three business days (11/26, 11/27, 11/30).
    assert "未回答のまま（3営業日以上）" in text
    assert "宇和島 次郎（宇和島市）・3営業日 回答なし" in text  # as 要約 writes people
    # 次回のIYO WORK, with 参加登録 and a link to the event's post.
    assert "次回のIYO WORK" in text and "第3回IYO WORK" in text
    assert "現地 0名・オンライン 0名・残り 8席" in text
    assert buttons(card)["参加登録"]["verb"] == "event.view"
    assert buttons(card)["参加登録"]["data"] == {"event_id": 1}
    assert f"/{event_post.activity_id}?" in buttons(card)["投稿を開く"]["url"]
    # 受付中の日程調整, with a link to the poll's post.
    assert "受付中の日程調整" in text and "回答 0件・締切 12/5(土) 23:59" in text
    assert any(f"/{poll_post.activity_id}?" in url for url in links(card))
    assert "ダイジェストの曜日・時刻・言語・載せる項目" in text
    [row] = await digest_rows(database_url)
    assert row.due_date.isoformat() == "2026-11-30"
    assert row.marker in card["fallbackText"] and row.marker not in text

    # Its activity id is recorded once the outbox has sent it.
    await at(bot, jst(2026, 11, 30, 9, 1))
    [row] = await digest_rows(database_url)
    assert (row.status, row.activity_id) == ("sent", digest.activity_id)
    # Nothing more that week; the next one is due a week later.
    await at(bot, jst(2026, 11, 30, 18, 0))
    await at(bot, jst(2026, 12, 7, 9, 0))
    assert len(await wait_for_digests(connector, 2)) == 2


def links(card: dict[str, Any]) -> list[str]:
    """The URLs a card's items open, top to bottom."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            action = node.get("selectAction")
            if isinstance(action, dict) and action.get("type") == "Action.OpenUrl":
                found.append(action["url"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


async def test_the_install_greeting_offers_to_turn_it_on(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await bot.send(activities.installation_update("add"))
    [greeting] = await connector.wait_for_sent(1)
    offer = buttons(greeting.card or {})["週次ダイジェストをオンにする"]

    card = invoke_card(
        await bot.send(
            activities.invoke_action(
                offer["verb"], offer["data"], from_=TARO, card_activity_id=greeting.activity_id
            )
        )
    )

    text = card_text(card)
    assert "週次ダイジェストをオンにしました（毎週月曜日 09:00）" in text
    assert "次回の投稿: 11/30(月) 09:00" in text
    await at(bot, jst(2026, 11, 30, 9, 0))
    [digest] = await wait_for_digests(connector, 1)
    # A channel with nothing going on gets one short line.
    assert card_text(digest.card or {}) == (
        "週次ダイジェスト（11/24(火)〜11/30(月)）: 今週は新しいスレッドも、IYO WORK や"
        "日程調整のお知らせもありませんでした。"
    )


async def test_a_holiday_monday_moves_the_digest_to_tuesday(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    bot.clock.set(jst(2027, 1, 6, 10, 0))
    await save_settings(bot, activities)

    await at(bot, jst(2027, 1, 11, 9, 0))  # 成人の日
    await at(bot, jst(2027, 1, 11, 18, 0))
    assert digests(connector) == []
    await at(bot, jst(2027, 1, 12, 9, 0))
    [digest] = await wait_for_digests(connector, 1)
    assert "1/4(月)〜1/12(火)" in card_text(digest.card or {})


async def test_two_weeks_due_on_the_same_day_after_the_year_end_make_one_digest(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    bot.clock.set(jst(2025, 12, 17, 10, 0))
    await save_settings(bot, activities)
    await at(bot, jst(2025, 12, 22, 9, 0))
    await wait_for_digests(connector, 1)

    await at(bot, jst(2025, 12, 29, 9, 0))  # 年末年始: moved to Monday 1/5, that week's day
    await at(bot, jst(2026, 1, 5, 9, 0))
    await at(bot, jst(2026, 1, 5, 12, 0))
    _, merged = await wait_for_digests(connector, 2)
    assert "12/22(月)〜1/5(月)" in card_text(merged.card or {})
    await at(bot, jst(2026, 1, 12, 9, 0))  # 成人の日
    await at(bot, jst(2026, 1, 13, 9, 0))
    assert len(await wait_for_digests(connector, 3)) == 3
    days = [row.due_date.isoformat() for row in await digest_rows(database_url)]
    assert days == ["2025-12-22", "2026-01-05", "2026-01-13"]


async def test_a_bot_that_was_down_at_nine_posts_when_back_and_covers_the_week(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    await save_settings(bot, activities)
    await at(bot, jst(2026, 11, 30, 9, 0))
    await wait_for_digests(connector, 1)

    # Down from Sunday until Monday evening: too late to post at 20:00.
    await at(bot, jst(2026, 12, 7, 20, 0))
    assert len(digests(connector)) == 1
    await at(bot, jst(2026, 12, 8, 7, 59))
    await at(bot, jst(2026, 12, 8, 8, 0))
    _, late = await wait_for_digests(connector, 2)
    assert "11/30(月)〜12/8(火)" in card_text(late.card or {})
    await at(bot, jst(2026, 12, 8, 9, 0))
    assert len(digests(connector)) == 2
    [_, row] = await digest_rows(database_url)
    assert row.due_date.isoformat() == "2026-12-07"  # the week's digest, posted late, once


async def test_digest_sends_a_preview_to_the_personal_chat_only(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    await a_week_in_the_channel(bot, activities)

    await bot.send(activities.channel_message("ダイジェスト", from_=HANAKO))

    preview = await personal_sent(connector, 1)
    [card] = [p.card for p in preview if p.card is not None]
    text = card_text(card or {})
    assert text.startswith("週次ダイジェスト\n11/19(木)〜11/26(木)\nプレビューです。")
    assert "今週の新着スレッド（3件）" in text
    in_channel = [p for p in connector.sent if not p.conversation_id.startswith("a:")]
    assert [p.card for p in in_channel] == [None]  # only "sent to your personal chat"
    assert "個人チャットに送りました" in (in_channel[0].text or "")
    assert await digest_rows(database_url) == []  # nothing claimed, nothing posted

    # In the personal chat: the previews of the person's channels with the digest on.
    await save_settings(bot, activities)
    answer = await bot.send(activities.personal_message("digest", from_=HANAKO))
    assert answer.status in (200, 201)
    previews = await personal_sent(connector, 2)
    assert "週次ダイジェスト" in card_text(previews[-1].card or {})


async def test_with_graph_down_the_digest_still_goes_out_without_the_thread_sections(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    await a_week_in_the_channel(bot, activities)
    await bot.send(activities.channel_message(EVENT, from_=TARO))
    await save_settings(bot, activities)
    # The last sync of the channel from Graph failed.
    async with FakeGraph() as graph:
        graph.add_channel(TEAM.aad_group_id, TEAM.general)
        graph.fail_from(1, 500)
        database = Database(database_url)
        client = graph.client()
        try:
            sync = ChannelSync(database, client, bot.clock, retention_months=24)
            report = await sync.run(TEAM.aad_group_id, TEAM.general)
        finally:
            await close_client(client)
            await database.dispose()
    assert report.error is not None

    await at(bot, jst(2026, 11, 30, 9, 0))

    [digest] = await wait_for_digests(connector, 1)
    text = card_text(digest.card or {})
    assert "今週はスレッドの項目をお休みします" in text
    assert "今週の新着スレッド" not in text and "未回答のまま" not in text
    assert "次回のIYO WORK" in text and "第3回IYO WORK" in text


async def test_post_now_posts_todays_digest_once(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    await a_week_in_the_channel(bot, activities)
    await save_settings(bot, activities)

    card = invoke_card(await bot.send(activities.invoke_action(VERB_POST_NOW, {}, from_=TARO)))
    assert "ダイジェストを投稿しました" in card_text(card)
    [digest] = await wait_for_digests(connector, 1)
    assert "11/19(木)〜11/26(木)" in card_text(digest.card or {})

    again = invoke_card(await bot.send(activities.invoke_action(VERB_POST_NOW, {}, from_=TARO)))
    assert "今日のダイジェストはこのチャネルにすでに投稿しています" in card_text(again)
    refused = await bot.send(activities.invoke_action(VERB_POST_NOW, {}, from_=HANAKO))
    assert "コーディネーター" in str(refused.body)

    # Monday's digest starts where this one ended.
    await at(bot, jst(2026, 11, 30, 9, 0))
    _, monday = await wait_for_digests(connector, 2)
    assert "11/26(木)〜11/30(月)" in card_text(monday.card or {})
    assert len(await digest_rows(database_url)) == 2


async def test_in_english_when_the_channel_is_set_so(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await a_week_in_the_channel(bot, activities)
    await save_settings(bot, activities, locale="en", sections="new_threads,unanswered")

    await at(bot, jst(2026, 11, 30, 9, 0))

    [digest] = await wait_for_digests(connector, 1, title="Weekly digest")
    text = card_text(digest.card or {})
    assert text.startswith("Weekly digest\nTue 11/24 – Mon 11/30")
    assert "New threads this week (3)" in text
    assert "Still unanswered (3+ business days)" in text
    assert "Solved (" not in text and "Trending keywords" not in text
