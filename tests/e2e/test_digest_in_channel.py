"""A coordinator opens the channel's digest settings with 設定 and presses 今すぐ投稿: the weekly
digest appears as a new post in the channel, with the poll she opened just before and a link
to it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.jpcalendar import next_business_day
from tests.e2e.playground import Playground, card_text, screenshot_card
from tools.localstack import ROOT

pytestmark = pytest.mark.e2e

JST = ZoneInfo("Asia/Tokyo")
# How the digest looks, kept for a human to check (build/ is git-ignored).
SCREENSHOT = ROOT / "build" / "e2e" / "digest-in-channel.png"
# Only the digest says how to change it (the settings card's title also names the digest).
DIGEST_FOOTER = "と送ると変えられます"


def a_business_day_next_month(today: date) -> date:
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return next_business_day(date(year, month, 12), include_today=True)


def test_a_coordinator_posts_the_digest_now_and_it_appears_as_a_new_post(
    playground: Playground,
) -> None:
    day = a_business_day_next_month(datetime.now(JST).date())
    title = f"ダイジェスト確認{uuid.uuid4().hex[:4]}"
    channel = playground.open_channel("情シス相談")
    poll = channel.post(f"日程調整 {title} {day.month}/{day.day}")
    assert title in poll.wait_for_bot_text(title)
    # The poll's card is a post of its own; let it land before starting the next post (once,
    # under load, the reply to 設定 never showed when it was posted while this one arrived).
    channel.thread_with_card(title)

    # 設定 opens the channel's settings card; 今すぐ投稿 posts today's digest.
    settings = channel.post("設定")
    card = settings.wait_for_bot_card(containing="週次ダイジェストの設定")
    assert "今すぐ投稿" in card_text(card)
    settings.press(card, "今すぐ投稿")
    settings.wait_for_card_update(card, "ダイジェストを投稿しました")

    # The digest is a thread of its own in the channel.
    digest = channel.thread_with_card(DIGEST_FOOTER).first_card()
    text = card_text(digest)
    assert text.startswith("週次ダイジェスト")
    assert "受付中の日程調整" in text and title in text
    assert "回答 0件" in text
    screenshot_card(digest, SCREENSHOT)
