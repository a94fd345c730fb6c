"""The scheduled sync: the task `threads.sync` asks for every known channel to be synced, and
the `ThreadSyncWorker` runs what was asked, outside any turn's transaction.

The task runs inside the transaction that claimed it, so it only writes requests (fast); the
Graph requests happen in the worker, each page in its own transaction. A channel Graph refused
is asked again once a day, not every round.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.settings import Settings
from dialogs.context import TaskContext
from dialogs.platform.tasks import ensure_scheduled, schedule
from dialogs.router import Router
from dialogs.threads.state import get_state, request_sync, requested_channels
from dialogs.threads.store import channels_with_messages
from dialogs.threads.sync import ChannelSync, SyncReport
from storage.db import Database
from storage.repositories.conversations import active_team_conversations

log = logging.getLogger(__name__)

router = Router()

SYNC = "threads.sync"
SYNC_KEY = "channels"
RECHECK_REFUSED = timedelta(days=1)
# Least seconds between two Graph requests of the worker (Graph allows about 5 a second per
# app and tenant for channel messages; the bot's own sends count against other limits).
PACE = 0.25


@router.task(SYNC)
async def request_channel_syncs(ctx: TaskContext, payload: dict[str, Any]) -> None:
    """Asks for a sync of every channel the bot knows in the teams it is installed in, and
    comes back in `THREADS_SYNC_MINUTES`."""
    now = ctx.clock.now()
    for team, channel in await _known_channels(ctx.session):
        state = await get_state(ctx.session, channel)
        recently_refused = (
            state is not None
            and not state.history_available
            and state.last_error_at is not None
            and now - state.last_error_at < RECHECK_REFUSED
        )
        if not recently_refused:
            await request_sync(ctx.session, team, channel, now)
    minutes = ctx.services.settings.threads_sync_minutes
    await schedule(ctx.session, SYNC, SYNC_KEY, now + timedelta(minutes=minutes))


async def _known_channels(session: AsyncSession) -> list[tuple[str, str]]:
    """(team group id, channel id) of the channel conversations of teams the bot is installed
    in, and of the other channels of those teams where it has received messages."""
    known: dict[str, str] = {}
    for conversation in await active_team_conversations(session):
        team, channel = conversation.team_aad_group_id, conversation.channel_id
        if team and channel:
            known[channel] = team
    teams = set(known.values())
    for team, channel in await channels_with_messages(session):
        if team in teams:
            known.setdefault(channel, team)
    return sorted((team, channel) for channel, team in known.items())


async def seed(database: Database, now: datetime) -> None:
    """Called at start-up when Graph is configured: make sure the recurring task exists."""
    async with database.transaction() as session:
        await ensure_scheduled(session, SYNC, SYNC_KEY, now)


class ThreadSyncWorker:
    """Runs the channel syncs that were asked for, one channel at a time."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        settings: Settings,
        open_client: Callable[[], AbstractAsyncContextManager[Any]],
        *,
        every: float = 30.0,
        pace: float = PACE,
    ) -> None:
        self._database = database
        self._clock = clock
        self._settings = settings
        self._open_client = open_client
        self._every = every
        self._pace = pace
        self._loop_task: asyncio.Task[None] | None = None

    async def run_once(self) -> list[SyncReport]:
        """Syncs every channel asked for and not already being synced; their reports."""
        async with self._database.transaction() as session:
            channels = await requested_channels(session, self._clock.now())
        if not channels:
            return []
        reports = []
        async with self._open_client() as client:
            sync = ChannelSync(
                self._database,
                client,
                self._clock,
                retention_months=self._settings.retention_months,
                pace=self._pace,
            )
            for team, channel in channels:
                report = await sync.run(team, channel)
                if report.error:
                    log.warning("thread sync of %s: %s", channel, report.error)
                reports.append(report)
        return reports

    async def start(self) -> None:
        await seed(self._database, self._clock.now())
        self._loop_task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
            self._loop_task = None

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                log.exception("thread sync round failed")
            await asyncio.sleep(self._every)
