"""What features call to say something in Teams. Calls enqueue into the outbox in the caller's
transaction; the outbox worker sends after that transaction commits (or never, if it rolls
back)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from dialogs.replies import Message
from storage.models import OutboxMessage
from storage.repositories.conversations import base_conversation_id
from storage.repositories.dialect import Insert, bound, prepared

# At most one update of a card every this often (Teams throttles edits of one message).
UPDATE_SPACING = timedelta(seconds=2)


@dataclass(frozen=True)
class DeliveryStatus:
    """Where an enqueued message stands. `activity_id` is the posted message (for a new
    channel post: the thread's root id) and `conversation_id` where it lives."""

    status: str  # pending | sending | sent | ambiguous | failed
    activity_id: str | None
    conversation_id: str | None


class Messenger:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def post_to_channel(
        self, conversation_id: str, message: Message, *, dedupe_key: str | None = None
    ) -> int:
        """Start a new thread in a channel; the outbox id."""
        return await self._enqueue(
            kind="post_channel",
            conversation_id=base_conversation_id(conversation_id),
            message=message,
            dedupe_key=dedupe_key,
        )

    async def reply_in_thread(
        self,
        conversation_id: str,
        thread_id: str | None,
        message: Message,
        *,
        dedupe_key: str | None = None,
    ) -> int:
        """Reply in the thread whose root is `thread_id` (None: a chat without threads)."""
        return await self._enqueue(
            kind="reply",
            conversation_id=base_conversation_id(conversation_id),
            thread_id=thread_id,
            message=message,
            dedupe_key=dedupe_key,
        )

    async def reply_to_post(
        self, post_outbox_id: int, message: Message, *, dedupe_key: str | None = None
    ) -> int:
        """Reply in the thread opened by an earlier post of ours (a poll's, an event's). The
        worker sends it once that post is delivered, so the reply never lands outside its
        thread because the thread's id was not known yet."""
        target = await self._session.get(OutboxMessage, post_outbox_id)
        if target is None or target.kind == "update":
            raise ValueError(f"outbox {post_outbox_id} is not a post that can be replied to")
        return await self._enqueue(
            kind="reply",
            conversation_id=target.conversation_id,
            target_outbox_id=post_outbox_id,
            message=message,
            dedupe_key=dedupe_key,
        )

    async def send_to_person(
        self,
        person_key: str,
        message: Message,
        *,
        dedupe_key: str | None = None,
        fallback: tuple[str, str | None] | None = None,
    ) -> int:
        """Say it in the person's 1:1 chat. `fallback` (conversation id, thread id) is where to
        @mention them instead when the bot cannot open a personal chat with them."""
        return await self._enqueue(
            kind="personal",
            person_key=person_key,
            message=message,
            dedupe_key=dedupe_key,
            fallback_conversation_id=base_conversation_id(fallback[0]) if fallback else None,
            fallback_thread_id=fallback[1] if fallback else None,
        )

    async def refresh_card(self, post_outbox_id: int, kind: str, subject_id: int) -> int:
        """Edit a live card (a poll's, an event's) to its state when the edit is sent: the
        outbox renders it then with the `kind` renderer, so a busy card is built once per edit
        instead of once per change."""
        return await self._update(post_outbox_id, {RENDER_KEY: {"kind": kind, "id": subject_id}})

    async def update_card(self, post_outbox_id: int, message: Message) -> int:
        """Replace what an earlier post shows. Of the edits not yet sent only the latest is
        sent, and a card is edited at most once every UPDATE_SPACING (an edit due later wakes
        nobody: the worker's regular round finds it)."""
        return await self._update(post_outbox_id, message.to_payload())

    async def _update(self, post_outbox_id: int, payload: dict[str, Any]) -> int:
        # Always a new row, never an edit of a pending one: a crowd changing one card at once
        # would otherwise queue on that row's lock. The worker sends only the newest pending
        # edit of a card and marks the older ones superseded.
        now = self._clock.now()
        # The columns, not the row: its payload is the whole card, and is not needed here.
        target = (
            await self._session.execute(
                select(
                    OutboxMessage.kind,
                    OutboxMessage.conversation_id,
                    OutboxMessage.thread_id,
                    OutboxMessage.person_key,
                ).where(OutboxMessage.id == post_outbox_id)
            )
        ).one_or_none()
        if target is None or target.kind == "update":
            raise ValueError(f"outbox {post_outbox_id} is not a message that can be updated")
        last_sent = await self._session.scalar(
            select(OutboxMessage.sent_at)
            .where(
                OutboxMessage.kind == "update",
                OutboxMessage.target_outbox_id == post_outbox_id,
                OutboxMessage.sent_at.is_not(None),
            )
            .order_by(OutboxMessage.sent_at.desc())
            .limit(1)
        )
        due = max(now, last_sent + UPDATE_SPACING) if last_sent else now
        return await self._enqueue(
            kind="update",
            conversation_id=target.conversation_id,
            thread_id=target.thread_id,
            person_key=target.person_key,
            target_outbox_id=post_outbox_id,
            payload=payload,
            due=due,
        )

    async def delivery(self, outbox_id: int) -> DeliveryStatus:
        row = await self._session.get(OutboxMessage, outbox_id, populate_existing=True)
        if row is None:
            raise LookupError(f"no outbox message {outbox_id}")
        return DeliveryStatus(row.status, row.sent_activity_id, row.sent_conversation_id)

    async def _enqueue(
        self,
        *,
        kind: str,
        message: Message | None = None,
        payload: dict[str, Any] | None = None,
        conversation_id: str | None = None,
        thread_id: str | None = None,
        person_key: str | None = None,
        target_outbox_id: int | None = None,
        dedupe_key: str | None = None,
        fallback_conversation_id: str | None = None,
        fallback_thread_id: str | None = None,
        due: datetime | None = None,
    ) -> int:
        now = self._clock.now()
        if due is None or due <= now:
            mark_enqueued(self._session)  # later rows are found by the worker's regular round
        values: dict[str, Any] = {
            "kind": kind,
            "conversation_id": conversation_id,
            "thread_id": thread_id,
            "person_key": person_key,
            "target_outbox_id": target_outbox_id,
            "payload": payload if payload is not None else _payload(message),
            "dedupe_key": dedupe_key,
            "fallback_conversation_id": fallback_conversation_id,
            "fallback_thread_id": fallback_thread_id,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": due or now,
            "created_at": now,
            "updated_at": now,
        }
        # A concurrent enqueue of the same key waits for the other's commit, then skips.
        build = _enqueue_once if dedupe_key is not None else _enqueue_row
        new_id = await self._session.scalar(prepared(self._session, build), values)
        if new_id is not None:
            return int(new_id)
        existing = await self._session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
        )
        if existing is None:
            raise RuntimeError(f"outbox dedupe key {dedupe_key} vanished")
        return int(existing)


_OUTBOX = OutboxMessage.__table__
_ENQUEUED_COLUMNS = (
    "kind",
    "conversation_id",
    "thread_id",
    "person_key",
    "target_outbox_id",
    "payload",
    "dedupe_key",
    "fallback_conversation_id",
    "fallback_thread_id",
    "status",
    "attempts",
    "next_attempt_at",
    "created_at",
    "updated_at",
)


def _enqueue_row(dialect_insert: Insert) -> Any:
    return dialect_insert(_OUTBOX).values(bound(_ENQUEUED_COLUMNS)).returning(_OUTBOX.c.id)


def _enqueue_once(dialect_insert: Insert) -> Any:
    return (
        dialect_insert(_OUTBOX)
        .values(bound(_ENQUEUED_COLUMNS))
        .on_conflict_do_nothing(index_elements=[_OUTBOX.c.dedupe_key])
        .returning(_OUTBOX.c.id)
    )


# An update's payload that names a live card to render when sending, instead of the card.
RENDER_KEY = "render"
_ENQUEUED = "iyowork.outbox_enqueued"


def _payload(message: Message | None) -> dict[str, Any]:
    if message is None:
        raise ValueError("an outbox row needs a message or a payload")
    return message.to_payload()


def mark_enqueued(session: AsyncSession) -> None:
    session.info[_ENQUEUED] = True


def enqueued(session: AsyncSession) -> bool:
    """Whether this session queued anything, so the worker is woken only when there is work."""
    return bool(session.info.get(_ENQUEUED))
