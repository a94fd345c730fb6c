"""Background loops: the outbox every second (and at once when woken), due tasks every few
seconds. Features never talk to APScheduler: they `schedule()` tasks in the database."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from dialogs.platform.outbox import OutboxWorker
from dialogs.platform.tasks import TaskRunner

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(
        self,
        outbox_worker: OutboxWorker,
        task_runner: TaskRunner,
        *,
        outbox_every: float = 1.0,
        tasks_every: float = 15.0,
    ) -> None:
        self._outbox = outbox_worker
        self._tasks = task_runner
        self._outbox_every = outbox_every
        self._tasks_every = tasks_every
        self._scheduler: AsyncIOScheduler | None = None
        self._watcher: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the loops on the running event loop."""
        scheduler = AsyncIOScheduler(
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30}
        )
        scheduler.add_job(self._send, "interval", seconds=self._outbox_every, id="outbox")
        scheduler.add_job(self._run_tasks, "interval", seconds=self._tasks_every, id="tasks")
        scheduler.start()
        self._scheduler = scheduler
        self._watcher = asyncio.get_running_loop().create_task(self._watch_wakes())

    async def shutdown(self) -> None:
        """Stop the loops; an outbox round in progress finishes (and records) first."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None
        await self._outbox.drain()

    async def _watch_wakes(self) -> None:
        while True:
            await self._outbox.woken.wait()
            self._outbox.woken.clear()
            await self._send()

    async def _send(self) -> None:
        try:
            await self._outbox.run_once()
        except Exception:
            log.exception("outbox round failed")

    async def _run_tasks(self) -> None:
        try:
            ran = await self._tasks.run_due()
        except Exception:
            log.exception("task round failed")
            return
        if ran:
            self._outbox.wake()  # tasks usually enqueue messages
