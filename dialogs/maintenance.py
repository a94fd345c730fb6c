"""Housekeeping that keeps the database small: daily, at night, claimed like every task."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from core.jpcalendar import at, local_date
from dialogs.context import TaskContext
from dialogs.platform.tasks import ensure_scheduled, schedule
from dialogs.router import Router
from dialogs.threads.retention import prune_old_threads
from storage.db import Database
from storage.repositories.activities import prune_processed_activities

router = Router()

PRUNE = "maintenance.prune"
# Teams redelivers within minutes; a week of activity ids is far more than enough.
KEEP_ACTIVITY_IDS = timedelta(days=7)
NIGHTLY = time(3, 0)


def next_night(now: datetime, zone: Any) -> datetime:
    return at(local_date(now, zone) + timedelta(days=1), NIGHTLY, zone)


@router.task(PRUNE)
async def prune(ctx: TaskContext, payload: dict[str, Any]) -> None:
    now = ctx.clock.now()
    await prune_processed_activities(ctx.session, now - KEEP_ACTIVITY_IDS)
    # Channel threads are kept RETENTION_MONTHS after their last activity.
    await prune_old_threads(ctx.session, now, ctx.services.settings.retention_months)
    await schedule(ctx.session, PRUNE, "daily", next_night(now, ctx.services.settings.zone))


async def seed(database: Database, now: datetime, zone: Any) -> None:
    """Called at start-up: make sure the nightly jobs exist."""
    async with database.transaction() as session:
        await ensure_scheduled(session, PRUNE, "daily", next_night(now, zone))
