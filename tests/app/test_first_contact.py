"""A new user's first minutes: the bot joins the team, someone asks for help, taps an example."""

from __future__ import annotations

import pytest

from tests.fakes.connector import FakeConnector
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import HANAKO, TEAM, Activities

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


def card_text(card: dict[str, object]) -> str:
    """Everything a person can read on a card, in order."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key in ("text", "title"):
                if isinstance(node.get(key), str):
                    found.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return "\n".join(found)


async def test_help_in_a_channel_lists_what_the_bot_can_do(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    answer = await bot.send(activities.channel_message("ヘルプ", from_=HANAKO))

    assert answer.status in (200, 201)
    [posted] = await connector.wait_for_sent(1)
    assert posted.card is not None
    text = card_text(posted.card)
    assert "IYO WORK bot でできること" in text
    assert "試す" in text


async def test_help_in_english_for_an_english_client(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await bot.send(activities.channel_message("help", locale="en-US"))

    [posted] = await connector.wait_for_sent(1)
    assert posted.card is not None
    assert "What IYO WORK bot can do" in card_text(posted.card)


async def test_an_example_button_answers_as_if_typed(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await bot.send(activities.submit_action({"verb": "help.try", "command": "ヘルプ"}))

    [posted] = await connector.wait_for_sent(1)
    assert posted.card is not None
    assert "IYO WORK bot でできること" in card_text(posted.card)


async def test_unknown_words_get_a_hint_towards_help(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await bot.send(activities.channel_message("おはようございます"))

    [posted] = await connector.wait_for_sent(1)
    assert posted.text is not None
    assert "おはようございます" in posted.text
    assert "ヘルプ" in posted.text


async def test_channel_chatter_without_a_mention_is_not_answered(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    answer = await bot.send(activities.channel_message("ヘルプ", mention_bot=False))

    assert answer.status in (200, 201)
    assert connector.sent == []


async def test_a_redelivered_message_is_answered_once(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    message = activities.channel_message("ヘルプ")
    for _ in range(3):
        await bot.send(message)

    await connector.wait_for_sent(1)
    assert len(connector.sent) == 1


async def test_joining_a_team_greets_once_and_states_the_purpose(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    # Teams sends both events on install; the Playground resends them on every page load.
    await bot.send(activities.installation_update("add"))
    await bot.send(activities.conversation_update_bot_added())
    await bot.send(activities.installation_update("add"))

    [greeting] = await connector.wait_for_sent(1)
    assert greeting.card is not None
    text = card_text(greeting.card)
    assert "利用目的" in text
    assert greeting.conversation_id.startswith(TEAM.id)
    assert len(connector.sent) == 1


async def test_health_and_readiness(bot: RunningBot) -> None:
    assert (await bot.get("/healthz")).status == 200
    assert (await bot.get("/readyz")).status == 200
