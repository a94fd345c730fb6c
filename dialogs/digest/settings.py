"""A channel's digest settings (設定): on or off, when, in which language, which sections,
and after how many business days an unanswered question is listed under 未回答のまま.

`DigestSettings` is a plain value; storage maps the `digest_settings` row to it. A channel that
never opened 設定 has the defaults (off, Monday 09:00, Japanese, every section, 3 days).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Locale, locale_of
from storage.models import DigestSettingsRow
from storage.repositories.dialect import insert


class Section(StrEnum):
    """The parts of a digest, in the order they are shown."""

    NEW_THREADS = "new_threads"  # 今週の新着スレッド
    UNANSWERED = "unanswered"  # 未回答のまま
    SOLVED = "solved"  # 解決済み
    KEYWORDS = "keywords"  # 話題のキーワード
    EVENT = "event"  # 次回のIYO WORK
    POLLS = "polls"  # 受付中の日程調整
    FEEDBACK = "feedback"  # 感想の回答状況


THREAD_SECTIONS = frozenset(
    {Section.NEW_THREADS, Section.UNANSWERED, Section.SOLVED, Section.KEYWORDS}
)
WEEKDAYS = (0, 1, 2, 3, 4)  # Monday to Friday: a digest is read at work
DEFAULT_WEEKDAY = 0
DEFAULT_TIME = dt.time(9, 0)
# A digest goes out between 08:00 and 19:00 (a late one too), so its time is one of these.
POST_TIMES: tuple[dt.time, ...] = tuple(
    dt.time(hour, minute) for hour in range(8, 19) for minute in (0, 30)
)
UNANSWERED_DAYS = (1, 2, 3, 4, 5, 7, 10)
DEFAULT_UNANSWERED_DAYS = 3


@dataclass(frozen=True)
class DigestSettings:
    conversation_id: str
    enabled: bool = False
    weekday: int = DEFAULT_WEEKDAY
    post_time: dt.time = DEFAULT_TIME
    locale: Locale = "ja"
    hidden: frozenset[Section] = frozenset()
    unanswered_days: int = DEFAULT_UNANSWERED_DAYS
    enabled_at: dt.datetime | None = None

    def shows(self, section: Section) -> bool:
        return section not in self.hidden

    @property
    def sections(self) -> tuple[Section, ...]:
        return tuple(section for section in Section if section not in self.hidden)


def with_sections(settings: DigestSettings, shown: Iterable[Section]) -> DigestSettings:
    visible = set(shown)
    return replace(settings, hidden=frozenset(s for s in Section if s not in visible))


async def load_settings(
    session: AsyncSession, conversation_id: str, *, default_locale: Locale = "ja"
) -> DigestSettings:
    """The channel's settings, or the defaults (off, in `default_locale`) when nobody set
    them yet."""
    row = await session.scalar(
        select(DigestSettingsRow)
        .where(DigestSettingsRow.conversation_id == conversation_id)
        .execution_options(populate_existing=True)
    )
    if row is None:
        return DigestSettings(conversation_id, locale=default_locale)
    return _settings(row)


async def save_settings(
    session: AsyncSession, settings: DigestSettings, *, by: str | None, now: dt.datetime
) -> DigestSettings:
    """Store the settings; turning the digest on (again) starts its first week now."""
    before = await load_settings(session, settings.conversation_id)
    enabled_at = settings.enabled_at
    if settings.enabled and not before.enabled:
        enabled_at = now
    elif settings.enabled:
        enabled_at = before.enabled_at or now
    values = {
        "enabled": settings.enabled,
        "weekday": settings.weekday,
        "post_time": settings.post_time,
        "locale": settings.locale,
        "sections": {"hidden": sorted(section.value for section in settings.hidden)},
        "unanswered_days": settings.unanswered_days,
        "enabled_at": enabled_at,
        "updated_by": by,
        "updated_at": now,
    }
    stmt = insert(session, DigestSettingsRow).values(
        conversation_id=settings.conversation_id, created_at=now, **values
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[DigestSettingsRow.conversation_id],
        set_={name: stmt.excluded[name] for name in values},
    )
    await session.execute(stmt)
    return replace(settings, enabled_at=enabled_at)


async def enabled_settings(session: AsyncSession) -> list[DigestSettings]:
    """Every channel whose digest is on."""
    rows = await session.scalars(
        select(DigestSettingsRow)
        .where(DigestSettingsRow.enabled.is_(True))
        .order_by(DigestSettingsRow.id)
        .execution_options(populate_existing=True)
    )
    return [_settings(row) for row in rows]


def _settings(row: DigestSettingsRow) -> DigestSettings:
    hidden = row.sections.get("hidden", []) if isinstance(row.sections, dict) else []
    known = {section.value: section for section in Section}
    return DigestSettings(
        conversation_id=row.conversation_id,
        enabled=row.enabled,
        weekday=row.weekday,
        post_time=row.post_time,
        locale=locale_of(row.locale),
        hidden=frozenset(known[name] for name in hidden if name in known),
        unanswered_days=row.unanswered_days,
        enabled_at=row.enabled_at,
    )
