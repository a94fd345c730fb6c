"""Settling digests whose send had an unknown outcome, outside any turn's transaction.

The outbox never resends a post whose outcome is unknown (a timeout, 502/504, a crash while
sending): the message may be in the channel already. For a digest the bot can find out: its
card carries a unique marker, and Graph lists the channel's recent posts. Found: the digest is
sent, with the post's id. Not found (a couple of minutes after the send, so Teams has settled):
the same card is posted again through the outbox. Graph failing: looked for again next round,
for up to GIVE_UP_AFTER. No Graph at all (no app registration): never resent; the channel's next
digest says this one may be missing.

A search holds the digest under a lease, so two instances never search (and resend) the same
digest at once. `start` also makes sure every channel with the digest on has its task pending.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, Literal

from sqlalchemy import select

from core.clock import Clock
from dialogs.digest import store
from dialogs.digest.links import channel_place
from dialogs.digest.posting import CHECK_AFTER, DIGEST_TASK, dedupe_key, follow
from dialogs.digest.settings import enabled_settings
from dialogs.platform.messenger import Messenger
from dialogs.platform.tasks import schedule
from dialogs.replies import Message
from graph.channels import GraphError, find_post
from storage.db import Database
from storage.models import DueTask, OutboxMessage

log = logging.getLogger(__name__)

GraphOpener = Callable[[], AbstractAsyncContextManager[Any]]
Outcome = Literal["found", "resent", "unresolved", "later"]

# Let Teams settle before concluding from Graph that a post is not there.
SETTLE = dt.timedelta(minutes=2)
HOLD = dt.timedelta(minutes=10)
GIVE_UP_AFTER = dt.timedelta(hours=12)
# Posts created this long before the digest was claimed cannot be it.
LOOK_BACK = dt.timedelta(minutes=5)


class DigestResolver:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        open_graph: GraphOpener | None,
        *,
        every: float = 60.0,
    ) -> None:
        self._database = database
        self._clock = clock
        self._open_graph = open_graph
        self._every = every
        self._loop_task: asyncio.Task[None] | None = None

    async def run_once(self) -> list[tuple[int, Outcome]]:
        """Settles every digest waiting for a marker search; what became of each."""
        now = self._clock.now()
        async with self._database.transaction() as session:
            taken = await store.take_for_checking(session, now, settled_for=SETTLE, hold=HOLD)
        if not taken:
            return []
        if self._open_graph is None:
            return [(d.id, await self._unresolved(d, "no Graph to look for it")) for d in taken]
        outcomes: list[tuple[int, Outcome]] = []
        try:
            async with self._open_graph() as client:
                for digest in taken:
                    outcomes.append((digest.id, await self._resolve(client, digest)))
        finally:
            async with self._database.transaction() as session:
                for digest in taken:
                    if digest.id not in {found for found, _ in outcomes}:
                        await store.release(session, digest.id)
        return outcomes

    async def _resolve(self, client: Any, digest: store.Digest) -> Outcome:
        async with self._database.transaction() as session:
            place = await channel_place(session, digest.conversation_id)
        if place.team_aad_group_id is None:
            return await self._unresolved(digest, "the channel's team is unknown to Graph")
        try:
            found = await find_post(
                client,
                place.team_aad_group_id,
                place.channel_id,
                digest.marker,
                since=digest.created_at - LOOK_BACK,
            )
        except GraphError as exc:
            return await self._later(digest, str(exc))
        now = self._clock.now()
        async with self._database.transaction() as session:
            if found is not None:
                log.info("digest %s: found in the channel as %s", digest.id, found.id)
                await store.set_status(
                    session, digest.id, store.SENT, now, activity_id=found.id,
                    expect=store.CHECKING,
                )  # fmt: skip
                return "found"
            if not await store.still_held(session, digest.id, now):
                return "later"  # the lease ran out; another round (or instance) has it
            post = await session.get(OutboxMessage, digest.outbox_id) if digest.outbox_id else None
            if post is None:
                await store.set_status(session, digest.id, store.FAILED, now, detail="no post")
                return "unresolved"
            send = digest.sends + 1
            outbox_id = await Messenger(session, self._clock).post_to_channel(
                digest.conversation_id,
                Message.from_payload(post.payload),
                dedupe_key=dedupe_key(digest.id, send),
            )
            await store.set_queued(session, digest.id, outbox_id, send, now)
            await follow(session, digest.id, now + CHECK_AFTER)
        log.warning("digest %s: not in the channel after an unknown outcome; sent again", digest.id)
        return "resent"

    async def _later(self, digest: store.Digest, error: str) -> Outcome:
        now = self._clock.now()
        since = digest.checking_since or now
        if now - since >= GIVE_UP_AFTER:
            return await self._unresolved(digest, f"Graph kept failing: {error}")
        log.warning("digest %s: Graph failed while looking for it (%s); later", digest.id, error)
        async with self._database.transaction() as session:
            await store.release(session, digest.id)
        return "later"

    async def _unresolved(self, digest: store.Digest, why: str) -> Outcome:
        log.warning("digest %s: outcome unknown and not resent (%s)", digest.id, why)
        async with self._database.transaction() as session:
            await store.set_status(
                session, digest.id, store.UNRESOLVED, self._clock.now(), detail=why,
                expect=store.CHECKING,
            )  # fmt: skip
        return "unresolved"

    async def seed(self) -> None:
        """Every channel with the digest on has its task pending (a task that gave up after
        failing is armed again; the task itself decides what is due)."""
        now = self._clock.now()
        async with self._database.transaction() as session:
            for settings in await enabled_settings(session):
                channel = settings.conversation_id
                pending = await session.scalar(
                    select(DueTask.id).where(
                        DueTask.kind == DIGEST_TASK,
                        DueTask.key == channel,
                        DueTask.status == "pending",
                    )
                )
                if pending is None:
                    await schedule(session, DIGEST_TASK, channel, now, {"conversation_id": channel})

    async def start(self) -> None:
        await self.seed()
        self._loop_task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
            self._loop_task = None

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self._every)
            try:
                await self.run_once()
            except Exception:
                log.exception("digest resolver round failed")
