"""Conversations the bot is in, with what it needs to post there later."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChannelMessageRow, Conversation
from storage.repositories.dialect import insert

# Fields that keep their stored value when a later activity does not carry them.
_KEEP_WHEN_MISSING = (
    "tenant_id",
    "team_id",
    "team_aad_group_id",
    "channel_id",
    "team_name",
    "channel_name",
    "bot_id",
    "bot_name",
    "channel_type",
)


def base_conversation_id(conversation_id: str) -> str:
    """Drop the `;messageid=` suffix Teams adds for a channel thread."""
    return conversation_id.split(";messageid=", 1)[0]


async def upsert_conversation(
    session: AsyncSession,
    *,
    conversation_id: str,
    kind: str,
    service_url: str,
    tenant_id: str | None,
    team_id: str | None,
    team_aad_group_id: str | None,
    channel_id: str | None,
    team_name: str | None,
    channel_name: str | None,
    bot_id: str | None,
    bot_name: str | None,
    now: datetime,
    channel_type: str | None = None,
) -> Conversation:
    """Store or refresh a conversation (and mark it active); None never erases a known value."""
    values = {
        "conversation_id": base_conversation_id(conversation_id),
        "kind": kind,
        "service_url": service_url,
        "tenant_id": tenant_id,
        "team_id": team_id,
        "team_aad_group_id": team_aad_group_id,
        "channel_id": channel_id,
        "team_name": team_name,
        "channel_name": channel_name,
        "bot_id": bot_id,
        "bot_name": bot_name,
        "channel_type": channel_type,
        "active": True,
        "installed_at": now,
        "updated_at": now,
    }
    stmt = insert(session, Conversation).values(**values)
    changes = {
        "kind": stmt.excluded.kind,
        "service_url": stmt.excluded.service_url,
        "active": True,
        "updated_at": stmt.excluded.updated_at,
    }
    for name in _KEEP_WHEN_MISSING:
        changes[name] = func.coalesce(stmt.excluded[name], getattr(Conversation, name))
    stmt = stmt.on_conflict_do_update(
        index_elements=[Conversation.conversation_id], set_=changes
    ).returning(Conversation)
    result = await session.scalars(stmt, execution_options={"populate_existing": True})
    stored: Conversation = result.one()
    return stored


async def get_conversation(session: AsyncSession, conversation_id: str) -> Conversation | None:
    return await session.scalar(
        select(Conversation).where(
            Conversation.conversation_id == base_conversation_id(conversation_id)
        )
    )


async def mark_inactive(session: AsyncSession, conversation_id: str, now: datetime) -> None:
    """The bot was removed (or may no longer post): stop sending there."""
    await session.execute(
        update(Conversation)
        .where(Conversation.conversation_id == base_conversation_id(conversation_id))
        .values(active=False, updated_at=now)
    )


async def active_team_conversations(session: AsyncSession) -> Sequence[Conversation]:
    """Channel conversations of teams the bot is still installed in, oldest first."""
    result = await session.scalars(
        select(Conversation)
        .where(Conversation.active.is_(True), Conversation.kind == "channel")
        .order_by(Conversation.id)
    )
    return result.all()


@dataclass(frozen=True)
class ChannelNames:
    team: str | None
    channel: str | None
    general: bool


async def channel_names(session: AsyncSession, channel_id: str) -> ChannelNames:
    """What people call a channel. Teams names the team and the channel only when the bot is
    installed (in the General channel, whose id is the team's and which Teams sends without a
    name), so another channel of the team finds its team's name on the General channel's row,
    and a channel the bot only reads (RSC, Graph) through the team its posts belong to."""
    where = await session.scalar(
        select(Conversation)
        .where(
            or_(
                Conversation.channel_id == channel_id,
                Conversation.conversation_id == channel_id,
            )
        )
        .limit(1)
    )
    team_name = where.team_name if where else None
    if team_name is None:
        team_of_channel = (
            Conversation.team_id == where.team_id
            if where is not None and where.team_id
            else Conversation.team_aad_group_id
            == select(ChannelMessageRow.team_aad_group_id)
            .where(ChannelMessageRow.channel_id == channel_id)
            .limit(1)
            .scalar_subquery()
        )
        team_name = await session.scalar(
            select(Conversation.team_name)
            .where(team_of_channel, Conversation.team_name.is_not(None))
            .order_by(Conversation.id)
            .limit(1)
        )
    general = where is not None and where.team_id == channel_id
    return ChannelNames(team_name, where.channel_name if where else None, general)
