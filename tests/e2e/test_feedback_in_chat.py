"""After an IYO WORK day has ended, a participant writes 感想 in her personal chat with the bot,
fills in the impressions card and sends it; the card confirms, keeps what she chose, and
感想まとめ counts her answer."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import BotClock
from tests.e2e.playground import (
    Playground,
    card_text,
    choose_expanded_on_card,
    choose_in_group_on_card,
    screenshot_card,
    tick_on_card,
    type_on_card,
)
from tools.localstack import ROOT

pytestmark = pytest.mark.e2e

JST = ZoneInfo("Asia/Tokyo")
TITLE = "第1回IYO WORK"
GOOD = "隣の席で、他の市町の仕事の進め方を見られて刺激になりました。"
# How the answered card looks, kept for a human to check (build/ is git-ignored).
SCREENSHOT = ROOT / "build" / "e2e" / "feedback-in-chat.png"


def an_hour_starting_soon(now: datetime) -> tuple[datetime, datetime]:
    """An hour that starts two minutes from `now` (an event cannot start in the past), or
    09:00–10:00 tomorrow when that hour would run past midnight."""
    start = now.replace(second=0, microsecond=0) + timedelta(minutes=2)
    if (start + timedelta(hours=1)).date() != start.date():
        start = datetime.combine(start.date() + timedelta(days=1), time(9), JST)
    return start, start + timedelta(hours=1)


def test_after_the_day_she_sends_her_impressions_from_the_card_in_her_personal_chat(
    playground: Playground, e2e_clock: BotClock
) -> None:
    # 村上さん (a coordinator) creates a one-hour IYO WORK day in 情シス相談.
    start, end = an_hour_starting_soon(e2e_clock.now().astimezone(JST))
    channel = playground.open_channel("情シス相談")
    thread = channel.post(
        f"イベント作成 {TITLE} {start.month}/{start.day} {start:%H:%M}-{end:%H:%M} 会場:松前町役場"
    )
    assert TITLE in thread.wait_for_bot_text(TITLE)

    # The day is over (the bot's clock moves past its end).
    e2e_clock.advance_to(end + timedelta(minutes=1))

    # In her personal chat with the bot she writes 感想: the impressions card of that day.
    chat = playground.open_personal_chat()
    card = chat.ask("感想", expect_text="IYO WORK の感想")
    shown = card_text(card)
    assert TITLE in shown and f"{start:%H:%M}" in shown and "回答の締切" in shown

    # 満足度 4, what was good, one 課題, and はい to また参加したい; then 送信する.
    choose_expanded_on_card(card, "4 良かった")
    type_on_card(card, "良かった点", GOOD)
    tick_on_card(card, "ネットワーク")
    choose_in_group_on_card(card, "また参加したいですか", "はい")
    chat.press(card, "送信する")

    # The card thanks her and still shows what she sent (she may change it until the deadline).
    chat.wait_for_card_update(card, "感想を受け付けました。ありがとうございました。")
    expect(card.get_by_role("radio", name="4 良かった", exact=True)).to_be_checked()
    expect(card.get_by_role("textbox", name="良かった点")).to_have_value(GOOD)
    expect(card.get_by_role("checkbox", name="ネットワーク")).to_be_checked()
    again = card.get_by_role("radiogroup", name="また参加したいですか")
    expect(again.get_by_role("radio", name="はい", exact=True)).to_be_checked()
    expect(card.get_by_role("checkbox", name="匿名で回答する")).not_to_be_checked()
    screenshot_card(card, SCREENSHOT)

    # 感想まとめ counts her answer (numbers and comments wait for three answers).
    summary = chat.ask("感想まとめ", expect_text="IYO WORK 感想まとめ")
    assert "回答 1名" in card_text(summary)
