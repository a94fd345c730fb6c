"""Polls and events live in a team's channel: asked for the creation form in a personal or group
chat, a coordinator is told so at once, not after filling the form in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes.connector import FakeConnector, Posted
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import BOT, TARO, Activities

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])
POLL_HERE = "日程調整はチームのチャネルで作成してください。"
EVENT_HERE = "IYO WORK（イベント）はチームのチャネルで作成してください。"


def pressed_in_personal_chat(activities: Activities, data: dict[str, Any]) -> dict[str, Any]:
    """An Action.Submit button (help's 試す) pressed in the 1:1 chat."""
    body = activities.personal_message("", from_=TARO)
    body["value"] = data
    return body


async def answers(bot: RunningBot, connector: FakeConnector, activity: dict[str, Any]) -> Posted:
    before = len(connector.sent)
    await bot.send(activity)
    [posted] = (await connector.wait_for_sent(before + 1))[before:]
    return posted


async def test_the_forms_are_not_offered_outside_a_channel(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await bot.send(activities.conversation_update_bot_added())  # TARO owns the team
    await connector.wait_for_sent(1)

    for typed, expected in (("日程調整", POLL_HERE), ("イベント作成", EVENT_HERE)):
        said = await answers(bot, connector, activities.personal_message(typed, from_=TARO))
        assert (said.text, said.card) == (expected, None), typed
        pressed = pressed_in_personal_chat(activities, {"verb": "help.try", "command": typed})
        said = await answers(bot, connector, pressed)
        assert (said.text, said.card) == (expected, None), f"試す {typed}"


async def test_in_a_channel_the_form_still_opens(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    for typed in ("日程調整", "イベント作成"):
        said = await answers(bot, connector, activities.channel_message(typed, from_=TARO))
        assert said.card is not None and said.text is None, typed


def in_a_group_chat(activities: Activities, text: str) -> dict[str, Any]:
    """TARO @mentions the bot in a group chat (which belongs to no team)."""
    body = activities.personal_message(text, from_=TARO)
    body["conversation"] = {
        "conversationType": "groupChat",
        "isGroup": True,
        "tenantId": activities.tenant_id,
        "id": "19:groupchat-abc@thread.v2",
    }
    body["text"] = f"<at>IYO WORK</at> {text}"
    body["entities"].insert(
        0, {"type": "mention", "text": "<at>IYO WORK</at>", "mentioned": BOT.account()}
    )
    return body


async def test_in_a_group_chat_a_team_owner_is_told_where_to_go_not_that_they_lack_a_role(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    # Before the bot knows any team, nobody can be a coordinator in a group chat.
    said = await answers(bot, connector, in_a_group_chat(activities, "日程調整 第2回 12/10"))
    assert said.text == (
        "この操作はグループチャットではできません。チームのチャネルで、コーディネーター"
        "（チームの所有者または管理者が指定した方）が使ってください。"
    )
