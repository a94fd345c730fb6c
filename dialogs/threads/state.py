"""Where each channel's Graph sync stands (`channel_sync`), and whether Graph shows its history.

Positions (`cursor`, `delta_link`) are written by the sync in the same transaction as the page
they follow, so a crash resumes from the last stored page and never skips one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChannelSyncRow
from storage.repositories.dialect import insert


@dataclass(frozen=True)
class SyncState:
    channel_id: str
    team_aad_group_id: str
    history_available: bool
    unavailable_reason: str | None
    backfill_started_at: datetime | None
    backfill_done_at: datetime | None
    cursor: str | None
    delta_link: str | None
    last_synced_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    requested_at: datetime | None

    @property
    def backfilled(self) -> bool:
        return self.backfill_done_at is not None


async def ensure_channel(
    session: AsyncSession, team_aad_group_id: str, channel_id: str, now: datetime
) -> None:
    """A state row for the channel (the team id follows the latest caller)."""
    stmt = insert(session, ChannelSyncRow).values(
        channel_id=channel_id,
        team_aad_group_id=team_aad_group_id,
        history_available=True,
        updated_at=now,
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[ChannelSyncRow.channel_id],
            set_={"team_aad_group_id": stmt.excluded.team_aad_group_id},
        )
    )


async def get_state(session: AsyncSession, channel_id: str) -> SyncState | None:
    row = await session.scalar(
        select(ChannelSyncRow).where(ChannelSyncRow.channel_id == channel_id)
    )
    if row is None:
        return None
    return SyncState(
        channel_id=row.channel_id,
        team_aad_group_id=row.team_aad_group_id,
        history_available=row.history_available,
        unavailable_reason=row.unavailable_reason,
        backfill_started_at=row.backfill_started_at,
        backfill_done_at=row.backfill_done_at,
        cursor=row.cursor,
        delta_link=row.delta_link,
        last_synced_at=row.last_synced_at,
        last_error=row.last_error,
        last_error_at=row.last_error_at,
        requested_at=row.requested_at,
    )


async def history_available(session: AsyncSession, channel_id: str) -> bool:
    """False when Graph refused this channel's history on the last try (the bot then works from
    what it received live); True otherwise, including before any sync."""
    available = await session.scalar(
        select(ChannelSyncRow.history_available).where(ChannelSyncRow.channel_id == channel_id)
    )
    return available is not False


async def set_state(session: AsyncSession, channel_id: str, now: datetime, **values: Any) -> None:
    await session.execute(
        update(ChannelSyncRow)
        .where(ChannelSyncRow.channel_id == channel_id)
        .values(updated_at=now, **values)
    )


async def claim(session: AsyncSession, channel_id: str, now: datetime, until: datetime) -> bool:
    """Hold the channel for one sync until `until`; False when another sync holds it."""
    claimed = await session.scalar(
        update(ChannelSyncRow)
        .where(
            ChannelSyncRow.channel_id == channel_id,
            or_(ChannelSyncRow.lease_until.is_(None), ChannelSyncRow.lease_until <= now),
        )
        .values(lease_until=until, updated_at=now)
        .returning(ChannelSyncRow.id)
    )
    return claimed is not None


async def request_sync(
    session: AsyncSession, team_aad_group_id: str, channel_id: str, now: datetime
) -> None:
    """Ask the sync worker to run this channel soon."""
    await ensure_channel(session, team_aad_group_id, channel_id, now)
    await set_state(session, channel_id, now, requested_at=now)


async def requested_channels(session: AsyncSession, now: datetime) -> Sequence[tuple[str, str]]:
    """(team, channel) of the channels asked for and not held by a running sync, oldest ask
    first."""
    rows = await session.execute(
        select(ChannelSyncRow.team_aad_group_id, ChannelSyncRow.channel_id)
        .where(
            ChannelSyncRow.requested_at.is_not(None),
            or_(ChannelSyncRow.lease_until.is_(None), ChannelSyncRow.lease_until <= now),
        )
        .order_by(ChannelSyncRow.requested_at, ChannelSyncRow.id)
    )
    return [(team, channel) for team, channel in rows.all()]
