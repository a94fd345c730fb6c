"""When impressions are asked for, reminded of and summed up: the dates, and the tasks that
move with the event."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from core.jpcalendar import TOKYO
from dialogs.events import Event, EventState, draft_for
from dialogs.events.store import create_event
from dialogs.feedback import arm_feedback, collection_deadline, reminder_at
from dialogs.feedback.schedule import CLOSE_TASK, REMIND_TASK, REQUEST_TASK
from storage.db import Database
from storage.models import DueTask

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=TOKYO)


@pytest.mark.parametrize(
    ("day", "deadline", "reminder"),
    [
        # Tue → the next Tue 23:59; reminded on Fri (Mon is the day before the deadline).
        (date(2026, 12, 15), datetime(2026, 12, 22, 23, 59), datetime(2026, 12, 18, 9)),
        # Thu → Thu; reminded on Tue.
        (date(2026, 12, 10), datetime(2026, 12, 17, 23, 59), datetime(2026, 12, 15, 9)),
        # Fri 12/25 → Fri 1/1 (New Year's Day); reminded on the last business day of the year.
        (date(2026, 12, 25), datetime(2027, 1, 1, 23, 59), datetime(2026, 12, 28, 9)),
    ],
)
def test_the_deadline_and_the_reminder(day: date, deadline: datetime, reminder: datetime) -> None:
    closes = collection_deadline(day, TOKYO)
    assert closes == deadline.replace(tzinfo=TOKYO)
    assert reminder_at(closes, TOKYO) == reminder.replace(tzinfo=TOKYO)


async def tasks(database: Database) -> dict[str, tuple[datetime, str]]:
    async with database.transaction() as session:
        rows = await session.scalars(select(DueTask).where(DueTask.kind.like("feedback.%")))
        return {row.kind: (row.due_at.astimezone(TOKYO), row.status) for row in rows}


async def an_event(database: Database) -> Event:
    async with database.transaction() as session:
        return await create_event(
            session,
            draft_for("第2回IYO WORK", date(2026, 12, 15), time(10), time(16), zone=TOKYO),
            conversation_id="19:x@thread.tacv2",
            thread_outbox_id=None,
            poll_id=None,
            creator_key="taro",
            locale="ja",
            now=NOW,
        )


async def test_tasks_follow_the_event_and_go_when_it_is_cancelled(database: Database) -> None:
    event = await an_event(database)
    async with database.transaction() as session:
        await arm_feedback(session, event, NOW, TOKYO)
    assert await tasks(database) == {
        REQUEST_TASK: (datetime(2026, 12, 15, 16, 0, tzinfo=TOKYO), "pending"),
        REMIND_TASK: (datetime(2026, 12, 18, 9, 0, tzinfo=TOKYO), "pending"),
        CLOSE_TASK: (datetime(2026, 12, 22, 23, 59, tzinfo=TOKYO), "pending"),
    }

    moved = dataclasses.replace(event, day=date(2026, 12, 17), end=time(17))
    async with database.transaction() as session:
        await arm_feedback(session, moved, NOW, TOKYO)
    assert await tasks(database) == {
        REQUEST_TASK: (datetime(2026, 12, 17, 17, 0, tzinfo=TOKYO), "pending"),
        REMIND_TASK: (datetime(2026, 12, 22, 9, 0, tzinfo=TOKYO), "pending"),
        CLOSE_TASK: (datetime(2026, 12, 24, 23, 59, tzinfo=TOKYO), "pending"),
    }

    cancelled = dataclasses.replace(moved, state=EventState.CANCELLED)
    async with database.transaction() as session:
        await arm_feedback(session, cancelled, NOW, TOKYO)
    assert {kind: status for kind, (_, status) in (await tasks(database)).items()} == {
        REQUEST_TASK: "cancelled",
        REMIND_TASK: "cancelled",
        CLOSE_TASK: "cancelled",
    }


async def test_arming_again_unchanged_runs_nothing_again(database: Database) -> None:
    event = await an_event(database)
    async with database.transaction() as session:
        await arm_feedback(session, event, NOW, TOKYO)
        request = await session.scalar(select(DueTask).where(DueTask.kind == REQUEST_TASK))
        assert request is not None
        request.status = "done"  # it ran at the end of the day

    after = datetime(2026, 12, 16, 10, 0, tzinfo=TOKYO)
    async with database.transaction() as session:
        await arm_feedback(session, event, after, TOKYO)  # the venue was edited, say

    assert (await tasks(database))[REQUEST_TASK][1] == "done"
