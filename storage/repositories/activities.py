"""Activities already handled, so a Teams redelivery is not handled twice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedActivity
from storage.repositories.dialect import Insert, bound, prepared

_TABLE = ProcessedActivity.__table__


async def first_delivery(
    session: AsyncSession, conversation_id: str, activity_id: str, now: datetime
) -> bool:
    """Record the activity; False when it was already recorded. When two deliveries race, the
    second waits for the first's commit (PostgreSQL's unique index, SQLite's write lock) and
    gets False; if the first rolls back, the second gets True."""
    values = {"conversation_id": conversation_id, "activity_id": activity_id, "processed_at": now}
    inserted = await session.scalar(prepared(session, _record), values)
    return inserted is not None


def _record(dialect_insert: Insert) -> Any:
    columns = ("conversation_id", "activity_id", "processed_at")
    return (
        dialect_insert(_TABLE)
        .values(bound(columns))
        .on_conflict_do_nothing(index_elements=[_TABLE.c.conversation_id, _TABLE.c.activity_id])
        .returning(_TABLE.c.id)
    )


async def prune_processed_activities(session: AsyncSession, older_than: datetime) -> int:
    """Forget activities processed before `older_than` (Teams redelivers within minutes)."""
    result = await session.execute(
        delete(ProcessedActivity).where(ProcessedActivity.processed_at < older_than)
    )
    return int(getattr(result, "rowcount", 0) or 0)
