"""Stored channel messages: written from live activities and Graph pages, read as threads.

Every write is an upsert keyed by (channel, message id) that only replaces an older version
(by `modified_at`), so a redelivered activity, a Graph page read twice or a page read before a
live edit arrived change nothing. A live version never erases what only Graph knows
(reactions, attachments, subject, importance).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChannelMessageRow, Person
from storage.repositories.dialect import insert

# Written by either source.
_COMMON = (
    "team_aad_group_id",
    "root_id",
    "reply_to_id",
    "author_name",
    "author_aad_id",
    "author_kind",
    "text",
    "html",
    "modified_at",
    "edited_at",
    "deleted_at",
    "source",
    "stored_at",
)
# Only Graph knows these; a live version keeps what is stored.
_GRAPH_ONLY = ("subject", "reactions", "attachments", "importance", "web_url", "created_at")


@dataclass(frozen=True)
class MessageVersion:
    """One message as one source saw it at `modified_at`."""

    channel_id: str
    message_id: str
    root_id: str
    created_at: datetime
    modified_at: datetime
    source: str  # live | graph
    team_aad_group_id: str | None = None
    reply_to_id: str | None = None
    author_name: str | None = None
    author_aad_id: str | None = None
    author_kind: str = "user"
    subject: str | None = None
    text: str = ""
    html: str = ""
    reactions: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    importance: str | None = None
    web_url: str | None = None
    edited_at: datetime | None = None
    deleted_at: datetime | None = None


@dataclass(frozen=True)
class StoredMessage:
    """A message as read back, with its author's municipality from 参加登録 (if they said)."""

    message_id: str
    root_id: str
    reply_to_id: str | None
    author_name: str | None
    author_aad_id: str | None
    author_municipality: str | None
    text: str
    subject: str | None
    created_at: datetime
    modified_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None
    reactions: list[dict[str, Any]]
    web_url: str | None
    source: str

    @property
    def is_root(self) -> bool:
        return self.message_id == self.root_id


@dataclass(frozen=True)
class ThreadSummary:
    root_id: str
    messages: int
    last_activity_at: datetime


async def upsert_messages(
    session: AsyncSession, versions: Sequence[MessageVersion], now: datetime
) -> None:
    """Stores each version unless a newer one of the same message is already stored."""
    live = [v for v in versions if v.source == "live"]
    graph = [v for v in versions if v.source != "live"]
    await _upsert(session, graph, _COMMON + _GRAPH_ONLY, now)
    await _upsert(session, live, _COMMON, now)


async def _upsert(
    session: AsyncSession,
    versions: Sequence[MessageVersion],
    columns: tuple[str, ...],
    now: datetime,
) -> None:
    if not versions:
        return
    # One statement executed for many rows (the driver's executemany): compiled once and cached,
    # where a multi-row VALUES would be compiled anew for every page.
    table = ChannelMessageRow.__table__
    stmt = insert(session, table)
    changes: dict[str, Any] = {name: stmt.excluded[name] for name in columns}
    if "web_url" not in columns:
        changes["web_url"] = func.coalesce(table.c.web_url, stmt.excluded.web_url)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.channel_id, table.c.message_id],
        set_=changes,
        where=table.c.modified_at <= stmt.excluded.modified_at,
    )
    await session.execute(stmt, [_row(version, now) for version in versions])


def _row(version: MessageVersion, now: datetime) -> dict[str, Any]:
    return {
        "team_aad_group_id": version.team_aad_group_id,
        "channel_id": version.channel_id,
        "message_id": version.message_id,
        "root_id": version.root_id,
        "reply_to_id": version.reply_to_id,
        "author_name": version.author_name,
        "author_aad_id": version.author_aad_id,
        "author_kind": version.author_kind,
        "subject": version.subject,
        "text": version.text,
        "html": version.html,
        "reactions": version.reactions,
        "attachments": version.attachments,
        "importance": version.importance,
        "web_url": version.web_url,
        "created_at": version.created_at,
        "modified_at": version.modified_at,
        "edited_at": version.edited_at,
        "deleted_at": version.deleted_at,
        "source": version.source,
        "stored_at": now,
    }


async def mark_deleted(session: AsyncSession, version: MessageVersion, now: datetime) -> None:
    """The message was deleted at `version.modified_at`: its words go, the row stays (the
    thread keeps its shape, and an older copy read later cannot bring them back). The author
    stays who wrote it, whoever deleted it."""
    stored = await _stored_row(session, version)
    if stored is None:
        tombstone = _replace(
            version, text="", html="", author_name=None, author_aad_id=None,
            deleted_at=version.modified_at,
        )  # fmt: skip
        await upsert_messages(session, [tombstone], now)
    elif stored.modified_at <= version.modified_at:
        stored.text, stored.html = "", ""
        stored.deleted_at = stored.modified_at = version.modified_at
        stored.source, stored.stored_at = version.source, now
        await session.flush()


async def mark_undeleted(session: AsyncSession, version: MessageVersion, now: datetime) -> None:
    """The deletion was undone; the words come back when the activity carries them (else the
    next Graph sync of the thread restores them)."""
    stored = await _stored_row(session, version)
    if stored is None:
        await upsert_messages(session, [_replace(version, deleted_at=None)], now)
    elif stored.modified_at <= version.modified_at:
        if version.text or version.html:
            stored.text, stored.html = version.text, version.html
        stored.deleted_at = None
        stored.modified_at = version.modified_at
        stored.source, stored.stored_at = version.source, now
        await session.flush()


async def _stored_row(session: AsyncSession, version: MessageVersion) -> ChannelMessageRow | None:
    row: ChannelMessageRow | None = await session.scalar(
        select(ChannelMessageRow).where(
            ChannelMessageRow.channel_id == version.channel_id,
            ChannelMessageRow.message_id == version.message_id,
        )
    )
    return row


def _replace(version: MessageVersion, **changes: Any) -> MessageVersion:
    from dataclasses import replace

    return replace(version, **changes)


async def thread_messages(
    session: AsyncSession, channel_id: str, root_id: str
) -> list[StoredMessage]:
    """The thread's root, then its replies oldest first, each with the author's municipality."""
    rows = await session.execute(
        select(ChannelMessageRow, Person.municipality)
        .outerjoin(Person, Person.person_key == ChannelMessageRow.author_aad_id)
        .where(ChannelMessageRow.channel_id == channel_id, ChannelMessageRow.root_id == root_id)
        .order_by(
            case((ChannelMessageRow.message_id == ChannelMessageRow.root_id, 0), else_=1),
            ChannelMessageRow.created_at,
            ChannelMessageRow.message_id,
        )
    )
    return [_stored(row, municipality) for row, municipality in rows.all()]


def _stored(row: ChannelMessageRow, municipality: str | None) -> StoredMessage:
    return StoredMessage(
        message_id=row.message_id,
        root_id=row.root_id,
        reply_to_id=row.reply_to_id,
        author_name=row.author_name,
        author_aad_id=row.author_aad_id,
        author_municipality=municipality,
        text=row.text,
        subject=row.subject,
        created_at=row.created_at,
        modified_at=row.modified_at,
        edited_at=row.edited_at,
        deleted_at=row.deleted_at,
        reactions=list(row.reactions or []),
        web_url=row.web_url,
        source=row.source,
    )


async def threads(
    session: AsyncSession, channel_id: str, *, active_since: datetime | None = None
) -> list[ThreadSummary]:
    """The channel's threads, most recently active first (only those active since
    `active_since` when given)."""
    last = func.max(ChannelMessageRow.modified_at)
    query = (
        select(ChannelMessageRow.root_id, func.count(), last)
        .where(ChannelMessageRow.channel_id == channel_id)
        .group_by(ChannelMessageRow.root_id)
        .order_by(last.desc(), ChannelMessageRow.root_id)
    )
    if active_since is not None:
        query = query.having(last >= active_since)
    rows = await session.execute(query)
    return [
        ThreadSummary(root_id, count, _aware(last_at)) for root_id, count, last_at in rows.all()
    ]


def _aware(value: datetime) -> datetime:
    # Aggregates bypass the column type on SQLite; read them back as UTC like the rest.
    from datetime import UTC

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


async def prune_messages(session: AsyncSession, older_than: datetime) -> int:
    """Deletes whole threads whose last activity is before `older_than`; how many messages."""
    stale = (
        select(ChannelMessageRow.channel_id, ChannelMessageRow.root_id)
        .group_by(ChannelMessageRow.channel_id, ChannelMessageRow.root_id)
        .having(func.max(ChannelMessageRow.modified_at) < older_than)
    )
    total = 0
    for channel_id, root_id in (await session.execute(stale)).all():
        result = await session.execute(
            delete(ChannelMessageRow).where(
                ChannelMessageRow.channel_id == channel_id, ChannelMessageRow.root_id == root_id
            )
        )
        total += int(getattr(result, "rowcount", 0) or 0)
    return total


async def count_messages(session: AsyncSession, channel_id: str | None = None) -> int:
    query = select(func.count()).select_from(ChannelMessageRow)
    if channel_id is not None:
        query = query.where(ChannelMessageRow.channel_id == channel_id)
    return int(await session.scalar(query) or 0)


async def channels_with_messages(session: AsyncSession) -> list[tuple[str, str]]:
    """(team group id, channel id) of every channel with a stored message of a known team."""
    rows = await session.execute(
        select(ChannelMessageRow.team_aad_group_id, ChannelMessageRow.channel_id)
        .where(ChannelMessageRow.team_aad_group_id.is_not(None))
        .distinct()
    )
    return [(team, channel) for team, channel in rows.all() if team]


__all__ = [
    "MessageVersion",
    "StoredMessage",
    "ThreadSummary",
    "channels_with_messages",
    "count_messages",
    "mark_deleted",
    "mark_undeleted",
    "prune_messages",
    "thread_messages",
    "threads",
    "upsert_messages",
]
