"""A coordinator creates an IYO WORK day in the channel with one line, registers for it on
site from the event card, and the card everyone sees counts her seat."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from core.jpcalendar import format_date, next_business_day
from tests.e2e.playground import (
    CURRENT_USER,
    Playground,
    card_buttons,
    card_text,
    choose_expanded_on_card,
    choose_on_card,
)
from tools.localstack import ROOT

pytestmark = pytest.mark.e2e

JST = ZoneInfo("Asia/Tokyo")
TITLE = "第3回IYO WORK"
# How the registration form and the counted card look, kept for a human to check (build/ is
# git-ignored).
FORM_SCREENSHOT = ROOT / "build" / "e2e" / "register-form.png"
SCREENSHOT = ROOT / "build" / "e2e" / "register-in-channel.png"
# The event card is edited through the outbox: at most once every 2 s per card, plus a tick.
SHARED_CARD_MS = 20_000  # the outbox spaces edits of one card; a loaded CI machine is slow


def a_business_day_next_month(today: date) -> date:
    """A business day around the 20th of next month (the bot runs on the real clock)."""
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return next_business_day(date(year, month, 20), include_today=True)


def test_a_coordinator_creates_a_day_registers_on_site_and_the_card_counts_her_seat(
    playground: Playground,
) -> None:
    day = a_business_day_next_month(datetime.now(JST).date())

    # 村上さん (a coordinator) writes the one line in 情シス相談, @mentioning the bot.
    channel = playground.open_channel("情シス相談")
    thread = channel.post(
        f"イベント作成 {TITLE} {day.month}/{day.day} 10:00-16:00 会場:八幡浜市役所 定員:8"
    )

    # The bot confirms in her thread and posts the day's card as a thread of its own.
    assert TITLE in thread.wait_for_bot_text(TITLE)
    event = channel.thread_with_card(TITLE)
    card = event.first_card()
    text = card_text(card)
    assert text.startswith(TITLE)
    assert format_date(day, "ja") in text and "10:00" in text and "八幡浜市役所" in text
    assert "現地 0/8名" in text
    assert "参加登録" in card_buttons(card)

    # She presses 参加登録: the card turns into her own registration form.
    event.press(card, "参加登録")
    event.wait_for_card_update(card, "登録する")
    choose_expanded_on_card(card, "現地")
    choose_on_card(card, "愛媛県庁")
    FORM_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    event.root.screenshot(path=str(FORM_SCREENSHOT))
    event.press(card, "登録する")

    # Her answer comes back first; then the card everyone sees is edited in place (through
    # the outbox), which replaces her view as well: one seat of eight is taken, by her.
    event.wait_for_card_update(card, "現地 1/8名", timeout_ms=SHARED_CARD_MS)
    expect(card).not_to_contain_text("登録する", timeout=SHARED_CARD_MS)
    shown = card_text(card)
    assert "現地 1/8名 オンライン 0名 キャンセル待ち 0名" in shown
    assert f"愛媛県庁（1）：{CURRENT_USER}" in shown
    event.root.screenshot(path=str(SCREENSHOT))
