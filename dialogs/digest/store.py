"""Digests in the database: the claim of (channel, due day), and where each one stands.

A digest row goes through:
- `queued`: claimed, and its post enqueued in the outbox in the same transaction;
- `sent`: the outbox delivered it (or Graph showed it was posted); `activity_id` is the post;
- `checking`: the send's outcome is unknown (timeout, 502/504, a crash while sending): the
  resolver looks for its marker among the channel's messages before sending it again;
- `unresolved`: unknown, and it could not be looked for (no Graph): not sent again, and the
  next digest says so;
- `failed`: Teams refused it or the retries ran out; nothing was posted, and the next digest
  covers its period.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DigestRow
from storage.repositories.dialect import insert

QUEUED = "queued"
SENT = "sent"
CHECKING = "checking"
UNRESOLVED = "unresolved"
FAILED = "failed"
MARKER_PREFIX = "iyowork-digest"


@dataclass(frozen=True)
class Digest:
    id: int
    conversation_id: str
    due_date: dt.date
    period_start: dt.datetime
    period_end: dt.datetime
    marker: str
    status: str
    outbox_id: int | None
    sends: int
    activity_id: str | None
    manual: bool
    created_at: dt.datetime
    checking_since: dt.datetime | None


def new_marker() -> str:
    """A unique text written into the digest's card, to recognise it among the channel's
    messages."""
    return f"{MARKER_PREFIX}:{secrets.token_hex(8)}"


async def claim(
    session: AsyncSession,
    conversation_id: str,
    due_date: dt.date,
    *,
    period_start: dt.datetime,
    period_end: dt.datetime,
    manual: bool,
    now: dt.datetime,
) -> Digest | None:
    """Claim the channel's digest of `due_date`; None when it is already claimed (by this
    instance earlier, or by another one right now: the insert waits for the other's commit)."""
    stmt = (
        insert(session, DigestRow)
        .values(
            conversation_id=conversation_id,
            due_date=due_date,
            period_start=period_start,
            period_end=period_end,
            marker=new_marker(),
            status=QUEUED,
            sends=0,
            manual=manual,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=[DigestRow.conversation_id, DigestRow.due_date])
        .returning(DigestRow.id)
    )
    new_id = await session.scalar(stmt)
    return None if new_id is None else await get(session, int(new_id))


async def get(session: AsyncSession, digest_id: int) -> Digest | None:
    row = await session.get(DigestRow, digest_id, populate_existing=True)
    return None if row is None else _digest(row)


async def of_day(session: AsyncSession, conversation_id: str, day: dt.date) -> Digest | None:
    row = await session.scalar(
        select(DigestRow)
        .where(DigestRow.conversation_id == conversation_id, DigestRow.due_date == day)
        .execution_options(populate_existing=True)
    )
    return None if row is None else _digest(row)


async def covered_until(session: AsyncSession, conversation_id: str) -> dt.datetime | None:
    """The end of the period of the channel's latest digest that was (or may have been)
    posted: the next digest starts there. A failed one posted nothing, so it does not count."""
    found = await session.scalar(
        select(DigestRow.period_end)
        .where(DigestRow.conversation_id == conversation_id, DigestRow.status != FAILED)
        .order_by(DigestRow.period_end.desc())
        .limit(1)
    )
    return found


async def unreported_problems(
    session: AsyncSession, conversation_id: str, before: int
) -> list[Digest]:
    """The channel's earlier digests that may be missing and that no later digest has
    mentioned yet, oldest first."""
    rows = await session.scalars(
        select(DigestRow)
        .where(
            DigestRow.conversation_id == conversation_id,
            DigestRow.status.in_((UNRESOLVED, FAILED)),
            DigestRow.reported_in.is_(None),
            DigestRow.id < before,
        )
        .order_by(DigestRow.due_date, DigestRow.id)
    )
    return [_digest(row) for row in rows]


async def mark_reported(session: AsyncSession, digest_ids: list[int], in_digest: int) -> None:
    if digest_ids:
        await session.execute(
            update(DigestRow).where(DigestRow.id.in_(digest_ids)).values(reported_in=in_digest)
        )


async def set_queued(
    session: AsyncSession, digest_id: int, outbox_id: int, sends: int, now: dt.datetime
) -> None:
    await session.execute(
        update(DigestRow)
        .where(DigestRow.id == digest_id)
        .values(status=QUEUED, outbox_id=outbox_id, sends=sends, lease_until=None, updated_at=now)
    )


async def set_status(
    session: AsyncSession,
    digest_id: int,
    status: str,
    now: dt.datetime,
    *,
    activity_id: str | None = None,
    detail: str | None = None,
    expect: str | None = None,
) -> bool:
    """Move the digest to `status` (from `expect`, when given); False when it was not there."""
    values: dict[str, object] = {"status": status, "updated_at": now, "lease_until": None}
    if activity_id is not None:
        values["activity_id"] = activity_id
    if detail is not None:
        values["detail"] = detail[:2000]
    if status == CHECKING:
        values["checking_since"] = now
    query = update(DigestRow).where(DigestRow.id == digest_id)
    if expect is not None:
        query = query.where(DigestRow.status == expect)
    changed = await session.scalar(query.values(**values).returning(DigestRow.id))
    return changed is not None


async def take_for_checking(
    session: AsyncSession, now: dt.datetime, *, settled_for: dt.timedelta, hold: dt.timedelta
) -> list[Digest]:
    """Digests whose send was ambiguous at least `settled_for` ago and that no other resolver
    holds: held for `hold` by the caller."""
    ids = list(
        await session.scalars(
            select(DigestRow.id)
            .where(
                DigestRow.status == CHECKING,
                DigestRow.checking_since <= now - settled_for,
                or_(DigestRow.lease_until.is_(None), DigestRow.lease_until <= now),
            )
            .order_by(DigestRow.id)
        )
    )
    taken: list[Digest] = []
    for digest_id in ids:
        held = await session.scalar(
            update(DigestRow)
            .where(
                DigestRow.id == digest_id,
                DigestRow.status == CHECKING,
                or_(DigestRow.lease_until.is_(None), DigestRow.lease_until <= now),
            )
            .values(lease_until=now + hold)
            .returning(DigestRow.id)
        )
        if held is not None and (digest := await get(session, digest_id)) is not None:
            taken.append(digest)
    return taken


async def still_held(session: AsyncSession, digest_id: int, now: dt.datetime) -> bool:
    """Whether the digest is still being checked under a lease that has not run out."""
    found = await session.scalar(
        select(DigestRow.id).where(
            and_(
                DigestRow.id == digest_id,
                DigestRow.status == CHECKING,
                DigestRow.lease_until > now,
            )
        )
    )
    return found is not None


async def release(session: AsyncSession, digest_id: int) -> None:
    await session.execute(
        update(DigestRow).where(DigestRow.id == digest_id).values(lease_until=None)
    )


def _digest(row: DigestRow) -> Digest:
    return Digest(
        id=row.id,
        conversation_id=row.conversation_id,
        due_date=row.due_date,
        period_start=row.period_start,
        period_end=row.period_end,
        marker=row.marker,
        status=row.status,
        outbox_id=row.outbox_id,
        sends=row.sends,
        activity_id=row.activity_id,
        manual=row.manual,
        created_at=row.created_at,
        checking_since=row.checking_since,
    )
