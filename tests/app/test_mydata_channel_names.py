"""私のデータ names the channels it holds copies of as people know them, never by their ids:
Teams names the team only when the bot is installed, and never names the General channel."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from storage.db import Database
from storage.models import ChannelMessageRow
from tests.app.test_feedback import sent_matching
from tests.app.test_first_contact import card_text
from tests.app.test_mydata import is_her_data
from tests.fakes.connector import FakeConnector
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import HANAKO, TEAM, Activities

SURVEY_CHANNEL = TEAM.channels[0][0]
ELSEWHERE = "19:somewhere-else0001@thread.tacv2"


async def test_channels_are_named_by_team_and_general_never_by_id(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    await bot.send(activities.conversation_update_bot_added())  # in General, with the team
    await connector.wait_for_sent(1)
    for text, channel in (
        ("おはようございます", None),
        ("資料です", None),
        ("質問", SURVEY_CHANNEL),
    ):
        mine = activities.channel_message(text, mention_bot=False, from_=HANAKO, channel=channel)
        await bot.send(mine)
    # A copy from a channel of a team the bot knows nothing about (kept from before).
    async with database.transaction() as session:
        at = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
        session.add(
            ChannelMessageRow(
                team_aad_group_id="0a1b2c3d-aaaa-4bbb-8ccc-00000000dead",
                channel_id=ELSEWHERE,
                message_id="1716000009999",
                root_id="1716000009999",
                author_name=HANAKO.name,
                author_aad_id=HANAKO.aad_object_id,
                text="昔の投稿",
                created_at=at,
                modified_at=at,
                stored_at=at,
                source="live",
            )
        )

    await bot.send(activities.personal_message("私のデータ", from_=HANAKO))
    [card] = await sent_matching(connector, is_her_data, 1)

    text = card_text(card.card or {})
    assert "愛媛県 情報システム担当者（一般）: 2件" in text
    assert "愛媛県 情報システム担当者 / 名前のわからないチャネル: 1件" in text
    assert "名前のわからないチャネル: 1件" in text
    assert not any(channel in text for channel in (TEAM.id, SURVEY_CHANNEL, ELSEWHERE))
