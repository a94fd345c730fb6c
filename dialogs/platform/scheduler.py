"""Background loops: the outbox every second (and at once when woken), due tasks every few
seconds. Features never talk to APScheduler: they `schedule()` tasks in the database.

Each round runs as a task of ours, apart from APScheduler's jobs: a job only starts a round
(none while one of its kind is still running) and returns at once, so a slow Teams never keeps
a job running past its next tick, and APScheduler's shutdown, which cancels the jobs in
flight, never cuts an outbox round off mid-send (that message's fate would be unknown). On
shutdown the rounds in progress finish instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

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
        finish_within: float = 8.0,  # under `docker stop`'s 10 s before SIGKILL
    ) -> None:
        self._outbox = outbox_worker
        self._tasks = task_runner
        self._outbox_every = outbox_every
        self._tasks_every = tasks_every
        self._finish_within = finish_within  # seconds a round in progress gets on shutdown
        self._scheduler: AsyncIOScheduler | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._rounds: set[asyncio.Task[None]] = set()
        self._kinds: dict[asyncio.Task[None], str] = {}  # each round's kind: outbox, task
        self._stopping = False

    def start(self) -> None:
        """Start the loops on the running event loop."""
        scheduler = AsyncIOScheduler(
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30}
        )
        scheduler.add_job(self._send_tick, "interval", seconds=self._outbox_every, id="outbox")
        scheduler.add_job(self._tasks_tick, "interval", seconds=self._tasks_every, id="tasks")
        scheduler.start()
        self._scheduler = scheduler
        self._stopping = False
        self._watcher = asyncio.get_running_loop().create_task(self._watch_wakes())

    async def shutdown(self) -> None:
        """Stop the loops; rounds in progress finish (and record) first, for up to
        `finish_within` seconds."""
        self._stopping = True
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)  # cancels its jobs, not our rounds
            self._scheduler = None
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None
        if self._rounds:
            _, late = await asyncio.wait(set(self._rounds), timeout=self._finish_within)
            for task in late:
                log.warning("a background round did not finish in time; stopped mid-way")
                task.cancel()
            if late:
                await asyncio.wait(late)
        await self._outbox.drain()

    async def _watch_wakes(self) -> None:
        while not self._stopping:
            await self._outbox.woken.wait()
            self._outbox.woken.clear()
            await self._send()

    async def _send_tick(self) -> None:
        await self._tick("outbox", self._outbox_round)

    async def _tasks_tick(self) -> None:
        await self._tick("task", self._tasks_round)

    async def _tick(self, name: str, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """An interval job: starts a round unless one of its kind is still running (Teams may
        take seconds to answer) and does not wait for it, so APScheduler never finds the job
        still running (it would warn at every tick)."""
        if not any(self._kinds.get(task) == name for task in self._rounds):
            self._begin(name, work)

    async def _send(self) -> None:
        await self._wait_for(self._begin("outbox", self._outbox_round))

    def _begin(
        self, name: str, work: Callable[[], Coroutine[Any, Any, None]]
    ) -> asyncio.Task[None]:
        """`work` as a round of ours: shutdown waits for it (see `shutdown`)."""
        task = asyncio.get_running_loop().create_task(work())
        self._rounds.add(task)
        self._kinds[task] = name
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._rounds.discard(task)
        del self._kinds[task]

    async def _outbox_round(self) -> None:
        try:
            await self._outbox.run_once()
        except Exception:
            log.exception("outbox round failed")

    async def _tasks_round(self) -> None:
        try:
            ran = await self._tasks.run_due()
        except Exception:
            log.exception("task round failed")
            return
        if ran:
            self._outbox.wake()  # tasks usually enqueue messages

    async def _wait_for(self, task: asyncio.Task[None]) -> None:
        """Wait for a round. Cancelled by shutdown, the wait ends quietly and the round goes on
        (shutdown waits for it); any other cancellation is passed on."""
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            if not self._stopping:
                raise
            log.debug(
                "%s round: stopping; the round in progress finishes first", self._kinds.get(task)
            )
