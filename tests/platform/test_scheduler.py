"""The background loops as the app runs them: a committed turn's message goes out at once."""

from __future__ import annotations

import asyncio
from typing import Any

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
