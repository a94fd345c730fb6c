"""History and repair from Graph: one channel's sync, page by page, each page committed with
the position that follows it.

A channel's first sync is a **backfill**: every top-level post with its replies
(`$expand=replies`, 50 posts a page, more replies through `replies@odata.nextLink`), then one
delta request that anchors a **delta link**. Later syncs follow the delta link (changed
top-level posts; Graph's delta has no replies) and re-read the replies of every thread active
in the last 14 days and of every post the delta returned.

Graph's list of posts cannot be filtered by date, so the backfill reads every page, but a
thread whose last activity is older than `RETENTION_MONTHS` is not stored. 429/503/504 are
retried by the SDK (honouring Retry-After); whatever still fails ends the sync with what was
committed kept and the position where it stopped, and the report says what failed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from core.clock import Clock
from dialogs.dispatch import Transactions
from dialogs.threads.retention import retention_cutoff
from dialogs.threads.state import SyncState, claim, ensure_channel, get_state, set_state
from dialogs.threads.store import MessageVersion, threads, upsert_messages
from dialogs.threads.versions import thread_versions
from graph.channels import (
    ChannelMessage,
    GraphError,
    GraphRefused,
    LinkExpired,
    delta_page,
    messages_page,
    replies_page,
)

log = logging.getLogger(__name__)

ACTIVE_FOR = timedelta(days=14)
# A delta round after a backfill starts a little before the backfill did, so nothing changed
# while it ran is missed (reading a post twice is harmless).
OVERLAP = timedelta(minutes=10)
# One sync holds a channel this long after its last page (a crashed one is released by time).
LEASE = timedelta(minutes=30)


@dataclass(frozen=True)
class Progress:
    """What a sync has done so far, after each page."""

    phase: str  # backfill | delta | replies
    pages: int
    messages: int
    done: int | None = None  # threads re-read (replies phase)
    total: int | None = None


@dataclass
class SyncReport:
    channel_id: str
    team_aad_group_id: str
    pages: int = 0  # Graph pages read (posts, replies, delta)
    messages: int = 0  # posts and replies stored (new or newer versions of known ones)
    threads_skipped_as_old: int = 0
    events_dropped: int = 0
    threads_rechecked: int = 0
    backfill_complete: bool = False
    history_available: bool = True
    busy: bool = False  # another sync held the channel; nothing was done
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.busy


class ChannelSync:
    """Syncs channels from Graph into the thread store; one `run` per channel at a time."""

    def __init__(
        self,
        database: Transactions,
        client: Any,
        clock: Clock,
        *,
        retention_months: int,
        active_for: timedelta = ACTIVE_FOR,
        pace: float = 0.0,
        on_progress: Callable[[Progress], None] | None = None,
    ) -> None:
        self._database = database
        self._client = client
        self._clock = clock
        self._retention_months = retention_months
        self._active_for = active_for
        self._pace = pace  # least seconds between two requests (Graph allows ~5/s per tenant)
        self._last_request = 0.0
        self._on_progress = on_progress or (lambda progress: None)

    async def run(self, team_id: str, channel_id: str, *, restart: bool = False) -> SyncReport:
        """Backfill or bring up to date one channel. Never raises for Graph's refusals or
        failures: they are recorded on the channel and in the report."""
        report = SyncReport(channel_id, team_id)
        now = self._clock.now()
        async with self._database.transaction() as session:
            await ensure_channel(session, team_id, channel_id, now)
            if not await claim(session, channel_id, now, now + LEASE):
                report.busy = True
                return report
            if restart:
                await set_state(
                    session, channel_id, now, cursor=None, delta_link=None,
                    backfill_started_at=None, backfill_done_at=None,
                )  # fmt: skip
        run = _Run(self, team_id, channel_id, report)
        try:
            await run.sync()
        except GraphRefused as exc:
            report.history_available = False
            report.error = str(exc)
            await run.finish(
                history_available=False, unavailable_reason=str(exc)[:256],
                last_error=str(exc), last_error_at=self._clock.now(),
            )  # fmt: skip
            log.warning("Graph refused channel %s: %s", channel_id, exc)
            return report
        except GraphError as exc:
            report.error = str(exc)
            await run.finish(last_error=str(exc), last_error_at=self._clock.now())
            log.warning("sync of channel %s stopped: %s", channel_id, exc)
            return report
        except BaseException:
            await asyncio.shield(run.release())
            raise
        await run.finish(
            history_available=True, unavailable_reason=None, last_error=None,
            last_error_at=None, last_synced_at=self._clock.now(),
        )  # fmt: skip
        return report


class _Run:
    """One sync of one channel."""

    def __init__(self, sync: ChannelSync, team_id: str, channel_id: str, report: SyncReport):
        self._sync = sync
        self._team = team_id
        self._channel = channel_id
        self._report = report
        self._client = sync._client

    # --- phases -------------------------------------------------------------------------

    async def sync(self) -> None:
        state = await self._state()
        just_backfilled = False
        if not state.backfilled:
            await self._backfill(state)
            just_backfilled = True
            state = await self._state()
        self._report.backfill_complete = True
        changed = await self._delta(state)
        if just_backfilled:
            # The backfill has just read every reply; only posts changed since need a look.
            roots = sorted(changed)
        else:
            roots = await self._active_roots(changed)
        await self._recheck(roots)

    async def _backfill(self, state: SyncState) -> None:
        link = state.cursor
        if state.backfill_started_at is None:
            await self._save(backfill_started_at=self._now())
        cutoff = retention_cutoff(self._now(), self._sync._retention_months)
        restarted = False
        while True:
            try:
                page = await self._request(messages_page, link)
            except LinkExpired:
                if restarted or link is None:
                    raise
                log.info("backfill position of %s expired; reading from the start", self._channel)
                link, restarted = None, True
                continue
            versions: list[MessageVersion] = []
            for root in page.messages:
                thread = [root, *root.replies, *await self._more_replies(root)]
                if max(m.modified_at for m in thread) < cutoff:
                    self._report.threads_skipped_as_old += 1
                    continue
                versions.extend(self._versions(thread))
            done = page.next_link is None
            await self._store(
                versions,
                cursor=page.next_link,
                **({"backfill_done_at": self._now()} if done else {}),
            )
            self._progress("backfill")
            if done:
                return
            link = page.next_link

    async def _more_replies(self, root: ChannelMessage) -> list[ChannelMessage]:
        """The replies beyond those inlined with the post (more than 1000)."""
        found: list[ChannelMessage] = []
        link = root.replies_next_link
        while link:
            try:
                page = await self._request(replies_page, root.id, link)
            except GraphRefused as exc:
                if exc.status != 404:
                    raise
                break  # the post went while we read it
            found.extend(page.messages)
            link = page.next_link
        return found

    async def _delta(self, state: SyncState) -> set[str]:
        """Follows the delta link to its next one; the ids of the posts that changed."""
        link = state.cursor or state.delta_link
        since = None
        if link is None:
            since = self._round_start(state)
        changed: set[str] = set()
        restarted = False
        while True:
            try:
                page = await self._request(delta_page, link, since=since)
            except LinkExpired:
                if restarted or link is None:
                    raise
                log.info("delta link of %s expired; starting a new round", self._channel)
                link, since, restarted = None, self._round_start(state), True
                continue
            posts = [post for post in page.messages if post.is_message]
            self._report.events_dropped += len(page.messages) - len(posts)
            changed.update(post.id for post in posts)
            versions = self._versions(posts)
            if page.delta_link or not page.next_link:
                await self._store(versions, cursor=None, delta_link=page.delta_link)
                self._progress("delta")
                return changed
            await self._store(versions, cursor=page.next_link)
            self._progress("delta")
            link, since = page.next_link, None

    def _round_start(self, state: SyncState) -> datetime:
        started = state.last_synced_at or state.backfill_started_at or self._now()
        cutoff = retention_cutoff(self._now(), self._sync._retention_months)
        return max(started - OVERLAP, cutoff)

    async def _active_roots(self, changed: Iterable[str]) -> list[str]:
        since = self._now() - self._sync._active_for
        async with self._sync._database.transaction() as session:
            active = [t.root_id for t in await threads(session, self._channel, active_since=since)]
        return active + sorted(set(changed) - set(active))

    async def _recheck(self, roots: list[str]) -> None:
        for number, root in enumerate(roots, start=1):
            link: str | None = None
            while True:
                try:
                    page = await self._request(replies_page, root, link)
                except GraphRefused as exc:
                    if exc.status != 404:
                        raise
                    break  # the post itself is gone: nothing more to read
                await self._store(self._versions(page.messages))
                if not page.next_link:
                    break
                link = page.next_link
            self._report.threads_rechecked += 1
            self._progress("replies", done=number, total=len(roots))

    # --- helpers ------------------------------------------------------------------------

    def _versions(self, messages: Iterable[ChannelMessage]) -> list[MessageVersion]:
        listed = list(messages)
        versions = thread_versions(listed, self._channel, self._team)
        self._report.events_dropped += len(listed) - len(versions)
        return versions

    async def _request(self, read: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        pace = self._sync._pace
        if pace:
            wait = self._sync._last_request + pace - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._sync._last_request = time.monotonic()
        page = await read(self._client, self._team, self._channel, *args, **kwargs)
        self._report.pages += 1
        return page

    async def _store(self, versions: list[MessageVersion], **position: Any) -> None:
        """The page's messages and the position after it, in one transaction."""
        now = self._now()
        async with self._sync._database.transaction() as session:
            await upsert_messages(session, versions, now)
            await set_state(session, self._channel, now, lease_until=now + LEASE, **position)
        self._report.messages += len(versions)

    async def _save(self, **values: Any) -> None:
        async with self._sync._database.transaction() as session:
            await set_state(session, self._channel, self._now(), **values)

    async def _state(self) -> SyncState:
        async with self._sync._database.transaction() as session:
            state = await get_state(session, self._channel)
        assert state is not None  # created by run() before the sync starts
        return state

    def _progress(self, phase: str, *, done: int | None = None, total: int | None = None) -> None:
        report = self._report
        self._sync._on_progress(Progress(phase, report.pages, report.messages, done, total))

    def _now(self) -> datetime:
        return self._sync._clock.now()

    async def finish(self, **values: Any) -> None:
        await self._save(lease_until=None, requested_at=None, **values)

    async def release(self) -> None:
        try:
            await self._save(lease_until=None)
        except Exception:
            log.exception("could not release the sync lease of %s", self._channel)
