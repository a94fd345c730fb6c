"""The live path: channel messages, edits and deletions as Teams delivers them to the bot.

With the RSC permission `ChannelMessage.Read.Group` Teams sends the bot every channel message,
not only those that @mention it. bot/handler.py turns each activity into a `LiveMessage`; the
functions here store it (plain Python, one session). `ThreadCapture` runs each in its own
transaction for the edge.

Nothing here answers: capturing is silent. Writes are idempotent (see store.py), so a
redelivered activity changes nothing and needs no redelivery record of its own (the command
that the same activity may also be keeps using the dispatcher's).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.logging import log_context
from dialogs.dispatch import Transactions
from dialogs.threads.body import html_to_text, plain_to_text
from dialogs.threads.store import MessageVersion, mark_deleted, mark_undeleted, upsert_messages
from storage.repositories.conversations import get_conversation

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LiveMessage:
    """A channel message as one activity showed it. `root_id` is the thread's root post (the
    message's own id for a new post); `at` is when Teams sent the activity (None: when it
    arrived)."""

    channel_id: str
    message_id: str
    root_id: str
    at: datetime | None = None
    conversation_id: str = ""  # the channel's base conversation id
    team_aad_group_id: str | None = None
    tenant_id: str | None = None
    reply_to_id: str | None = None
    author_name: str | None = None
    author_aad_id: str | None = None
    text: str = ""  # the activity's text (Teams' plain rendering, `<at>` tags kept)
    html: str | None = None  # the `text/html` attachment, when Teams sent one


_Capture = Callable[[AsyncSession, LiveMessage, datetime], Awaitable[None]]


def message_link(
    channel_id: str,
    message_id: str,
    root_id: str,
    team_aad_group_id: str | None,
    tenant_id: str | None = None,
) -> str:
    """The Teams deep link to a channel message (what Graph calls `webUrl`)."""
    params = {"groupId": team_aad_group_id or "", "parentMessageId": root_id}
    if tenant_id:
        params["tenantId"] = tenant_id
    return (
        f"https://teams.microsoft.com/l/message/{quote(channel_id, safe='')}/{message_id}"
        f"?{urlencode(params)}"
    )


async def capture_message(session: AsyncSession, live: LiveMessage, now: datetime) -> None:
    """A new post or reply (or one seen again): stored as the activity shows it."""
    await upsert_messages(session, [await _version(session, live, now)], now)


async def capture_edit(session: AsyncSession, live: LiveMessage, now: datetime) -> None:
    """An edited message: its new words replace the stored ones (stored as new if the bot never
    saw the original; Graph fills in the rest later)."""
    version = await _version(session, live, now)
    await upsert_messages(session, [_edited(version)], now)


async def capture_delete(session: AsyncSession, live: LiveMessage, now: datetime) -> None:
    await mark_deleted(session, await _version(session, live, now), now)


async def capture_undelete(session: AsyncSession, live: LiveMessage, now: datetime) -> None:
    await mark_undeleted(session, await _version(session, live, now), now)


async def _version(session: AsyncSession, live: LiveMessage, now: datetime) -> MessageVersion:
    team = live.team_aad_group_id
    if team is None and live.conversation_id:
        conversation = await get_conversation(session, live.conversation_id)
        team = conversation.team_aad_group_id if conversation else None
    html = live.html or ""
    text = html_to_text(html) if html else plain_to_text(live.text)
    return MessageVersion(
        channel_id=live.channel_id,
        message_id=live.message_id,
        root_id=live.root_id,
        reply_to_id=live.reply_to_id if live.root_id != live.message_id else None,
        created_at=live.at or now,
        modified_at=live.at or now,
        source="live",
        team_aad_group_id=team,
        author_name=live.author_name,
        author_aad_id=live.author_aad_id,
        text=text,
        html=html or live.text,
        web_url=message_link(live.channel_id, live.message_id, live.root_id, team, live.tenant_id)
        if team
        else None,
    )


def _edited(version: MessageVersion) -> MessageVersion:
    from dataclasses import replace

    return replace(version, edited_at=version.modified_at)


class ThreadCapture:
    """The live path for the edge: each activity in its own transaction. A failure is logged
    and swallowed (the next Graph sync repairs the thread); it never costs the person their
    command."""

    def __init__(self, database: Transactions, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    async def message(self, live: LiveMessage) -> None:
        await self._run(capture_message, live, "message")

    async def edit(self, live: LiveMessage) -> None:
        await self._run(capture_edit, live, "edit")

    async def delete(self, live: LiveMessage) -> None:
        await self._run(capture_delete, live, "delete")

    async def undelete(self, live: LiveMessage) -> None:
        await self._run(capture_undelete, live, "undelete")

    async def _run(self, capture: _Capture, live: LiveMessage, what: str) -> None:
        # The same ids as a turn's lines (core/logging.py): a channel message's activity id is
        # the message's id. The words never go into a line.
        ids = {
            "activity_id": live.message_id or None,
            "conversation_id": live.conversation_id or live.channel_id or None,
        }
        with log_context(**ids, feature="threads", action=f"capture.{what}"):
            if not live.message_id or not live.channel_id:
                log.info("a channel %s without a message or channel id was not stored", what)
                return
            try:
                async with self._database.transaction() as session:
                    await capture(session, live, self._clock.now())
            except Exception:
                log.exception("could not store the %s of message %s", what, live.message_id)
