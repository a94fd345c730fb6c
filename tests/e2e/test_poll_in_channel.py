"""A coordinator opens a 日程調整 in the channel with one line, answers it from the card, and
the card everyone sees counts her answer."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from core.jpcalendar import format_date, next_business_day
from tests.e2e.playground import Playground, card_text, choose_on_card
from tools.localstack import ROOT

pytestmark = pytest.mark.e2e

JST = ZoneInfo("Asia/Tokyo")
TITLE = "第2回IYO WORK"
# How the answered card looks, kept for a human to check (build/ is git-ignored).
SCREENSHOT = ROOT / "build" / "e2e" / "poll-in-channel.png"
# The shared card is edited through the outbox: at most once every 2 s per card, plus a tick.
SHARED_CARD_MS = 20_000  # the outbox spaces edits of one card; a loaded CI machine is slow


def next_month_candidates(today: date) -> tuple[date, date]:
    """Business days around the 10th and the 15th of next month (the bot runs on the real
    clock, so the dates must lie ahead of whenever the test runs)."""
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return (
        next_business_day(date(year, month, 10), include_today=True),
        next_business_day(date(year, month, 15), include_today=True),
    )


def test_a_coordinator_opens_a_poll_and_the_shared_card_counts_her_answer(
    playground: Playground,
) -> None:
    first, second = next_month_candidates(datetime.now(JST).date())
    typed = " ".join(f"{d.month}/{d.day}" for d in (first, second))

    # 村上さん (a coordinator) writes the one line in 情シス相談, @mentioning the bot.
    channel = playground.open_channel("情シス相談")
    thread = channel.post(f"日程調整 {TITLE} {typed}")

    # The bot confirms in her thread and posts the poll as a thread of its own.
    assert TITLE in thread.wait_for_bot_text(TITLE)
    poll = channel.thread_with_card(TITLE)
    card = poll.first_card()
    text = card_text(card)
    assert text.startswith(TITLE)
    assert format_date(first, "ja") in text and format_date(second, "ja") in text
    assert "回答 0名" in text

    # She picks ○ 現地 for the first date and presses 回答する.
    choose_on_card(card, "○ 現地")
    poll.press(card, "回答する")

    # Her own view comes back first; then the card everyone sees is edited in place
    # (through the outbox, coalesced), which replaces her view as well.
    poll.wait_for_card_update(card, "回答 1名", timeout_ms=SHARED_CARD_MS)
    expect(card).not_to_contain_text("回答を保存しました", timeout=SHARED_CARD_MS)
    shown = " ".join(card_text(card).split())
    assert "○現地 1 ○オンライン 0 △ 0 × 0" in shown
    assert "○現地: 村上 結衣" in shown
    assert "回答 1名" in shown
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    poll.root.screenshot(path=str(SCREENSHOT))
