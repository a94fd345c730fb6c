"""What the digest gathers besides threads: the impressions of the latest IYO WORK day (how many
answered of those who came, the average, the most wished-for themes, nothing that could point at
someone below three answers), the next day of the team, and nothing of another team."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from core.i18n import Translator, default_catalog
from dialogs.attendance.model import Choice, Mode
from dialogs.attendance.store import register
from dialogs.digest.content import gather
from dialogs.digest.settings import DigestSettings, Section, with_sections
from dialogs.digest.views import digest_view
from dialogs.events.model import draft_for
from dialogs.events.store import create_event
from dialogs.feedback.model import Answer, Participation
from dialogs.feedback.store import save_feedback
from storage.db import Database
from storage.repositories.conversations import upsert_conversation

JST = ZoneInfo("Asia/Tokyo")
GENERAL = "19:ehime-it-staff0001@thread.tacv2"
OTHER_TEAM = "19:other-team0001@thread.tacv2"
NOW = dt.datetime(2026, 12, 21, 9, 0, tzinfo=JST)
JA = default_catalog().translator("ja")
ONLY = (Section.EVENT, Section.FEEDBACK)


async def channel(database: Database, conversation_id: str, team: str) -> None:
    async with database.transaction() as session:
        await upsert_conversation(
            session, conversation_id=conversation_id, kind="channel",
            service_url="https://smba.example/", tenant_id="t", team_id=team,
            team_aad_group_id=f"group-{team}", channel_id=conversation_id, team_name=None,
            channel_name=None, bot_id=None, bot_name=None, now=NOW,
        )  # fmt: skip


async def event(database: Database, conversation_id: str, title: str, day: dt.date) -> int:
    async with database.transaction() as session:
        created = await create_event(
            session,
            draft_for(title, day, venue="松前町役場", capacity=10, zone=JST),
            conversation_id=conversation_id, thread_outbox_id=None, poll_id=None,
            creator_key="aad-taro", locale="ja", now=NOW - dt.timedelta(days=30),
        )  # fmt: skip
        return created.id


async def came_and_answered(
    database: Database, event_id: int, people: int, themes: list[str], rating: int = 4
) -> None:
    async with database.transaction() as session:
        for n in range(people):
            key = f"aad-{n}"
            await register(
                session, event_id, person_key=key, name=f"職員{n}",
                choice=Choice(Mode.ONSITE, municipality="iyo"), now=NOW - dt.timedelta(days=20),
            )  # fmt: skip
            if n < len(themes):
                await save_feedback(
                    session, event_id, person_key=key, name=f"職員{n}", municipality="iyo",
                    department="", participation=Participation.ONSITE,
                    answer=Answer(rating=rating, next_themes=themes[n]),
                    now=NOW - dt.timedelta(days=5),
                )  # fmt: skip


async def shown(database: Database, t: Translator = JA) -> str:
    settings = with_sections(DigestSettings(GENERAL, enabled=True), ONLY)
    async with database.transaction() as session:
        content = await gather(
            session, settings, period_start=NOW - dt.timedelta(days=7), period_end=NOW, zone=JST
        )
    view = digest_view(content, t, JST)
    return "\n".join(
        "\n".join(
            filter(None, (s.title, s.summary, *(f"{i.text} {i.detail}" for i in s.lines), s.after))
        )
        for s in view.sections
    )


async def test_the_latest_days_impressions_and_the_next_day_of_the_team(database: Database) -> None:
    await channel(database, GENERAL, "team-ehime")
    await channel(database, OTHER_TEAM, "team-other")
    past = await event(database, GENERAL, "第2回IYO WORK", dt.date(2026, 12, 15))
    await event(database, GENERAL, "第3回IYO WORK", dt.date(2027, 1, 20))
    await event(database, OTHER_TEAM, "よそのチームの会", dt.date(2027, 1, 6))
    await came_and_answered(
        database, past, 8, ["RPA\nマクロ", "・RPA", "生成AIの使い方", "rpa", "特になし"]
    )

    text = await shown(database)

    assert "感想の回答状況" in text
    assert "第2回IYO WORK（12/15(火)）" in text
    assert "回答 5名（参加登録者 8名のうち 5名、回答率 63%）・満足度の平均 4.0" in text
    assert "次回やってみたいこと: RPA（3）・マクロ（1）・生成AIの使い方（1）" in text
    # The themes are about the day named above them.
    assert text.index("第2回IYO WORK（12/15(火)）") < text.index("次回やってみたいこと")
    assert "次回のIYO WORK" in text and "第3回IYO WORK" in text
    assert "よそのチームの会" not in text


async def test_in_english_the_day_is_in_ascii_parentheses_above_its_themes(
    database: Database,
) -> None:
    await channel(database, GENERAL, "team-ehime")
    past = await event(database, GENERAL, "第2回IYO WORK", dt.date(2026, 12, 15))
    await came_and_answered(database, past, 8, ["RPA", "RPA", "マクロ"])

    text = await shown(database, default_catalog().translator("en"))

    assert "第2回IYO WORK (Tue 12/15)" in text and "（" not in text
    assert text.index("第2回IYO WORK (Tue 12/15)") < text.index("Wished for next time: RPA (2)")


async def test_fewer_than_three_answers_show_no_themes(database: Database) -> None:
    await channel(database, GENERAL, "team-ehime")
    past = await event(database, GENERAL, "第2回IYO WORK", dt.date(2026, 12, 15))
    await came_and_answered(database, past, 4, ["町の防災無線", "RPA"])

    text = await shown(database)

    assert "回答 2名（参加登録者 4名のうち 2名、回答率 50%）" in text
    assert "満足度" not in text
    assert "次回やってみたいこと" not in text and "防災無線" not in text
