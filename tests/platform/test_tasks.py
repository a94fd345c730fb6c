"""Scheduled tasks: due work runs once, survives failures, and leaves nothing half-done."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from core.clock import FrozenClock
from core.i18n import Catalog
from core.settings import load_settings
from dialogs.context import Services, TaskContext
from dialogs.platform.coordinators import Coordinators
from dialogs.platform.ports import Address, Member
from dialogs.platform.tasks import TaskRunner, cancel, schedule
from dialogs.replies import Message
from dialogs.router import Router
from storage.db import Database
from storage.models import AuditEntry, DueTask, OutboxMessage
from storage.repositories.audit import record
from tests.platform.conftest import GENERAL, T0


class NoRoster:
    async def members(self, address: Address) -> list[Member]:
        return []


def services(clock: FrozenClock) -> Services:
    roster = NoRoster()
    return Services(
        settings=load_settings(),
        clock=clock,
        catalog=Catalog({"ja": {}, "en": {}}),
        router=Router(),
        roster=roster,
        coordinators=Coordinators([], roster, clock),
    )


def runner(database: Database, clock: FrozenClock, router: Router, **options: Any) -> TaskRunner:
    shared = services(clock)
    return TaskRunner(
        database, router.tasks, lambda session: TaskContext(session, shared), **options
    )


async def audit_actions(database: Database) -> list[str]:
    async with database.transaction() as session:
        return list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


async def task_row(database: Database, kind: str, key: str) -> DueTask:
    async with database.transaction() as session:
        task = await session.scalar(select(DueTask).where(DueTask.kind == kind, DueTask.key == key))
        assert task is not None
        return task


async def test_a_poll_closes_once_when_its_deadline_comes(
    database: Database, clock: FrozenClock
) -> None:
    router = Router()

    @router.task("poll.close")
    async def close_poll(ctx: TaskContext, payload: dict[str, Any]) -> None:
        await record(
            ctx.session, actor_key=None, action=f"closed {payload['poll']}", detail={}, now=T0
        )

    async with database.transaction() as session:
        await schedule(session, "poll.close", "poll-7", T0 + timedelta(hours=2), {"poll": 7})
    tasks = runner(database, clock, router)

    assert await tasks.run_due() == 0
    clock.advance(timedelta(hours=2))
    assert await tasks.run_due() == 1
    assert await tasks.run_due() == 0
    assert await audit_actions(database) == ["closed 7"]
    task = await task_row(database, "poll.close", "poll-7")
    assert (task.status, task.done_at) == ("done", clock.now())


async def test_moving_and_cancelling_a_deadline(database: Database, clock: FrozenClock) -> None:
    router = Router()

    @router.task("poll.close")
    async def close_poll(ctx: TaskContext, payload: dict[str, Any]) -> None:
        await record(ctx.session, actor_key=None, action=payload["poll"], detail={}, now=T0)

    async with database.transaction() as session:
        await schedule(session, "poll.close", "a", T0 + timedelta(hours=1), {"poll": "a"})
        await schedule(session, "poll.close", "b", T0 + timedelta(hours=1), {"poll": "b"})
    async with database.transaction() as session:
        await schedule(session, "poll.close", "a", T0 + timedelta(hours=3), {"poll": "a"})
        assert await cancel(session, "poll.close", "b") is True
        assert await cancel(session, "poll.close", "nothing") is False
    tasks = runner(database, clock, router)
    clock.advance(timedelta(hours=2))
    assert await tasks.run_due() == 0
    clock.advance(timedelta(hours=1))
    assert await tasks.run_due() == 1
    assert await audit_actions(database) == ["a"]


async def test_a_daily_digest_schedules_its_next_day(
    database: Database, clock: FrozenClock
) -> None:
    router = Router()

    @router.task("digest")
    async def digest(ctx: TaskContext, payload: dict[str, Any]) -> None:
        now = ctx.clock.now()
        await record(ctx.session, actor_key=None, action="digest", detail={}, now=now)
        await schedule(ctx.session, "digest", GENERAL, now + timedelta(days=1))

    async with database.transaction() as session:
        await schedule(session, "digest", GENERAL, T0)
    tasks = runner(database, clock, router)
    for _ in range(3):
        assert await tasks.run_due() == 1
        clock.advance(timedelta(days=1))
    assert await audit_actions(database) == ["digest"] * 3
    assert (await task_row(database, "digest", GENERAL)).status == "pending"


async def test_a_failing_task_is_retried_later_and_then_succeeds(
    database: Database, clock: FrozenClock
) -> None:
    router = Router()
    failures = ["Graph answered 503"]

    @router.task("summary")
    async def summary(ctx: TaskContext, payload: dict[str, Any]) -> None:
        if failures:
            raise RuntimeError(failures.pop())
        await record(ctx.session, actor_key=None, action="summary", detail={}, now=T0)

    async with database.transaction() as session:
        await schedule(session, "summary", "thread-1", T0)
    tasks = runner(database, clock, router)
    assert await tasks.run_due() == 1
    failed = await task_row(database, "summary", "thread-1")
    assert (failed.status, failed.attempts) == ("pending", 1)
    assert failed.last_error == "RuntimeError: Graph answered 503"
    assert failed.due_at > clock.now()
    assert await tasks.run_due() == 0
    clock.set(failed.due_at)
    assert await tasks.run_due() == 1
    assert await audit_actions(database) == ["summary"]


async def test_a_task_that_crashes_midway_leaves_nothing_behind(
    database: Database, clock: FrozenClock
) -> None:
    router = Router()

    @router.task("reminder")
    async def remind(ctx: TaskContext, payload: dict[str, Any]) -> None:
        await record(ctx.session, actor_key=None, action="reminded", detail={}, now=T0)
        await ctx.messenger.post_to_channel(GENERAL, Message(text="締切です"))
        raise ValueError("crashed after doing its work")

    async with database.transaction() as session:
        await schedule(session, "reminder", "poll-1", T0)
    tasks = runner(database, clock, router, max_attempts=2)
    assert await tasks.run_due() == 1
    clock.advance(timedelta(hours=2))
    assert await tasks.run_due() == 1
    clock.advance(timedelta(hours=2))
    assert await tasks.run_due() == 0

    assert await audit_actions(database) == []
    async with database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    task = await task_row(database, "reminder", "poll-1")
    assert (task.status, task.attempts) == ("failed", 2)


async def test_a_task_without_a_handler_is_marked_failed(
    database: Database, clock: FrozenClock
) -> None:
    async with database.transaction() as session:
        await schedule(session, "retired.feature", "x", T0)
    assert await runner(database, clock, Router()).run_due() == 1
    assert (await task_row(database, "retired.feature", "x")).status == "failed"


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"])
async def test_two_instances_run_each_task_once(database: Database, clock: FrozenClock) -> None:
    router = Router()

    @router.task("remind")
    async def remind(ctx: TaskContext, payload: dict[str, Any]) -> None:
        await asyncio.sleep(0)  # let the other instance try the same row meanwhile
        await record(ctx.session, actor_key=None, action=payload["who"], detail={}, now=T0)

    async with database.transaction() as session:
        for n in range(30):
            await schedule(session, "remind", f"k{n}", T0, {"who": f"p{n}"})
    other = Database(database.url)
    try:
        ran = await asyncio.gather(
            runner(database, clock, router).run_due(), runner(other, clock, router).run_due()
        )
    finally:
        await other.dispose()
    assert sum(ran) == 30 and all(ran)  # both instances took part
    assert sorted(await audit_actions(database)) == sorted(f"p{n}" for n in range(30))
