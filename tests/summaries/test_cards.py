"""The summary card: people's words only in TextRuns, and never over Teams' size limit however
long the threads are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cards.summaries import MAX_CARD_BYTES, card_size
from core.i18n import Catalog
from dialogs.summaries.model import ThreadStatus, ThreadSynopsis
from dialogs.summaries.periods import parse_period
from dialogs.summaries.views import PAGE_SIZE, summary_card

NOW = datetime(2026, 12, 10, 1, 0, tzinfo=UTC)
T = Catalog.load().translator("ja")


def synopsis(n: int, text: str) -> ThreadSynopsis:
    return ThreadSynopsis(
        channel_id="19:c@thread.tacv2",
        root_id=f"{n:013d}",
        web_url=f"https://teams.microsoft.com/l/message/19%3Ac/{n:013d}?groupId=g&x=" + "y" * 1500,
        question=text[:80],
        key_answer=text[:100],
        status=ThreadStatus.ANSWERED,
        reply_count=3,
        created_at=NOW - timedelta(hours=n),
        last_activity_at=NOW - timedelta(hours=n),
        asker_name="名" * 200,
        asker_municipality="imabari",
        participants=("a", "b"),
        keywords=("k",),
    )


def test_a_page_stays_under_the_limit_and_the_rest_is_one_more_press_away() -> None:
    synopses = [synopsis(n, "長" * 500) for n in range(40)]
    period = parse_period("30日", NOW, UTC)
    card = summary_card(T, synopses, period, UTC, offset=0)
    assert card_size(card) <= MAX_CARD_BYTES
    shown = sum(1 for block in card["body"] if block.get("type") == "Container")
    assert 1 <= shown <= PAGE_SIZE
    [more] = card["actions"]
    assert more["data"]["offset"] == shown


def test_peoples_words_are_text_runs_never_markdown() -> None:
    tricky = "[クリック](https://evil.example) **太字** <at>全員</at>"
    card = summary_card(T, [synopsis(1, tricky)], parse_period("", NOW, UTC), UTC, offset=0)
    for block in card["body"]:
        if block.get("type") == "TextBlock":
            assert "evil" not in block["text"]
    runs = [
        inline["text"]
        for block in card["body"]
        if block.get("type") == "Container"
        for item in block["items"]
        if item.get("type") == "RichTextBlock"
        for inline in item["inlines"]
    ]
    assert tricky in runs
