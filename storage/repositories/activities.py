"""Activities already handled, so a Teams redelivery is not handled twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedActivity
from storage.repositories.dialect import insert


async def first_delivery(
    session: AsyncSession, conversation_id: str, activity_id: str, now: datetime
) -> bool:
    """Record the activity; False when it was already recorded. When two deliveries race, the
    second waits for the first's commit (PostgreSQL's unique index, SQLite's write lock) and
    gets False; if the first rolls back, the second gets True."""
    stmt = (
        insert(session, ProcessedActivity)
        .values(conversation_id=conversation_id, activity_id=activity_id, processed_at=now)
        .on_conflict_do_nothing(
            index_elements=[ProcessedActivity.conversation_id, ProcessedActivity.activity_id]
        )
        .returning(ProcessedActivity.id)
    )
    inserted = (await session.execute(stmt)).scalar_one_or_none()
    return inserted is not None


async def prune_processed_activities(session: AsyncSession, older_than: datetime) -> int:
    """Forget activities processed before `older_than` (Teams redelivers within minutes)."""
    result = await session.execute(
        delete(ProcessedActivity).where(ProcessedActivity.processed_at < older_than)
    )
    return int(getattr(result, "rowcount", 0) or 0)
