"""Reading threads for summaries in bulk, and the 解決済み flags (`thread_resolution`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.threads.store import StoredMessage
from storage.models import ChannelMessageRow, Conversation, Person, ThreadResolutionRow
from storage.repositories.dialect import insert

_BATCH = 400  # root ids per query (SQLite allows 999 bound parameters)


@dataclass(frozen=True)
class Resolution:
    """The button's verdict on a thread: resolved, or open again."""

    resolved: bool
    by_key: str
    by_name: str
    at: datetime


@dataclass(frozen=True)
class LoadedThread:
    """A thread as stored: the root first (when stored), then the replies oldest first."""

    channel_id: str
    root_id: str
    team_aad_group_id: str | None
    messages: tuple[StoredMessage, ...]
    resolution: Resolution | None

    @property
    def root(self) -> StoredMessage | None:
        first = self.messages[0] if self.messages else None
        return first if first is not None and first.is_root else None


_COLUMNS = (
    ChannelMessageRow.root_id,
    ChannelMessageRow.message_id,
    ChannelMessageRow.reply_to_id,
    ChannelMessageRow.author_name,
    ChannelMessageRow.author_aad_id,
    ChannelMessageRow.text,
    ChannelMessageRow.subject,
    ChannelMessageRow.created_at,
    ChannelMessageRow.modified_at,
    ChannelMessageRow.edited_at,
    ChannelMessageRow.deleted_at,
    ChannelMessageRow.reactions,
    ChannelMessageRow.web_url,
    ChannelMessageRow.source,
    ChannelMessageRow.team_aad_group_id,
    Person.municipality,
)


async def active_roots(
    session: AsyncSession, channel_id: str, since: datetime, until: datetime
) -> list[str]:
    """Threads with a message written, edited or deleted in [since, until), or marked 解決済み
    (or open again) with the button then."""
    in_window = or_(
        and_(ChannelMessageRow.created_at >= since, ChannelMessageRow.created_at < until),
        and_(ChannelMessageRow.modified_at >= since, ChannelMessageRow.modified_at < until),
    )
    rows = await session.scalars(
        select(ChannelMessageRow.root_id)
        .where(ChannelMessageRow.channel_id == channel_id, in_window)
        .distinct()
    )
    pressed = await session.scalars(
        select(ThreadResolutionRow.root_id).where(
            ThreadResolutionRow.channel_id == channel_id,
            ThreadResolutionRow.updated_at >= since,
            ThreadResolutionRow.updated_at < until,
        )
    )
    return list(dict.fromkeys([*rows.all(), *pressed.all()]))


async def load_threads(
    session: AsyncSession, channel_id: str, root_ids: Sequence[str] | None = None
) -> list[LoadedThread]:
    """The given threads of a channel (all of them when `root_ids` is None), each with its
    messages and its 解決済み flag. The text is read, not the raw HTML."""
    batches: Iterable[Sequence[str] | None]
    if root_ids is None:
        batches = [None]
    else:
        unique = list(dict.fromkeys(root_ids))
        batches = [unique[i : i + _BATCH] for i in range(0, len(unique), _BATCH)]
    grouped: dict[str, list[StoredMessage]] = defaultdict(list)
    teams: dict[str, str | None] = {}
    for batch in batches:
        if batch is not None and not batch:
            continue
        query = (
            select(*_COLUMNS)
            .outerjoin(Person, Person.person_key == ChannelMessageRow.author_aad_id)
            .where(ChannelMessageRow.channel_id == channel_id)
            .order_by(
                ChannelMessageRow.root_id,
                case((ChannelMessageRow.message_id == ChannelMessageRow.root_id, 0), else_=1),
                ChannelMessageRow.created_at,
                ChannelMessageRow.message_id,
            )
        )
        if batch is not None:
            query = query.where(ChannelMessageRow.root_id.in_(batch))
        for row in (await session.execute(query)).all():
            grouped[row.root_id].append(
                StoredMessage(
                    message_id=row.message_id,
                    root_id=row.root_id,
                    reply_to_id=row.reply_to_id,
                    author_name=row.author_name,
                    author_aad_id=row.author_aad_id,
                    author_municipality=row.municipality,
                    text=row.text or "",
                    subject=row.subject,
                    created_at=row.created_at,
                    modified_at=row.modified_at,
                    edited_at=row.edited_at,
                    deleted_at=row.deleted_at,
                    reactions=list(row.reactions or []),
                    web_url=row.web_url,
                    source=row.source,
                )
            )
            if row.team_aad_group_id:
                teams[row.root_id] = row.team_aad_group_id
    flags = await resolutions(session, channel_id, list(grouped) if root_ids is not None else None)
    return [
        LoadedThread(channel_id, root, teams.get(root), tuple(messages), flags.get(root))
        for root, messages in grouped.items()
    ]


async def resolutions(
    session: AsyncSession, channel_id: str, root_ids: Sequence[str] | None = None
) -> dict[str, Resolution]:
    query = select(ThreadResolutionRow).where(ThreadResolutionRow.channel_id == channel_id)
    found: dict[str, Resolution] = {}
    batches: list[Sequence[str] | None] = (
        [None]
        if root_ids is None
        else [root_ids[i : i + _BATCH] for i in range(0, len(root_ids), _BATCH)]
    )
    for batch in batches:
        scoped = query if batch is None else query.where(ThreadResolutionRow.root_id.in_(batch))
        for row in (await session.scalars(scoped)).all():
            found[row.root_id] = Resolution(row.resolved, row.by_key, row.by_name, row.updated_at)
    return found


async def set_resolution(
    session: AsyncSession,
    channel_id: str,
    root_id: str,
    *,
    resolved: bool,
    by_key: str,
    by_name: str,
    now: datetime,
) -> None:
    """Marks the thread 解決済み (or open again); the latest press wins."""
    stmt = insert(session, ThreadResolutionRow).values(
        channel_id=channel_id,
        root_id=root_id,
        resolved=resolved,
        by_key=by_key,
        by_name=by_name,
        created_at=now,
        updated_at=now,
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[ThreadResolutionRow.channel_id, ThreadResolutionRow.root_id],
            set_={
                "resolved": stmt.excluded.resolved,
                "by_key": stmt.excluded.by_key,
                "by_name": stmt.excluded.by_name,
                "updated_at": stmt.excluded.updated_at,
            },
        )
    )


async def root_author(session: AsyncSession, channel_id: str, root_id: str) -> str | None:
    """The Entra id of who asked (None when the root is not stored or has no author)."""
    author: str | None = await session.scalar(
        select(ChannelMessageRow.author_aad_id).where(
            ChannelMessageRow.channel_id == channel_id,
            ChannelMessageRow.message_id == root_id,
        )
    )
    return author


@dataclass(frozen=True)
class KnownChannel:
    channel_id: str
    name: str | None
    team_name: str | None


async def known_channels(session: AsyncSession) -> list[KnownChannel]:
    """The team channels the bot is installed in (for commands in personal chat), with the
    channels that only have stored messages after them."""
    rows = await session.execute(
        select(Conversation.channel_id, Conversation.channel_name, Conversation.team_name)
        .where(
            Conversation.kind == "channel",
            Conversation.active.is_(True),
            Conversation.channel_id.is_not(None),
        )
        .order_by(Conversation.id)
    )
    channels: dict[str, KnownChannel] = {}
    for channel_id, name, team in rows.all():
        if channel_id:
            channels.setdefault(channel_id, KnownChannel(channel_id, name, team))
    stored = await session.scalars(select(ChannelMessageRow.channel_id).distinct())
    for channel_id in stored.all():
        channels.setdefault(channel_id, KnownChannel(channel_id, None, None))
    return list(channels.values())


async def channel_state(session: AsyncSession, channel_id: str) -> tuple[object, ...]:
    """What changes when anything a summary shows changes: the channel's messages (how many,
    the latest change), its 解決済み flags, and the municipalities people registered."""
    messages = (
        await session.execute(
            select(func.count(), func.max(ChannelMessageRow.modified_at)).where(
                ChannelMessageRow.channel_id == channel_id
            )
        )
    ).one()
    flags = (
        await session.execute(
            select(
                func.count(),
                func.max(ThreadResolutionRow.updated_at),
                func.sum(case((ThreadResolutionRow.resolved.is_(True), 1), else_=0)),
            ).where(ThreadResolutionRow.channel_id == channel_id)
        )
    ).one()
    people = (
        await session.execute(
            select(func.count(), func.max(Person.updated_at)).where(
                Person.municipality.is_not(None)
            )
        )
    ).one()
    return (*messages, *flags, *people)


# The app's name in the manifest (tools/package.py): how Teams writes an @mention of the bot.
APP_NAME = "IYO WORK"


async def bot_names(session: AsyncSession) -> list[str]:
    """How the bot is @mentioned: the names Teams gave it at installation, and the app name."""
    stored = await session.scalars(
        select(Conversation.bot_name).where(Conversation.bot_name.is_not(None)).distinct()
    )
    names = [name for name in stored.all() if name]
    return sorted({*names, APP_NAME}, key=len, reverse=True)


async def count_threads(session: AsyncSession, channel_id: str) -> int:
    count = await session.scalar(
        select(func.count(func.distinct(ChannelMessageRow.root_id))).where(
            ChannelMessageRow.channel_id == channel_id
        )
    )
    return int(count or 0)


__all__ = [
    "APP_NAME",
    "KnownChannel",
    "LoadedThread",
    "Resolution",
    "active_roots",
    "bot_names",
    "channel_state",
    "count_threads",
    "known_channels",
    "load_threads",
    "resolutions",
    "root_author",
    "set_resolution",
]
