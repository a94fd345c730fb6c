"""A coordinator asks the bot for help in the channel and tries one of its examples."""

from __future__ import annotations

import pytest

from tests.e2e.playground import Playground, card_buttons, card_text

pytestmark = pytest.mark.e2e

HELP_TITLE = "IYO WORK bot でできること"
TRY = "試す"


def test_help_card_in_the_channel_and_its_example_button(playground: Playground) -> None:
    # 村上さん opens 情シス相談 and asks the bot, with an @mention, what it can do.
    channel = playground.open_channel("情シス相談")
    thread = channel.post("ヘルプ")

    # The bot answers in her thread with the help card: commands, each with a try button.
    card = thread.wait_for_bot_card(containing=HELP_TITLE)
    text = card_text(card)
    assert text.startswith(HELP_TITLE)
    assert "ヘルプ" in text
    assert TRY in card_buttons(card)

    # She presses the example button of ヘルプ: the bot answers as if she had typed it.
    thread.press(card, TRY)
    answer = thread.wait_for_bot_card(containing=HELP_TITLE)
    assert card_text(answer).startswith(HELP_TITLE)
    assert thread.bot_messages().count() == 2
