"""The scheduled sync and retention: every THREADS_SYNC_MINUTES the channels the bot is
installed in are synced from Graph by the worker, and the nightly prune forgets threads older
than RETENTION_MONTHS."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.clock import FrozenClock
from core.i18n import Catalog
from core.settings import Settings
from dialogs import maintenance
from dialogs.context import Services, TaskContext
from dialogs.platform.coordinators import Coordinators
from dialogs.platform.ports import Address, Member
from dialogs.platform.tasks import TaskRunner
from dialogs.router import Router
from dialogs.threads import tasks as thread_tasks
from dialogs.threads.capture import LiveMessage, capture_message
from dialogs.threads.retention import retention_cutoff
from dialogs.threads.state import get_state
from dialogs.threads.store import (
    MessageVersion,
    count_messages,
    thread_messages,
    upsert_messages,
)
from dialogs.threads.tasks import SYNC, ThreadSyncWorker, seed
from storage.db import Database
from storage.models import DueTask
from storage.repositories.conversations import upsert_conversation
from tests.fakes.graph import FakeChannel, FakeGraph
from tests.fixtures.connector import JIRO
from tests.threads.scenario import CHANNEL_ID, NOW, TEAM_GROUP, Community, author
from tests.threads.test_sync import KEPT

RENRAKU = "19:ehime-renraku0001@thread.tacv2"


class NoRoster:
    async def members(self, address: Address) -> list[Member]:
        return []


def settings(database: Database) -> Settings:
    return Settings(  # type: ignore[call-arg]
        DATABASE_URL=database.url, THREADS_SYNC_MINUTES=15, RETENTION_MONTHS=24
    )


def task_runner(database: Database, clock: FrozenClock) -> TaskRunner:
    router = Router().include(thread_tasks.router, maintenance.router)
    services = Services(
        settings=settings(database),
        clock=clock,
        catalog=Catalog({"ja": {}, "en": {}}),
        router=router,
        roster=NoRoster(),
        coordinators=Coordinators([], NoRoster(), clock),
    )
    return TaskRunner(database, router.tasks, lambda session: TaskContext(session, services))


def worker(database: Database, clock: FrozenClock, client: Any) -> ThreadSyncWorker:
    @contextlib.asynccontextmanager
    async def open_client() -> AsyncIterator[Any]:
        yield client

    return ThreadSyncWorker(database, clock, settings(database), open_client, pace=0.0)


async def install(database: Database) -> None:
    """The bot is in the team's General channel; it also knows a personal chat and a channel
    whose team's group id it never learnt."""
    async with database.transaction() as session:
        for conversation_id, kind, group in (
            (CHANNEL_ID, "channel", TEAM_GROUP),
            ("a:1personal-taro", "personal", None),
            ("19:nogroup@thread.tacv2", "channel", None),
        ):
            await upsert_conversation(
                session, conversation_id=conversation_id, kind=kind,
                service_url="https://smba.example/jp/", tenant_id="tenant", team_id=None,
                team_aad_group_id=group,
                channel_id=conversation_id if kind == "channel" else None, team_name=None,
                channel_name=None, bot_id=None, bot_name=None, now=NOW,
            )  # fmt: skip


async def test_every_fifteen_minutes_the_installed_channels_are_synced_from_graph(
    database: Database, graph: FakeGraph, client: Any, community: Community
) -> None:
    clock = FrozenClock(NOW)
    await install(database)
    await seed(database, NOW)
    runner, syncs = task_runner(database, clock), worker(database, clock, client)

    assert await runner.run_due() == 1
    [report] = await syncs.run_once()

    assert report.ok and report.channel_id == CHANNEL_ID and report.messages == KEPT
    assert await syncs.run_once() == []  # nothing more was asked for
    async with database.transaction() as session:
        task = await session.scalar(select(DueTask).where(DueTask.kind == SYNC))
        assert task is not None and task.status == "pending"
        assert task.due_at == NOW + timedelta(minutes=15)
        state = await get_state(session, CHANNEL_ID)
        assert state and state.requested_at is None and state.last_synced_at == NOW
        assert await get_state(session, "19:nogroup@thread.tacv2") is None

    clock.advance(timedelta(minutes=15))
    before = graph.count()
    assert await runner.run_due() == 1
    [again] = await syncs.run_once()
    assert again.ok and graph.requests[before].kind == "delta"


async def test_other_channels_of_the_team_where_people_wrote_are_synced_too(
    database: Database, graph: FakeGraph, client: Any, community: Community
) -> None:
    clock = FrozenClock(NOW)
    await install(database)
    graph.add_channel(TEAM_GROUP, RENRAKU).post(author(JIRO), "<p>連絡です</p>", at=NOW)
    async with database.transaction() as session:
        for channel, team in ((RENRAKU, TEAM_GROUP), ("19:elsewhere@thread.tacv2", "other")):
            live = LiveMessage(channel, "live-1", "live-1", at=NOW, team_aad_group_id=team)
            await capture_message(session, live, NOW)
    await seed(database, NOW)

    await task_runner(database, clock).run_due()
    reports = await worker(database, clock, client).run_once()

    assert sorted((r.channel_id, r.ok) for r in reports) == [(CHANNEL_ID, True), (RENRAKU, True)]
    async with database.transaction() as session:
        renraku = await thread_messages(session, RENRAKU, "live-1")
        assert await get_state(session, "19:elsewhere@thread.tacv2") is None
    assert [m.source for m in renraku] == ["live"]


async def test_a_channel_graph_refuses_is_asked_again_only_the_next_day(
    database: Database, graph: FakeGraph, channel: FakeChannel, client: Any, community: Community
) -> None:
    clock = FrozenClock(NOW)
    await install(database)
    await seed(database, NOW)
    runner, syncs = task_runner(database, clock), worker(database, clock, client)
    graph.refuse(channel, 403)
    await runner.run_due()
    [refused] = await syncs.run_once()
    assert not refused.history_available

    clock.advance(timedelta(minutes=15))
    await runner.run_due()
    assert await syncs.run_once() == []

    clock.advance(timedelta(days=1))
    channel.refused = None
    await runner.run_due()
    [back] = await syncs.run_once()
    assert back.ok and back.history_available


def version(message_id: str, root_id: str, at: datetime) -> MessageVersion:
    return MessageVersion(
        channel_id=CHANNEL_ID, message_id=message_id, root_id=root_id, created_at=at,
        modified_at=at, source="graph", text=message_id,
    )  # fmt: skip


async def test_the_nightly_prune_forgets_threads_older_than_the_retention(
    database: Database,
) -> None:
    clock = FrozenClock(NOW)
    long_ago = NOW - timedelta(days=800)
    async with database.transaction() as session:
        await upsert_messages(
            session,
            [
                version("old-root", "old-root", long_ago),
                version("old-reply", "old-root", long_ago + timedelta(days=1)),
                version("revived-root", "revived-root", long_ago),
                version("recent-reply", "revived-root", NOW - timedelta(days=3)),
                version("new-root", "new-root", NOW - timedelta(days=1)),
            ],
            NOW,
        )
    await maintenance.seed(database, NOW, ZoneInfo("Asia/Tokyo"))
    clock.advance(timedelta(days=1))

    assert await task_runner(database, clock).run_due() == 1

    async with database.transaction() as session:
        assert await count_messages(session, CHANNEL_ID) == 3
        kept = set(
            await session.scalars(
                select(DueTask.key).where(DueTask.kind == maintenance.PRUNE)  # still scheduled
            )
        )
    assert kept == {"daily"}


def test_retention_counts_calendar_months() -> None:
    assert retention_cutoff(datetime(2026, 11, 26, 1, tzinfo=UTC), 24) == datetime(
        2024, 11, 26, 1, tzinfo=UTC
    )
    assert retention_cutoff(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(
        2026, 2, 28, tzinfo=UTC
    )
    assert retention_cutoff(datetime(2026, 1, 15, tzinfo=UTC), 13) == datetime(
        2024, 12, 15, tzinfo=UTC
    )
