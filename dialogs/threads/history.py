"""How much of a channel's history the bot's copy holds, for features that read threads to say
so instead of silently showing less.

A private or shared channel must be given the bot on its own, and Graph may read its messages
only once the bot is in it (an RSC call otherwise answers 403). Until a Graph sync has read
such a channel through, the copy holds only what Teams delivered live since the bot was added.
A standard channel is read with the team's consent; before any sync (or without Graph) its
live copy is taken as what there is, as before.
"""

from __future__ import annotations

from enum import Enum

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.threads.state import get_state
from storage.models import Conversation

# Channels whose members (and Graph access) are their own.
OWN_MEMBERS = ("private", "shared")


class History(Enum):
    COMPLETE = "complete"  # read from Graph, or a standard channel
    REFUSED = "refused"  # Graph refused the channel: only what the bot received live
    NOT_READ = "not_read"  # a private or shared channel Graph has not read (yet)


async def channel_history(session: AsyncSession, channel_id: str) -> History:
    state = await get_state(session, channel_id)
    if state is not None and not state.history_available:
        return History.REFUSED
    if state is not None and state.backfilled:
        return History.COMPLETE
    if await channel_type(session, channel_id) in OWN_MEMBERS:
        return History.NOT_READ
    return History.COMPLETE


async def channel_type(session: AsyncSession, channel_id: str) -> str | None:
    """What Teams said the channel is (standard | private | shared), when it said."""
    types = await session.scalars(
        select(Conversation.channel_type).where(
            or_(Conversation.channel_id == channel_id, Conversation.conversation_id == channel_id),
            Conversation.channel_type.is_not(None),
        )
    )
    return next(iter(types.all()), None)
