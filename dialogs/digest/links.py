"""Where a digest points: the channel it belongs to, and Teams deep links to the poll, event and
thread messages it mentions (TEAMS.md: `…/l/message/{channel}/{message}?groupId=…&
parentMessageId={root}`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.threads.capture import message_link
from storage.models import OutboxMessage
from storage.repositories.conversations import get_conversation


@dataclass(frozen=True)
class ChannelPlace:
    """A channel conversation as the digest needs it."""

    conversation_id: str  # the base conversation id (where posts go)
    channel_id: str  # the channel id (threads are stored under it)
    team_id: str | None = None
    team_aad_group_id: str | None = None
    tenant_id: str | None = None
    channel_name: str | None = None
    active: bool = True


async def channel_place(session: AsyncSession, conversation_id: str) -> ChannelPlace:
    conversation = await get_conversation(session, conversation_id)
    if conversation is None:
        return ChannelPlace(conversation_id, conversation_id, active=False)
    return ChannelPlace(
        conversation_id=conversation.conversation_id,
        channel_id=conversation.channel_id or conversation.conversation_id,
        team_id=conversation.team_id,
        team_aad_group_id=conversation.team_aad_group_id,
        tenant_id=conversation.tenant_id,
        channel_name=conversation.channel_name,
        active=conversation.active,
    )


async def post_link(
    session: AsyncSession,
    place: ChannelPlace,
    outbox_id: int | None,
    *,
    root_outbox_id: int | None = None,
) -> str | None:
    """The deep link to the message an outbox row posted (None until it is posted). A reply's
    link names its thread's root: `root_outbox_id` (the post that opened the thread), or the
    thread it was sent into."""
    row = await _posted(session, outbox_id)
    if row is None or row.sent_activity_id is None:
        return None
    message_id = row.sent_activity_id
    root: str | None = message_id
    if row.kind == "reply":
        opened = await _posted(session, root_outbox_id or row.target_outbox_id)
        root = opened.sent_activity_id if opened is not None else row.thread_id
    return thread_link(place, message_id, root)


def thread_link(place: ChannelPlace, message_id: str, root_id: str | None = None) -> str:
    return message_link(
        place.channel_id, message_id, root_id or message_id, place.team_aad_group_id,
        place.tenant_id,
    )  # fmt: skip


async def _posted(session: AsyncSession, outbox_id: int | None) -> OutboxMessage | None:
    if outbox_id is None:
        return None
    return await session.get(OutboxMessage, outbox_id)
