"""ヘルプ shows each person what they can use: someone who is not a coordinator gets no 試す
button that would only answer 「コーディネーターだけ」; the coordinators' commands are named
for them in one line. A coordinator gets every command with its button."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.test_first_contact import card_text
from tests.fakes.connector import FakeConnector
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import HANAKO, TARO, Activities, TeamsUser

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])
FOR_COORDINATORS = (
    "コーディネーター（チームの所有者または管理者が指定した方）向け: 日程調整、"
    "日程調整 エクスポート、日程決定、イベント作成、参加者 エクスポート、感想レポート、設定"
)


def tried(card: dict[str, Any]) -> list[str]:
    """The commands the card's 試す buttons would run."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and data.get("verb") == "help.try":
                found.append(str(data["command"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


async def help_for(
    bot: RunningBot, activities: Activities, connector: FakeConnector, who: TeamsUser
) -> dict[str, Any]:
    before = len(connector.sent)
    await bot.send(activities.channel_message("ヘルプ", from_=who))
    [posted] = (await connector.wait_for_sent(before + 1))[before:]
    assert posted.card is not None
    return posted.card


async def test_staff_see_only_buttons_they_can_use(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    card = await help_for(bot, activities, connector, HANAKO)

    buttons = tried(card)
    assert "ヘルプ" in buttons and "参加登録" in buttons and "私のデータ" in buttons
    assert not any(
        command.startswith(("日程調整", "日程決定", "イベント作成")) for command in buttons
    )
    assert len(buttons) == 11  # 18 commands, 7 of them the coordinators'
    text = card_text(card)
    assert FOR_COORDINATORS in text
    assert "（コーディネーター）" not in text
    # Every button still answers something other than a refusal.
    for command in buttons:
        before = len(connector.sent)
        pressed = activities.submit_action({"verb": "help.try", "command": command}, from_=HANAKO)
        await bot.send(pressed)
        said = (await connector.wait_for_sent(before + 1))[before:]
        assert all("コーディネーター" not in (p.text or "") for p in said), command


async def test_coordinators_see_every_command_with_its_button(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    card = await help_for(bot, activities, connector, TARO)

    assert len(tried(card)) == 18
    assert any(command.startswith("日程調整") for command in tried(card))
    assert "（コーディネーター）" in card_text(card)
    assert "向け:" not in card_text(card)
