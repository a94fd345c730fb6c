"""Who the bot may write to in a personal chat, in shared channels.

A shared channel can hold people of other organisations (Teams Connect, B2B direct connect).
The bot is registered in the host's tenant and Teams does not let it open a 1:1 chat with them,
so trying only earns a refusal. Teams says who they are in the channel's roster: each member
comes with their own `tenantId`, and the channel's conversation carries the host's. Before a
personal message to someone who shares nothing with the bot but a shared channel, that roster
is asked; a person of another organisation is then @mentioned in the channel's thread instead
(the outbox's fallback), or, where a message has no thread to go to, it is not sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from dialogs.platform.outbox import PersonalRoute, address_of, shared_conversation
from dialogs.platform.ports import Address, DeliveryError, Member, Roster
from dialogs.turn import CHANNEL_TYPES, ChannelType, Place
from storage.models import Conversation, Person
from storage.repositories.conversations import get_conversation

log = logging.getLogger(__name__)

# A channel's roster is read again after this long (a crowd of reminders reads it once).
ROSTER_KEPT_FOR = timedelta(minutes=10)


@dataclass(frozen=True)
class _Read:
    members: tuple[Member, ...]
    at: datetime


class OtherOrganisations:
    """Tells whether someone in a shared channel belongs to another organisation than the
    channel's host, by the channel's roster."""

    def __init__(self, roster: Roster, clock: Clock) -> None:
        self._roster = roster
        self._clock = clock
        self._read: dict[str, _Read] = {}

    async def includes(
        self, conversation: Conversation, teams_id: str, aad_object_id: str | None
    ) -> bool | None:
        """True when the roster of the shared channel `conversation` lists the person with a
        tenant other than the channel's; False when it is not a shared channel or lists them
        with the channel's tenant; None when that cannot be told (roster out of reach, the
        person not listed, a tenant not given)."""
        if conversation.channel_type != "shared":
            return False
        members = await self._members(conversation)
        if members is None or conversation.tenant_id is None:
            return None
        for member in members:
            same = member.teams_id == teams_id or (
                aad_object_id is not None and member.aad_object_id == aad_object_id
            )
            if same:
                if member.tenant_id is None:
                    return None
                return member.tenant_id != conversation.tenant_id
        return None

    async def _members(self, conversation: Conversation) -> tuple[Member, ...] | None:
        now = self._clock.now()
        read = self._read.get(conversation.conversation_id)
        if read is not None and now - read.at < ROSTER_KEPT_FOR:
            return read.members
        # The channel's own roster, not the host team's: a shared channel has its own members.
        channel = replace(address_of(conversation), team_id=None)
        try:
            members = tuple(await self._roster.members(channel))
        except DeliveryError:
            log.warning("roster of shared channel %s unavailable", conversation.conversation_id)
            return None
        if len(self._read) > 1000:
            self._read.clear()
        self._read[conversation.conversation_id] = _Read(members, now)
        return members


def personal_route(others: OtherOrganisations) -> PersonalRoute:
    """The outbox's way to a person's 1:1 chat: none for someone of another organisation in
    the shared channel the message is about (the outbox then @mentions them there), otherwise
    the usual one (dialogs.platform.outbox.shared_conversation)."""

    async def route(session: AsyncSession, person: Person, hint: str | None) -> Address | None:
        if hint is not None:
            conversation = await get_conversation(session, hint)
            if (
                conversation is not None
                and conversation.active
                and await others.includes(conversation, person.teams_id, person.aad_object_id)
            ):
                log.info("a person of another organisation: no personal chat is opened")
                return None
        return await shared_conversation(session, person, hint)

    return route


async def channel_type_of(session: AsyncSession, place: Place) -> ChannelType | None:
    """The channel's type as this activity says it, or as an earlier one (the install) did;
    None outside channels."""
    if place.kind != "channel":
        return None
    if place.channel_type is not None:
        return place.channel_type
    stored = await get_conversation(session, place.base_conversation_id)
    said = stored.channel_type if stored is not None else None
    return next((kind for kind in CHANNEL_TYPES if kind == said), None)


async def from_another_organisation(
    session: AsyncSession,
    roster: Roster,
    clock: Clock,
    place: Place,
    teams_id: str,
    aad_object_id: str | None,
) -> bool:
    """Whether the sender of a turn in a shared channel is known to be of another
    organisation (so no personal chat can reach them). False when it cannot be told."""
    if await channel_type_of(session, place) != "shared":
        return False
    conversation = await get_conversation(session, place.base_conversation_id)
    if conversation is None:
        return False
    others = OtherOrganisations(roster, clock)
    return await others.includes(conversation, teams_id, aad_object_id) is True
