"""The digest's card: people's words stay literal, it stays under Teams' size limit however busy
the week, its marker rides along unseen, and the settings card reads back only what it offers."""

from __future__ import annotations

import json
from typing import Any

from cards.digest import (
    MAX_CARD_BYTES,
    Button,
    DigestView,
    Line,
    SectionView,
    card_size,
    digest_card,
    quiet_week_card,
)
from dialogs.digest.handlers import read_settings
from dialogs.digest.markdown import digest_markdown
from dialogs.digest.settings import DigestSettings, Section
from tests.app.test_first_contact import card_text
from tests.digest.community import settings_inputs

SNEAKY = "**太字** [罠](https://evil.example/) <at>松山 太郎</at>"
LONG_QUESTION = "ファイルサーバーのアクセス権を部署ごとに見直したいのですが、" * 2


def text_blocks(card: dict[str, Any]) -> list[str]:
    """What TextBlocks say (Teams reads them as markdown)."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


def busy_week(lines_per_section: int) -> DigestView:
    def line(n: int) -> Line:
        return Line(
            f"{n}. {LONG_QUESTION}",
            url=f"https://teams.microsoft.com/l/message/19%3Aabc%40thread.tacv2/{n}"
            "?groupId=0a1b2c3d-aaaa-4bbb-8ccc-000000000001&parentMessageId=1",
            badge="未回答",
            detail="今治市 今治 花子・返信 12件",
            hint_label="以前のこのスレッドが参考になるかも:",
            hint=Line(LONG_QUESTION, url="https://teams.microsoft.com/l/message/x/2"),
        )

    keywords = "・".join(["キーワード"] * 8)
    sections = tuple(
        SectionView(f"項目{s}", tuple(line(n) for n in range(lines_per_section)), keywords)
        for s in range(7)
    )
    return DigestView("週次ダイジェスト", "11/23(月)〜11/30(月)", sections, footer="設定…",
                      marker="iyowork-digest:0123456789abcdef")  # fmt: skip


def test_what_people_wrote_is_shown_literally() -> None:
    view = DigestView(
        "週次ダイジェスト",
        "11/23(月)〜11/30(月)",
        (
            SectionView(
                "今週の新着スレッド（1件）",
                (Line(SNEAKY, url="https://teams.microsoft.com/l/message/x/1", badge="未回答"),),
                summary=SNEAKY,
                buttons=(Button("参加登録", verb="event.view", data={"event_id": 1}),),
            ),
        ),
    )
    card = digest_card(view)
    assert SNEAKY in card_text(card)
    assert all(SNEAKY not in block for block in text_blocks(card))


def test_a_busy_week_stays_under_the_size_limit() -> None:
    typical = digest_card(busy_week(5))
    assert card_size(typical) < MAX_CARD_BYTES
    huge = digest_card(busy_week(60))
    assert card_size(huge) <= MAX_CARD_BYTES
    assert "59. " not in card_text(huge) and "0. " in card_text(huge)  # the first lines stay


def test_the_marker_is_carried_but_not_shown() -> None:
    card = digest_card(busy_week(1))
    assert "iyowork-digest:0123456789abcdef" in card["fallbackText"]
    assert "iyowork-digest" not in card_text(card)
    assert "iyowork-digest" in json.dumps(card)


def test_a_quiet_week_is_one_short_line() -> None:
    card = quiet_week_card("週次ダイジェスト（11/23(月)〜11/30(月)）: 今週は…", "iyowork-digest:1")
    assert len(card["body"]) == 1 and "actions" not in card
    assert card["fallbackText"].endswith("[iyowork-digest:1]")


def test_the_markdown_preview_escapes_what_people_wrote() -> None:
    markdown = digest_markdown(busy_week(1))
    assert markdown.startswith("# 週次ダイジェスト\n\n11/23(月)〜11/30(月)\n")
    assert "- **未回答** [0. ファイルサーバー" in markdown
    sneaky = digest_markdown(DigestView("t", "p", (SectionView("s", (Line(SNEAKY),)),)))
    assert "\\*\\*太字\\*\\* \\[罠\\]" in sneaky


def test_the_settings_card_reads_back_only_what_it_offers() -> None:
    current = DigestSettings("19:x@thread.tacv2")
    chosen = read_settings(
        settings_inputs(weekday="4", time="17:30", locale="en", sections="event,polls", days="5"),
        current,
    )
    assert chosen is not None
    assert (chosen.enabled, chosen.weekday, chosen.post_time.isoformat()) == (True, 4, "17:30:00")
    assert chosen.locale == "en" and chosen.unanswered_days == 5
    assert chosen.sections == (Section.EVENT, Section.POLLS)
    for forged in (
        settings_inputs(weekday="5"),  # Saturday is not offered
        settings_inputs(time="03:00"),
        settings_inputs(time="09:15"),
        settings_inputs(locale="fr"),
        settings_inputs(sections="new_threads,secrets"),
        settings_inputs(days="99"),
        settings_inputs(weekday="月"),
    ):
        assert read_settings(forged, current) is None, forged
