"""The outbox worker: sends what features enqueued, at Teams' pace, and never twice.

Rows are claimed in a short transaction (status "sending"; PostgreSQL skips rows another
instance has locked), sent outside any transaction, and the outcome recorded afterwards. A send
whose outcome is unknown becomes "ambiguous" and is not repeated: a lost message is better
than a duplicated one. Card updates are idempotent, so they are simply retried.

Just before a post leaves, its row is stamped `attempted_at` (committed). A process that died
mid-round thus leaves two kinds of stale "sending" rows: stamped ones were in flight (their
outcome is unknown: "ambiguous") and unstamped ones were only claimed (back to "pending").
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.clock import Clock
from dialogs.platform.messenger import RENDER_KEY, UPDATE_SPACING
from dialogs.platform.ports import (
    Address,
    Ambiguous,
    Delivered,
    Deliverer,
    Member,
    Refused,
    RetryLater,
)
from dialogs.platform.ratelimit import RateLimiter
from dialogs.replies import Mention, Message
from storage.db import Database
from storage.models import Conversation, OutboxMessage, Person
from storage.repositories.conversations import base_conversation_id, get_conversation, mark_inactive
from storage.repositories.people import get_person, set_personal_conversation

log = logging.getLogger(__name__)

# Who the bot shares a conversation with, to open a 1:1 chat from: (session, person, hint) where
# the hint is the conversation the feature named as fallback.
PersonalRoute = Callable[[AsyncSession, Person, str | None], Awaitable[Address | None]]
# Builds a live card's current state when its edit is sent: (session, kind, subject id); None
# when there is nothing to show any more.
CardRenderer = Callable[[AsyncSession, str, int], Awaitable[Message | None]]

GONE = (403, 404)
# A row left "sending" this long belonged to an instance that died mid-send.
STALE_SENDING = timedelta(minutes=5)
_MAX_ROUNDS = 50


def address_of(conversation: Conversation) -> Address:
    return Address(
        service_url=conversation.service_url,
        conversation_id=conversation.conversation_id,
        tenant_id=conversation.tenant_id,
        team_id=conversation.team_id,
        bot_id=conversation.bot_id,
        bot_name=conversation.bot_name,
    )


async def shared_conversation(
    session: AsyncSession, person: Person, hint: str | None
) -> Address | None:
    """The fallback conversation if the bot is still there, else a team channel (or group
    chat) of the person's tenant where the bot is installed."""
    if hint is not None:
        conversation = await get_conversation(session, hint)
        if conversation is not None and conversation.active:
            return address_of(conversation)
    query = select(Conversation).where(
        Conversation.active.is_(True), Conversation.kind.in_(("channel", "groupChat"))
    )
    if person.tenant_id is not None:
        query = query.where(Conversation.tenant_id == person.tenant_id)
    query = query.order_by(case((Conversation.kind == "channel", 0), else_=1), Conversation.id)
    found = await session.scalar(query.limit(1))
    return address_of(found) if found is not None else None


@dataclass(frozen=True)
class _Job:
    """A claimed row, detached from its session."""

    id: int
    kind: str
    conversation_id: str | None
    thread_id: str | None
    person_key: str | None
    payload: dict[str, Any]
    fallback_conversation_id: str | None
    fallback_thread_id: str | None
    attempts: int
    target_activity_id: str | None = None
    target_conversation_id: str | None = None
    claimed_at: datetime | None = None

    @property
    def rate_key(self) -> str:
        if self.conversation_id is not None:
            return self.conversation_id
        return f"person:{self.person_key}"


class _Undeliverable(Exception):
    """Nothing was sent and nothing will change by retrying (no such conversation)."""


class _NoLongerOurs(Exception):
    """Nothing was sent: the claim went stale and another instance's recovery took the row."""


class OutboxWorker:
    def __init__(
        self,
        database: Database,
        deliverer: Deliverer,
        clock: Clock,
        *,
        resolve_personal: PersonalRoute = shared_conversation,
        render: CardRenderer | None = None,
        max_attempts: int = 8,
        batch_size: int = 20,
        backoff_base: timedelta = timedelta(seconds=2),
        backoff_cap: timedelta = timedelta(minutes=10),
        limiter: RateLimiter | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._db = database
        self._deliverer = deliverer
        self._clock = clock
        self._resolve_personal = resolve_personal
        self._render = render
        self._max_attempts = max_attempts
        self._batch_size = batch_size
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._limiter = limiter or RateLimiter()
        self._rng = rng or random.Random()
        self._running = asyncio.Lock()
        self.woken = asyncio.Event()

    def wake(self) -> None:
        """Something was enqueued and committed: send it now rather than at the next tick."""
        self.woken.set()

    async def drain(self) -> None:
        """Wait until a round in progress has finished and recorded its outcomes."""
        async with self._running:
            pass

    async def run_once(self) -> int:
        """Deliver everything due now; how many rows were handled (sent, retried or given up)."""
        async with self._running:
            await self._recover_stale()
            handled = 0
            for _ in range(_MAX_ROUNDS):
                jobs, looked_at = await self._claim()
                if not looked_at:
                    break
                for job in jobs:
                    await self._deliver(job)
                    handled += 1
            return handled

    async def _recover_stale(self) -> None:
        cutoff = self._clock.now() - STALE_SENDING
        async with self._db.transaction() as session:
            stale = (OutboxMessage.status == "sending", OutboxMessage.updated_at < cutoff)
            # Claimed but never attempted (nothing left), or an edit (sending it twice shows
            # the same card): sent again.
            await session.execute(
                update(OutboxMessage)
                .where(
                    *stale,
                    or_(OutboxMessage.kind == "update", OutboxMessage.attempted_at.is_(None)),
                )
                .values(status="pending")
            )
            await session.execute(
                update(OutboxMessage)
                .where(*stale)
                .values(status="ambiguous", last_error="interrupted while sending")
            )

    async def _claim(self) -> tuple[list[_Job], int]:
        """Rows to send now, and how many due rows were looked at (some are paced for
        later by the rate limit)."""
        now = self._clock.now()
        target = aliased(OutboxMessage)
        # An update, or a reply in a post's thread, can go once that post is settled (usually
        # sent, with an activity id).
        target_settled = exists().where(
            target.id == OutboxMessage.target_outbox_id,
            target.status.in_(("sent", "ambiguous", "failed")),
        )
        query = (
            select(OutboxMessage)
            .where(
                OutboxMessage.status == "pending",
                OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.target_outbox_id.is_(None), target_settled),
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(self._batch_size)
        )
        if self._db.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True, of=OutboxMessage)
        jobs: list[_Job] = []
        async with self._db.transaction() as session:
            rows = (await session.scalars(query)).all()
            superseded: set[int] = set()
            for row in rows:
                if row.id in superseded:
                    continue
                row.updated_at = now
                if row.kind == "update":
                    older = await self._supersede_older_edits(session, row)
                    superseded |= older
                    if row.id in older:
                        continue
                job = await self._job_of(session, row)
                if job is None:
                    row.status = "failed"
                    row.last_error = "the post to update or reply to was never delivered"
                    continue
                wait = self._limiter.delay(job.rate_key, now)
                if wait > timedelta(0):
                    row.next_attempt_at = now + wait
                    continue
                self._limiter.record(job.rate_key, now)
                row.status = "sending"
                row.attempted_at = None  # stamped again just before this attempt leaves
                jobs.append(replace(job, claimed_at=now))
        return jobs, len(rows)

    async def _supersede_older_edits(self, session: AsyncSession, row: OutboxMessage) -> set[int]:
        """Only the newest pending edit of a card is worth sending: the older ones become
        "superseded". Returns their ids (the row itself among them when it is not the newest)."""
        same_card = (
            OutboxMessage.kind == "update",
            OutboxMessage.target_outbox_id == row.target_outbox_id,
            OutboxMessage.status == "pending",
        )
        newest = await session.scalar(select(func.max(OutboxMessage.id)).where(*same_card))
        if newest is None or newest == row.id:
            return set()
        older = await session.scalars(
            update(OutboxMessage)
            .where(*same_card, OutboxMessage.id < newest)
            .values(status="superseded", updated_at=self._clock.now())
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        )
        return set(older)

    async def _job_of(self, session: AsyncSession, row: OutboxMessage) -> _Job | None:
        job = _Job(
            id=row.id,
            kind=row.kind,
            conversation_id=row.conversation_id,
            thread_id=row.thread_id,
            person_key=row.person_key,
            payload=dict(row.payload),
            fallback_conversation_id=row.fallback_conversation_id,
            fallback_thread_id=row.fallback_thread_id,
            attempts=row.attempts,
        )
        if row.target_outbox_id is None:
            return job
        post = await session.get(OutboxMessage, row.target_outbox_id)
        if post is None or post.status != "sent" or post.sent_activity_id is None:
            return None
        if row.kind == "reply":  # in the thread that post opened, now that its id is known
            return replace(job, thread_id=post.sent_activity_id)
        payload = job.payload
        if RENDER_KEY in payload:
            rendered = await self._live_card(session, payload[RENDER_KEY])
            if rendered is None:
                return None
            payload = rendered.to_payload()
        where = post.sent_conversation_id or post.conversation_id
        return replace(
            job,
            payload=payload,
            conversation_id=where and base_conversation_id(where),
            target_activity_id=post.sent_activity_id,
            target_conversation_id=where,
        )

    async def _live_card(self, session: AsyncSession, reference: dict[str, Any]) -> Message | None:
        if self._render is None:
            log.error("outbox: no renderer for live card %s", reference)
            return None
        return await self._render(session, str(reference["kind"]), int(reference["id"]))

    async def _deliver(self, job: _Job) -> None:
        try:
            delivered = await self._send(job, Message.from_payload(job.payload))
        except RetryLater as exc:
            await self._retry(job, str(exc), exc.retry_after)
        except Refused as exc:
            await self._refused(job, exc)
        except _Undeliverable as exc:
            await self._finish(job, "failed", str(exc))
        except _NoLongerOurs:
            log.warning("outbox %s: claim went stale before sending; left to its new owner", job.id)
        except Ambiguous as exc:
            await self._ambiguous(job, str(exc))
        except Exception as exc:
            # A bug on our side of the port: we cannot tell whether anything was posted.
            log.exception("outbox %s: unexpected error while sending", job.id)
            await self._ambiguous(job, f"{type(exc).__name__}: {exc}")
        else:
            await self._sent(job, delivered)

    async def _send(self, job: _Job, message: Message) -> Delivered:
        if job.kind == "personal":
            return await self._send_personal(job, message)
        address = await self._conversation_address(
            job.target_conversation_id or job.conversation_id,
            job.person_key,
            # An edit may be sent twice (recovery retries it): only posts are stamped.
            attempt=None if job.kind == "update" else job,
        )
        if job.kind == "post_channel":
            return await self._deliverer.post_to_channel(address, message)
        if job.kind == "reply":
            return await self._deliverer.send(address, message, reply_to=job.thread_id)
        if job.kind == "update" and job.target_activity_id is not None:
            await self._deliverer.update(address, job.target_activity_id, message)
            return Delivered(job.target_activity_id, job.target_conversation_id or "")
        raise _Undeliverable(f"unknown outbox kind {job.kind}")

    async def _stamp_attempted(self, session: AsyncSession, job: _Job) -> None:
        """Stamp the row as attempted, in the transaction that commits just before the message
        leaves (no extra round trip): from then on a crash leaves its outcome unknown. Raises
        _NoLongerOurs when the row is not as this round claimed it (a slow round whose claim
        another instance recovered)."""
        now = self._clock.now()
        stamped = await session.scalar(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == job.id,
                OutboxMessage.status == "sending",
                OutboxMessage.updated_at == job.claimed_at,
            )
            .values(attempted_at=now, updated_at=now)
            .returning(OutboxMessage.id)
        )
        if stamped is None:
            raise _NoLongerOurs(f"outbox {job.id}")

    async def _conversation_address(
        self,
        conversation_id: str | None,
        person_key: str | None = None,
        *,
        attempt: _Job | None = None,
    ) -> Address:
        """Where to send; with `attempt`, that row is stamped as attempted in the same
        transaction."""
        if conversation_id is None:
            raise _Undeliverable("no conversation to send to")
        async with self._db.transaction() as session:
            conversation = await get_conversation(session, conversation_id)
            person = await get_person(session, person_key) if person_key else None
            if conversation is None and person is not None and person.service_url:
                # A personal chat we opened ourselves is known only on the person.
                address = Address(person.service_url, conversation_id, person.tenant_id)
            elif conversation is None:
                raise _Undeliverable(f"unknown conversation {conversation_id}")
            elif not conversation.active:
                raise _Undeliverable(f"the bot is no longer in {conversation_id}")
            else:
                address = address_of(conversation)
            if attempt is not None:
                await self._stamp_attempted(session, attempt)
        if conversation_id != address.conversation_id:  # keep a `;messageid=` thread suffix
            address = Address(**{**address.__dict__, "conversation_id": conversation_id})
        return address

    async def _send_personal(self, job: _Job, message: Message) -> Delivered:
        async with self._db.transaction() as session:
            person = await get_person(session, job.person_key or "")
            if person is None:
                raise _Undeliverable(f"unknown person {job.person_key}")
            mention = Mention(person.teams_id, person.name)
            member = Member(person.teams_id, person.aad_object_id, person.name, person.upn)
            chat = await self._stored_personal_chat(session, person)
            shared = None
            if chat is None:
                shared = await self._resolve_personal(session, person, job.fallback_conversation_id)
            else:
                await self._stamp_attempted(session, job)
        try:
            if chat is None:  # stamped once the chat is open and stored
                chat = await self._open_personal_chat(job, person.person_key, shared, member)
            return await self._deliverer.send(chat, message)
        except Refused as exc:
            if exc.status in GONE:
                async with self._db.transaction() as session:
                    await set_personal_conversation(session, person.person_key, None, None)
            if job.fallback_conversation_id is None:
                raise
            log.info("outbox %s: no personal chat (%s), mentioning in the thread", job.id, exc)
            mentioned = Message(
                text=f"{mention.tag} {message.text}" if message.text else mention.tag,
                card=message.card,
                mentions=(mention, *message.mentions),
            )
            fallback = await self._conversation_address(job.fallback_conversation_id)
            return await self._deliverer.send(fallback, mentioned, reply_to=job.fallback_thread_id)

    async def _open_personal_chat(
        self, job: _Job, person_key: str, shared: Address | None, member: Member
    ) -> Address:
        if shared is None:
            raise Refused("the bot shares no conversation with this person")
        try:
            chat = await self._deliverer.open_personal_chat(shared, member)
        except Ambiguous as exc:  # opening a 1:1 chat twice yields the same chat: retry
            raise RetryLater(f"opening the personal chat: {exc}") from exc
        async with self._db.transaction() as session:
            await set_personal_conversation(
                session, person_key, chat.conversation_id, chat.service_url
            )
            await self._stamp_attempted(session, job)
        return chat

    @staticmethod
    async def _stored_personal_chat(session: AsyncSession, person: Person) -> Address | None:
        if person.personal_conversation_id is None:
            return None
        stored = await get_conversation(session, person.personal_conversation_id)
        if stored is not None:
            return address_of(stored)
        if person.service_url is None:
            return None
        return Address(person.service_url, person.personal_conversation_id, person.tenant_id)

    async def _sent(self, job: _Job, delivered: Delivered) -> None:
        now = self._clock.now()
        async with self._db.transaction() as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == job.id)
                .values(
                    status="sent",
                    attempts=job.attempts + 1,
                    sent_activity_id=delivered.activity_id,
                    sent_conversation_id=delivered.conversation_id,
                    sent_at=now,
                    updated_at=now,
                    last_error=None,
                )
            )
            if job.kind == "update":
                # The next edit of this card waits a little (Teams throttles edits).
                spaced = now + UPDATE_SPACING
                await session.execute(
                    update(OutboxMessage)
                    .where(
                        OutboxMessage.kind == "update",
                        OutboxMessage.status == "pending",
                        OutboxMessage.target_outbox_id
                        == select(OutboxMessage.target_outbox_id)
                        .where(OutboxMessage.id == job.id)
                        .scalar_subquery(),
                        OutboxMessage.next_attempt_at < spaced,
                    )
                    .values(next_attempt_at=spaced)
                )

    async def _retry(self, job: _Job, error: str, retry_after: float | None) -> None:
        now = self._clock.now()
        attempts = job.attempts + 1
        if retry_after:
            self._limiter.pause(job.rate_key, now + timedelta(seconds=retry_after))
        if attempts >= self._max_attempts:
            await self._finish(job, "failed", f"gave up after {attempts} attempts: {error}")
            return
        backoff = min(self._backoff_cap, self._backoff_base * 2 ** (attempts - 1))
        delay = max(timedelta(seconds=retry_after or 0), backoff * self._rng.uniform(0.5, 1.0))
        log.info("outbox %s: retrying in %s (%s)", job.id, delay, error)
        async with self._db.transaction() as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == job.id)
                .values(
                    status="pending",
                    attempts=attempts,
                    next_attempt_at=now + delay,
                    last_error=error,
                    updated_at=now,
                )
            )

    async def _ambiguous(self, job: _Job, error: str) -> None:
        if job.kind == "update":  # replacing a card twice shows the same card
            await self._retry(job, error, None)
        else:
            log.warning("outbox %s: outcome unknown, not resending: %s", job.id, error)
            await self._finish(job, "ambiguous", error)

    async def _refused(self, job: _Job, exc: Refused) -> None:
        if exc.status in GONE and job.kind != "personal" and job.conversation_id:
            log.warning("outbox %s: refused (%s), conversation marked inactive", job.id, exc)
            async with self._db.transaction() as session:
                await mark_inactive(session, job.conversation_id, self._clock.now())
        await self._finish(job, "failed", f"refused ({exc.status}): {exc}")

    async def _finish(self, job: _Job, status: str, error: str) -> None:
        now = self._clock.now()
        async with self._db.transaction() as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == job.id)
                .values(status=status, attempts=job.attempts + 1, last_error=error, updated_at=now)
            )
