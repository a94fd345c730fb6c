"""Housekeeping that keeps the database small: daily, at night, claimed like every task."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import Column, delete, exists, or_, select, union, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.jpcalendar import at, local_date
from dialogs.context import TaskContext
from dialogs.platform.tasks import ensure_scheduled, schedule
from dialogs.router import Router
from dialogs.threads.retention import prune_old_threads, retention_cutoff
from storage.db import Database
from storage.models import (
    Base,
    ChannelMessageRow,
    FeedbackRow,
    OutboxMessage,
    PollAnswerRow,
    RegistrationRow,
    ThreadResolutionRow,
)
from storage.repositories.activities import prune_processed_activities

router = Router()

PRUNE = "maintenance.prune"
# Teams redelivers within minutes; a week of activity ids is far more than enough.
KEEP_ACTIVITY_IDS = timedelta(days=7)
NIGHTLY = time(3, 0)
# What was said is kept a month for looking into a complaint; the posts of live cards (a poll's,
# an event's) stay as long as the card, since its edits target them.
KEEP_SENT = timedelta(days=30)
SETTLED = ("sent", "failed", "ambiguous", "superseded")


def next_night(now: datetime, zone: Any) -> datetime:
    return at(local_date(now, zone) + timedelta(days=1), NIGHTLY, zone)


@router.task(PRUNE)
async def prune(ctx: TaskContext, payload: dict[str, Any]) -> None:
    now = ctx.clock.now()
    await prune_processed_activities(ctx.session, now - KEEP_ACTIVITY_IDS)
    # Channel threads are kept RETENTION_MONTHS after their last activity, and their 解決済み
    # marks with them; free text people wrote to the bot as long, while the counts it is part
    # of stay.
    months = ctx.services.settings.retention_months
    await prune_old_threads(ctx.session, now, months)
    await prune_marks_of_gone_threads(ctx.session)
    await blank_old_free_text(ctx.session, retention_cutoff(now, months))
    await prune_outbox(ctx.session, now - KEEP_SENT)
    await schedule(ctx.session, PRUNE, "daily", next_night(now, ctx.services.settings.zone))


async def prune_marks_of_gone_threads(session: AsyncSession) -> int:
    """Deletes the 解決済み marks (and who set them) of threads no message copy is left of:
    the retention deleted the thread, or an erasure its last posts. A mark says something only
    about a thread still shown, so who marked a thread goes with the thread's words, and what
    summaries count stays what they show. How many marks went."""
    copied = (
        select(ChannelMessageRow.id)
        .where(
            ChannelMessageRow.channel_id == ThreadResolutionRow.channel_id,
            ChannelMessageRow.root_id == ThreadResolutionRow.root_id,
        )
        .correlate(ThreadResolutionRow)
    )
    result = await session.execute(
        delete(ThreadResolutionRow)
        .where(~exists(copied))
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def blank_old_free_text(session: AsyncSession, older_than: datetime) -> int:
    """Empties what people wrote in their own words and last changed before `older_than`:
    the impressions' texts, poll comments and registration notes. Ratings, choices, issues and
    statuses stay, so every total stays right. How many rows were changed."""
    changed = 0
    blanks = (
        (FeedbackRow, ("good", "trouble", "issue_details", "next_themes")),
        (PollAnswerRow, ("comment",)),
        (RegistrationRow, ("note",)),
    )
    for model, columns in blanks:
        written = [getattr(model, column) != "" for column in columns]
        result = await session.execute(
            update(model)
            .where(model.updated_at < older_than, or_(*written))
            .values(dict.fromkeys(columns, ""))
            .execution_options(synchronize_session=False)
        )
        changed += int(getattr(result, "rowcount", 0) or 0)
    return changed


async def prune_outbox(session: AsyncSession, older_than: datetime) -> int:
    """Deletes outbox rows settled (sent, given up, superseded) before `older_than`, except the
    posts a table still refers to (a poll's or an event's live card and thread, found from the
    schema's foreign keys, so a new kind of live card is kept too) and posts whose edits are
    still to be sent. How many rows went (their own old edits go with them)."""
    referenced = [select(column).where(column.is_not(None)) for column in _outbox_references()]
    awaited = select(OutboxMessage.target_outbox_id).where(
        OutboxMessage.status.not_in(SETTLED), OutboxMessage.target_outbox_id.is_not(None)
    )
    kept = union(awaited, *referenced)
    result = await session.execute(
        delete(OutboxMessage)
        .where(
            OutboxMessage.status.in_(SETTLED),
            OutboxMessage.updated_at < older_than,
            OutboxMessage.id.not_in(select(kept.subquery().c[0])),
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _outbox_references() -> list[Column[Any]]:
    """Every column of another table that refers to an outbox row."""
    table = OutboxMessage.__table__
    return [
        key.parent
        for other in Base.metadata.sorted_tables
        if other is not table
        for key in other.foreign_keys
        if key.column.table is table
    ]


async def seed(database: Database, now: datetime, zone: Any) -> None:
    """Called at start-up: make sure the nightly jobs exist."""
    async with database.transaction() as session:
        await ensure_scheduled(session, PRUNE, "daily", next_night(now, zone))
