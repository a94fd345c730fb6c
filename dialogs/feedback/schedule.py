"""When an event's impressions are asked for, reminded of and summed up: three due tasks
per event, claimed in the database (once, across restarts and instances).

`arm_feedback` is called where an event is created (decided from a poll, or created
directly) and must be called again whenever its date or times change or it is cancelled:
the tasks move with it (or go). Each task also checks the event when it runs, so a task
left behind does nothing wrong.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.events.model import Event, EventState
from dialogs.feedback.model import collection_deadline, reminder_at
from dialogs.platform.tasks import cancel, schedule
from storage.models import DueTask

REQUEST_TASK = "feedback.request"  # the event has ended: cards to participants and thread
REMIND_TASK = "feedback.remind"  # once, to registered participants who have not answered
CLOSE_TASK = "feedback.close"  # the deadline: the summary in the event's thread
KINDS = (REQUEST_TASK, REMIND_TASK, CLOSE_TASK)


def task_key(event_id: int) -> str:
    return f"event:{event_id}"


async def arm_feedback(session: AsyncSession, event: Event, now: datetime, zone: tzinfo) -> None:
    """Schedule (or move) the event's request at its end, the reminder and the closing; a
    cancelled event gets none. Safe to call again at any time: the same tasks move."""
    if event.state is EventState.CANCELLED:
        await disarm_feedback(session, event.id)
        return
    key = task_key(event.id)
    payload = {"event_id": event.id}
    ends = event.ends_at(zone)
    deadline = collection_deadline(event.day, zone)
    await _move(session, REQUEST_TASK, key, ends, payload)
    await _move(session, CLOSE_TASK, key, deadline, payload)
    remind = reminder_at(deadline, zone)
    if ends < remind < deadline and now < remind:
        await _move(session, REMIND_TASK, key, remind, payload)
    else:
        await cancel(session, REMIND_TASK, key)


async def disarm_feedback(session: AsyncSession, event_id: int) -> None:
    """The event is cancelled (or gone): its pending feedback tasks go."""
    key = task_key(event_id)
    for kind in KINDS:
        await cancel(session, kind, key)


async def _move(
    session: AsyncSession, kind: str, key: str, due: datetime, payload: dict[str, int]
) -> None:
    """Schedule the task at `due`, unless it is already there (pending, or done at that very
    time): an edit that leaves the times alone re-runs nothing."""
    status = await session.scalar(
        select(DueTask.status).where(
            DueTask.kind == kind, DueTask.key == key, DueTask.due_at == due
        )
    )
    if status in ("pending", "done"):
        return
    await schedule(session, kind, key, due, payload)
