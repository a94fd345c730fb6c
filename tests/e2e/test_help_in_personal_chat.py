"""In her personal chat with the bot, a staff member types a command without any @mention."""

from __future__ import annotations

import pytest

from tests.e2e.playground import Playground, card_text

pytestmark = pytest.mark.e2e

HELP_TITLE = "IYO WORK bot でできること"


def test_help_in_the_personal_chat_needs_no_mention(playground: Playground) -> None:
    chat = playground.open_personal_chat()

    card = chat.ask("ヘルプ", expect_text=HELP_TITLE)

    assert card_text(card).startswith(HELP_TITLE)
    assert "@メンション" in card_text(card)  # the card explains how to call it in a channel
