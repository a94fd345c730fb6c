"""Scheduled work kept in the database, so it survives restarts and runs once across instances.

A task is claimed in the same transaction that runs its handler and marks it done: a crash
rolls all three back together, so the task runs again after a restart and nothing it did is
left half-done or done twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.context import TaskContext
from dialogs.router import TaskHandler
from storage.db import Database
from storage.models import DueTask
from storage.repositories.dialect import insert

log = logging.getLogger(__name__)


async def schedule(
    session: AsyncSession,
    kind: str,
    key: str,
    due_at: datetime,
    payload: Mapping[str, Any] | None = None,
) -> DueTask:
    """Run the `kind` handler with `payload` at `due_at`. The same (kind, key) again moves the
    task (and re-arms it if it already ran, was cancelled or failed). A handler may schedule
    its own (kind, key) again to recur."""
    values = {
        "kind": kind,
        "key": key,
        "due_at": due_at,
        "payload": dict(payload or {}),
        "status": "pending",
        "attempts": 0,
    }
    stmt = insert(session, DueTask).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[DueTask.kind, DueTask.key],
        set_={
            "due_at": stmt.excluded.due_at,
            "payload": stmt.excluded.payload,
            "status": "pending",
            "attempts": 0,
            "last_error": None,
            "done_at": None,
        },
    ).returning(DueTask)
    result = await session.scalars(stmt, execution_options={"populate_existing": True})
    task: DueTask = result.one()
    return task


async def ensure_scheduled(session: AsyncSession, kind: str, key: str, due_at: datetime) -> None:
    """Seeds a recurring task at start-up, leaving one that is already pending where it is."""
    pending = await session.scalar(
        select(DueTask.id).where(
            DueTask.kind == kind, DueTask.key == key, DueTask.status == "pending"
        )
    )
    if pending is None:
        await schedule(session, kind, key, due_at)


async def cancel(session: AsyncSession, kind: str, key: str) -> bool:
    """Cancel a pending task; False when there was none."""
    cancelled = await session.scalar(
        update(DueTask)
        .where(DueTask.kind == kind, DueTask.key == key, DueTask.status == "pending")
        .values(status="cancelled")
        .returning(DueTask.id)
    )
    return cancelled is not None


class TaskRunner:
    def __init__(
        self,
        database: Database,
        handlers: Mapping[str, TaskHandler],
        make_context: Callable[[AsyncSession], TaskContext],
        *,
        max_attempts: int = 5,
        backoff_base: timedelta = timedelta(seconds=30),
        backoff_cap: timedelta = timedelta(hours=1),
        batch_size: int = 50,
    ) -> None:
        self._db = database
        self._handlers = handlers
        self._make_context = make_context
        self._max_attempts = max_attempts
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._batch_size = batch_size

    async def run_due(self) -> int:
        """Run due tasks one at a time; how many were run (including failed runs)."""
        ran = 0
        while ran < self._batch_size and await self._run_one():
            ran += 1
        return ran

    async def _run_one(self) -> bool:
        claimed: tuple[int, int, str] | None = None
        try:
            async with self._db.transaction() as session:
                context = self._make_context(session)
                now = context.clock.now()
                query = (
                    select(DueTask)
                    .where(DueTask.status == "pending", DueTask.due_at <= now)
                    .order_by(DueTask.due_at, DueTask.id)
                    .limit(1)
                )
                if self._db.dialect == "postgresql":
                    query = query.with_for_update(skip_locked=True)
                task = await session.scalar(query)
                if task is None:
                    return False
                claimed = (task.id, task.attempts, task.kind)
                handler = self._handlers.get(task.kind)
                if handler is None:
                    task.status, task.last_error = "failed", f"no handler for {task.kind}"
                    log.error("task %s/%s: no handler for its kind", task.kind, task.key)
                    return True
                # Done before the handler runs, so a handler that schedules its own key again
                # turns it back to pending.
                task.status, task.done_at = "done", now
                task.attempts += 1
                payload = dict(task.payload)
                await session.flush()
                await handler(context, payload)
            return True
        except Exception as exc:
            if claimed is None:
                raise
            log.exception("task %s (%s) failed", claimed[0], claimed[2])
            await self._failed(*claimed, exc)
            return True

    async def _failed(self, task_id: int, attempts: int, kind: str, exc: Exception) -> None:
        async with self._db.transaction() as session:
            context = self._make_context(session)
            now = context.clock.now()
            task = await session.get(DueTask, task_id)
            if task is None or task.status != "pending":
                return
            task.attempts = attempts + 1
            task.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if task.attempts >= self._max_attempts:
                task.status = "failed"
                log.error("task %s (%s) gave up after %s attempts", task_id, kind, task.attempts)
            else:
                delay = min(self._backoff_cap, self._backoff_base * 2 ** (task.attempts - 1))
                task.due_at = now + delay
