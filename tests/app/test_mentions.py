"""How the bot reads who a message is addressed to: @mentions of the bot go, other people's
become their names, and the bot's name typed as text in a personal chat is not a command."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.test_first_contact import card_text
from tests.fakes.connector import FakeConnector, Posted
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import BOT, HANAKO, TARO, Activities, TeamsUser

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])
HELP = "IYO WORK bot でできること"


def mentioning(
    activities: Activities, text: str, *tags: tuple[str, dict[str, Any]], from_: TeamsUser = TARO
) -> dict[str, Any]:
    """A channel post whose text is `text` as Teams sends it, with one mention entity per tag."""
    body = activities.channel_message("", mention_bot=False, from_=from_)
    body["text"] = text
    mentions = [{"type": "mention", "text": tag, "mentioned": who} for tag, who in tags]
    body["entities"] = mentions + body["entities"]
    return body


async def answer_to(bot: RunningBot, connector: FakeConnector, activity: dict[str, Any]) -> Posted:
    before = len(connector.sent)
    await bot.send(activity)
    [posted] = (await connector.wait_for_sent(before + 1))[before:]
    return posted


def shows_help(posted: Posted) -> bool:
    return posted.card is not None and HELP in card_text(posted.card)


async def test_someone_else_mentioned_before_the_bot_is_not_part_of_the_command(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    text = "<at>今治 花子</at> さん、<at>IYO WORK</at> ヘルプ"
    activity = mentioning(
        activities,
        text,
        ("<at>今治 花子</at>", HANAKO.account()),
        ("<at>IYO WORK</at>", BOT.account()),
    )
    assert shows_help(await answer_to(bot, connector, activity))


async def test_a_mention_split_into_words_is_still_the_bot(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    text = "<at>IYO</at> <at>WORK</at> ヘルプ"
    activity = mentioning(
        activities, text, ("<at>IYO</at>", BOT.account()), ("<at>WORK</at>", BOT.account())
    )
    assert shows_help(await answer_to(bot, connector, activity))


async def test_an_unknown_command_quotes_plain_words_not_markup(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    text = "<at>IYO WORK</at> こんにちは <at>今治 花子</at> さんと話しています"
    activity = mentioning(
        activities,
        text,
        ("<at>IYO WORK</at>", BOT.account()),
        ("<at>今治 花子</at>", HANAKO.account()),
    )
    posted = await answer_to(bot, connector, activity)

    assert posted.text == (
        "「こんにちは 今治 花子 さんと話しています」はわかりませんでした。"
        "「ヘルプ」と送ると、できることの一覧を表示します。"
    )


async def test_a_bare_mention_is_answered_with_the_way_to_help(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    posted = await answer_to(bot, connector, activities.channel_message(""))

    assert posted.text == "IYO WORK bot です。「ヘルプ」と送ると、できることの一覧を表示します。"


async def test_the_bots_name_typed_in_a_personal_chat_is_not_part_of_the_command(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    for typed in ("@IYO WORK ヘルプ", "＠ＩＹＯＷＯＲＫ　ヘルプ", "@iyowork help"):
        posted = await answer_to(bot, connector, activities.personal_message(typed, from_=HANAKO))
        assert shows_help(posted), typed

    alone = await answer_to(bot, connector, activities.personal_message("@IYO WORK"))
    assert alone.text == "IYO WORK bot です。「ヘルプ」と送ると、できることの一覧を表示します。"
    # A word that merely starts like the name is still quoted back as typed.
    other = await answer_to(bot, connector, activities.personal_message("@IYO WORKS ヘルプ"))
    assert other.text is not None and other.text.startswith("「@IYO WORKS ヘルプ」は")


async def test_a_title_naming_someone_by_mention_keeps_their_name(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    text = "<at>IYO WORK</at> 日程調整 <at>今治 花子</at>さんと打合せ 12/10 12/11"
    activity = mentioning(
        activities,
        text,
        ("<at>IYO WORK</at>", BOT.account()),
        ("<at>今治 花子</at>", HANAKO.account()),
    )
    await bot.send(activity)
    sent = await connector.wait_for_sent(2)

    [post] = [p for p in sent if p.card is not None]
    shown = card_text(post.card or {})
    assert "今治 花子さんと打合せ" in shown
    assert "at＞" not in shown and "<at>" not in shown
