"""The most requested themes for next time: answers cut into items, normalised, counted once
per person."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from core.jpcalendar import TOKYO
from dialogs.events import draft_for
from dialogs.events.store import create_event
from dialogs.feedback import requested_themes
from dialogs.feedback.model import Answer, Participation
from dialogs.feedback.store import save_feedback
from dialogs.feedback.themes import count_themes, theme_items
from storage.db import Database

NOW = datetime(2026, 12, 20, 10, 0, tzinfo=TOKYO)


def test_items_are_cut_and_normalised() -> None:
    text = "・生成ＡＩの活用\n2) RPA 導入事例。\n「ノーコード」、特になし\n\n- Power Automate！"
    assert theme_items(text) == ["生成AIの活用", "RPA 導入事例", "ノーコード", "Power Automate"]
    assert theme_items("a" * 41) == []  # a sentence, not a theme


def test_themes_are_counted_once_per_person_most_requested_first() -> None:
    answers = [
        ("hanako", "生成AI\n生成ＡＩ"),
        ("jiro", "RPA、生成ai"),
        ("saburo", "rpa"),
        ("shiro", "ノーコード"),
        ("goro", "生成 AI"),
    ]

    assert count_themes(answers) == [("生成AI", 3), ("RPA", 2), ("ノーコード", 1)]
    assert count_themes(answers, limit=1) == [("生成AI", 3)]


async def test_requested_themes_since_a_moment(database: Database) -> None:
    async with database.transaction() as session:
        event = await create_event(
            session,
            draft_for("第2回IYO WORK", date(2026, 12, 15), zone=TOKYO),
            conversation_id="19:x@thread.tacv2",
            thread_outbox_id=None,
            poll_id=None,
            creator_key="taro",
            locale="ja",
            now=NOW - timedelta(days=30),
        )
        for key, themes, when in (
            ("hanako", "生成AI、RPA", NOW - timedelta(days=10)),  # before `since`
            ("jiro", "生成AI", NOW - timedelta(days=3)),
            ("saburo", "ノーコード\n生成ＡＩ", NOW - timedelta(days=2)),
            ("shiro", "", NOW - timedelta(days=1)),
        ):
            await save_feedback(
                session,
                event.id,
                person_key=key,
                name=key,
                municipality=None,
                department="",
                participation=Participation.ONSITE,
                answer=Answer(rating=4, next_themes=themes, anonymous=key == "saburo"),
                now=when,
            )

    async with database.transaction() as session:
        found = await requested_themes(session, NOW - timedelta(days=7))

    assert found == [("生成AI", 2), ("ノーコード", 1)]
