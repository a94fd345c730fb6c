"""Team separation: which conversations' polls and events a turn may see.

The rule (each team's data is kept apart, and a private or shared channel's stays in it):
- in a team's standard or private channel: its own, and those of the team's standard channels
  (an event created in General is registered for from any channel of the team); never
  another team's, nor another private or shared channel's: those have members of their own;
- in a shared channel: its own only (its people need not be the team's, some are of other
  organisations);
- in a group chat: that chat's own;
- in a personal chat: those of the standard channels of the teams (and the group chats) the
  person belongs to, by the roster Teams gives (the same source as for coordinators); and of a
  private or shared channel only when the person has left a trace there (a post, a poll, an
  answer, a registration, a 解決済み mark), the bot is still in it, and the channel's own
  roster still lists them. A roster that cannot be read right now leaves its team or channel
  out: nothing is shown to someone not known to be in it.

A channel whose type Teams has not said (an install before it was recorded) counts as standard.
Finders that pick "the latest" or "the next" poll or event take a `Scope`; a reference by
number is found only within it as well.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, false, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from dialogs.platform.ports import (
    OWN_MEMBERS,
    Address,
    DeliveryError,
    Member,
    Roster,
    members_address,
)
from dialogs.turn import Person, Place
from storage.models import (
    ChannelMessageRow,
    Conversation,
    EventRow,
    FeedbackRow,
    PollAnswerRow,
    PollRow,
    RegistrationRow,
    ThreadResolutionRow,
)

if TYPE_CHECKING:
    from dialogs.context import Context

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scope:
    """The base ids of the conversations (channels, group chats) a turn may see."""

    conversations: frozenset[str]

    def allows(self, conversation_id: str) -> bool:
        return conversation_id in self.conversations

    def where(self, column: InstrumentedAttribute[str]) -> ColumnElement[bool]:
        """`column` (a poll's or event's conversation id) is one of the scope's."""
        if not self.conversations:
            return false()
        return column.in_(sorted(self.conversations))


async def turn_scope(ctx: Context) -> Scope:
    """What the sender of this turn may see from where they wrote."""
    # The rosters as read in the last few minutes (the coordinators' cache): a crowd pressing
    # buttons in personal chats must not read the team's roster once per press.
    roster = ctx.services.coordinators
    return await scope_of(ctx.session, roster, ctx.turn.actor, ctx.turn.place)


async def scope_of(session: AsyncSession, roster: Roster, person: Person, place: Place) -> Scope:
    """What `person` may see from `place` (see the module's rule)."""
    here = place.base_conversation_id
    if place.kind == "channel" and place.team_id:
        return await channel_scope(session, here, place.team_id, place.channel_type)
    if place.kind != "personal":
        return Scope(frozenset({here}))
    return Scope(await _belongs_to(session, roster, person))


async def channel_scope(
    session: AsyncSession,
    conversation_id: str,
    team_id: str | None,
    channel_type: str | None = None,
) -> Scope:
    """What is seen in the channel `conversation_id` of the team `team_id`: its own, and the
    team's standard channels' unless it is a shared channel. `channel_type` is what the turn
    says the channel is; when it says nothing, what Teams said earlier (the install)."""
    if team_id is None:
        return Scope(frozenset({conversation_id}))
    rows = await session.execute(
        select(Conversation.conversation_id, Conversation.channel_type).where(
            Conversation.team_id == team_id
        )
    )
    kinds = dict(rows.tuples().all())
    if (channel_type or kinds.get(conversation_id)) == "shared":
        return Scope(frozenset({conversation_id}))
    standard = (channel for channel, kind in kinds.items() if kind not in OWN_MEMBERS)
    return Scope(frozenset({conversation_id, *standard}))


async def _belongs_to(session: AsyncSession, roster: Roster, person: Person) -> frozenset[str]:
    """The standard channels of every team, the group chats, and the private and shared
    channels the person is in."""
    rows = (
        await session.scalars(
            select(Conversation)
            .where(Conversation.kind.in_(("channel", "groupChat")))
            .order_by(Conversation.id)
        )
    ).all()
    teams: dict[str, list[Conversation]] = {}
    chats: list[Conversation] = []
    for row in rows:
        if row.kind == "channel" and row.team_id:
            teams.setdefault(row.team_id, []).append(row)
        elif row.kind == "groupChat" and row.active:
            chats.append(row)
    visible: set[str] = set()
    of_their_own: list[Conversation] = []
    for team_id, channels in teams.items():
        standard = [c for c in channels if c.channel_type not in OWN_MEMBERS]
        reachable = [c for c in standard if c.active] or standard or channels
        if await _is_member(roster, _address(reachable[0], team_id), person):
            visible.update(c.conversation_id for c in standard)
            of_their_own.extend(c for c in channels if c.channel_type in OWN_MEMBERS and c.active)
        else:
            # A private channel's people are all of its team; a shared one's need not be.
            of_their_own.extend(c for c in channels if c.channel_type == "shared" and c.active)
    visible.update(await _own_channels_of(session, roster, person, of_their_own))
    for chat in chats:
        if await _is_member(roster, _address(chat, None), person):
            visible.add(chat.conversation_id)
    return frozenset(visible)


async def _own_channels_of(
    session: AsyncSession, roster: Roster, person: Person, channels: Sequence[Conversation]
) -> set[str]:
    """Those of the private and shared `channels` the person is in. The database says cheaply
    where they have acted; only those channels' own rosters are then read, so someone who has
    left a channel no longer sees it and a personal chat does not read every channel's roster."""
    if not channels:
        return set()
    acted = await _acted_in(session, person, channels)
    found: set[str] = set()
    for channel in channels:
        if not acted.intersection(_ids(channel)):
            continue
        own = members_address(_address(channel, channel.team_id), channel.channel_type)
        if await _is_member(roster, own, person):
            found.add(channel.conversation_id)
    return found


async def _acted_in(
    session: AsyncSession, person: Person, channels: Iterable[Conversation]
) -> set[str]:
    """Which of the channels' ids (conversation or channel id) hold a trace of the person: a
    post, a poll they created or answered, a day they created, registered for or gave their
    impressions of, a thread they marked solved."""
    ids = sorted({i for channel in channels for i in _ids(channel)})
    keys = sorted({person.key, person.teams_id})

    in_polls = PollRow.conversation_id.in_(ids)
    in_events = EventRow.conversation_id.in_(ids)
    traces = [
        select(PollRow.conversation_id).where(in_polls, PollRow.creator_key.in_(keys)),
        select(PollRow.conversation_id)
        .join(PollAnswerRow, PollAnswerRow.poll_id == PollRow.id)
        .where(in_polls, PollAnswerRow.person_key.in_(keys)),
        select(EventRow.conversation_id).where(in_events, EventRow.creator_key.in_(keys)),
        select(EventRow.conversation_id)
        .join(RegistrationRow, RegistrationRow.event_id == EventRow.id)
        .where(in_events, RegistrationRow.person_key.in_(keys)),
        select(EventRow.conversation_id)
        .join(FeedbackRow, FeedbackRow.event_id == EventRow.id)
        .where(in_events, FeedbackRow.person_key.in_(keys)),
        select(ThreadResolutionRow.channel_id).where(
            ThreadResolutionRow.channel_id.in_(ids), ThreadResolutionRow.by_key.in_(keys)
        ),
    ]
    if person.aad_object_id:
        traces.append(
            select(ChannelMessageRow.channel_id).where(
                ChannelMessageRow.channel_id.in_(ids),
                ChannelMessageRow.author_aad_id == person.aad_object_id,
            )
        )
    return set(await session.scalars(union(*traces)))


def _ids(channel: Conversation) -> set[str]:
    """A channel's conversation id, and the channel id its message copies are stored under."""
    return {channel.conversation_id, *([channel.channel_id] if channel.channel_id else [])}


def _address(conversation: Conversation, team_id: str | None) -> Address:
    return Address(
        conversation.service_url, conversation.conversation_id, conversation.tenant_id, team_id
    )


async def _is_member(roster: Roster, address: Address, person: Person) -> bool:
    try:
        members = await roster.members(address)
    except DeliveryError:
        log.warning(
            "roster of %s unavailable; its polls and events are not shown",
            address.team_id or address.conversation_id,
        )
        return False
    return any(_same(member, person) for member in members)


def _same(member: Member, person: Person) -> bool:
    if member.aad_object_id and person.aad_object_id:
        return member.aad_object_id.lower() == person.aad_object_id.lower()
    return member.teams_id == person.teams_id
