"""The background loops as the app runs them: a committed turn's message goes out at once."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from core.clock import FrozenClock
from dialogs.context import TaskContext
from dialogs.platform.messenger import Messenger
from dialogs.platform.outbox import OutboxWorker
from dialogs.platform.scheduler import Scheduler
from dialogs.platform.tasks import TaskRunner
from dialogs.replies import Message
from storage.db import Database
from tests.platform.conftest import GENERAL
from tests.platform.doubles import RecordingDeliverer


def idle_tasks(database: Database) -> TaskRunner:
    def no_context(session: Any) -> TaskContext:
        raise AssertionError("no task is due in this story")

    return TaskRunner(database, {}, no_context)


async def test_a_woken_worker_sends_without_waiting_for_the_next_tick(
    installed: Database, worker: OutboxWorker, teams: RecordingDeliverer, clock: FrozenClock
) -> None:
    scheduler = Scheduler(worker, idle_tasks(installed), outbox_every=3600, tasks_every=3600)
    scheduler.start()
    try:
        async with installed.transaction() as session:
            await Messenger(session, clock).post_to_channel(GENERAL, Message(text="定例会です"))
        worker.wake()
        await asyncio.wait_for(teams.delivered.wait(), timeout=10)
    finally:
        await scheduler.shutdown()
    assert [p.text for p in teams.posted] == ["定例会です"]


async def _stopping_while_teams_is_slow(
    scheduler: Scheduler, installed: Database, teams: RecordingDeliverer, clock: FrozenClock
) -> int:
    """A notice is being posted and Teams has not answered yet when the app stops; Teams answers
    a moment later. Returns the notice's outbox id."""
    answer = teams.stall_next(GENERAL)
    async with installed.transaction() as session:
        messenger = Messenger(session, clock)
        notice = await messenger.post_to_channel(GENERAL, Message(text="定例会です"))
    await asyncio.wait_for(teams.stalled.wait(), timeout=10)
    stopping = asyncio.create_task(scheduler.shutdown())
    await asyncio.sleep(0.05)
    assert not stopping.done()  # the round in progress is given time to finish
    answer.set()
    await asyncio.wait_for(stopping, timeout=10)
    return notice


async def test_stopping_while_a_scheduled_round_is_sending_lets_it_finish_and_logs_no_error(
    installed: Database,
    worker: OutboxWorker,
    teams: RecordingDeliverer,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A deploy restarts the app while the every-second round is posting a notice: the notice
    is posted and recorded as sent, and nothing is logged as an error."""
    caplog.set_level(logging.DEBUG)
    scheduler = Scheduler(worker, idle_tasks(installed), outbox_every=0.01, tasks_every=3600)
    scheduler.start()
    notice = await _stopping_while_teams_is_slow(scheduler, installed, teams, clock)
    assert [p.text for p in teams.posted] == ["定例会です"]
    async with installed.transaction() as session:
        assert (await Messenger(session, clock).delivery(notice)).status == "sent"
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_stopping_while_a_woken_round_is_sending_lets_it_finish_and_logs_no_error(
    installed: Database,
    worker: OutboxWorker,
    teams: RecordingDeliverer,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    scheduler = Scheduler(worker, idle_tasks(installed), outbox_every=3600, tasks_every=3600)
    scheduler.start()
    worker.wake()
    notice = await _stopping_while_teams_is_slow(scheduler, installed, teams, clock)
    async with installed.transaction() as session:
        assert (await Messenger(session, clock).delivery(notice)).status == "sent"
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_a_round_that_outlasts_the_shutdown_grace_is_stopped_with_a_warning(
    installed: Database,
    worker: OutboxWorker,
    teams: RecordingDeliverer,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Teams never answers: the app still stops, after `finish_within`, with a warning (the
    notice's fate is unknown; the next start's recovery marks it ambiguous)."""
    scheduler = Scheduler(
        worker, idle_tasks(installed), outbox_every=0.01, tasks_every=3600, finish_within=0.1
    )
    scheduler.start()
    teams.stall_next(GENERAL)
    async with installed.transaction() as session:
        await Messenger(session, clock).post_to_channel(GENERAL, Message(text="定例会です"))
    await asyncio.wait_for(teams.stalled.wait(), timeout=10)
    await asyncio.wait_for(scheduler.shutdown(), timeout=10)
    assert teams.posted == []
    levels = {r.levelname for r in caplog.records}
    assert "ERROR" not in levels
    assert "WARNING" in levels


async def test_while_teams_is_slow_to_answer_the_every_second_round_waits_without_warnings(
    installed: Database,
    worker: OutboxWorker,
    teams: RecordingDeliverer,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Teams takes a while to answer one post: later rounds wait for it quietly (no warning
    every tick that the job is still running), and the next notice still goes out."""
    scheduler = Scheduler(worker, idle_tasks(installed), outbox_every=0.01, tasks_every=3600)
    scheduler.start()
    try:
        answer = teams.stall_next(GENERAL)
        async with installed.transaction() as session:
            await Messenger(session, clock).post_to_channel(GENERAL, Message(text="定例会です"))
        await asyncio.wait_for(teams.stalled.wait(), timeout=10)
        await asyncio.sleep(0.2)  # twenty ticks while Teams has not answered
        answer.set()
        await asyncio.wait_for(teams.delivered.wait(), timeout=10)
        teams.delivered.clear()
        async with installed.transaction() as session:
            await Messenger(session, clock).post_to_channel(GENERAL, Message(text="次回です"))
        await asyncio.wait_for(teams.delivered.wait(), timeout=10)
    finally:
        await scheduler.shutdown()
    assert [p.text for p in teams.posted] == ["定例会です", "次回です"]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
