"""A poll's deadline as scheduled work: it closes the poll, and a reminder goes once at 09:00
on the last business day before it."""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.jpcalendar import reminder_moment
from dialogs.platform.tasks import cancel, schedule

CLOSE_TASK = "poll.close"
REMIND_TASK = "poll.remind"


def task_key(poll_id: int) -> str:
    return f"poll:{poll_id}"


async def arm(
    session: AsyncSession, poll_id: int, deadline: datetime | None, now: datetime, zone: tzinfo
) -> None:
    """Schedule (or move) the closing and the reminder; no deadline means neither."""
    await disarm(session, poll_id)
    if deadline is None:
        return
    key = task_key(poll_id)
    payload = {"poll_id": poll_id}
    await schedule(session, CLOSE_TASK, key, deadline, payload)
    remind_at = reminder_moment(deadline.astimezone(zone).date(), zone)
    if now < remind_at < deadline:
        await schedule(session, REMIND_TASK, key, remind_at, payload)


async def disarm(session: AsyncSession, poll_id: int) -> None:
    """The poll is decided, cancelled or has a new deadline: its pending tasks go."""
    key = task_key(poll_id)
    await cancel(session, CLOSE_TASK, key)
    await cancel(session, REMIND_TASK, key)
