"""Team separation: which conversations' polls and events a turn may see.

The rule (each team's data is kept apart):
- in a team's channel: the polls and events of that team's channels (all of them: an event
  created in General is registered for from any channel of the team), never another team's;
- in a group chat: that chat's own;
- in a personal chat: those of the teams (and group chats) the person belongs to, by the
  roster Teams gives (the same source as for coordinators). A team whose roster cannot be
  read right now is left out: nothing of a team is shown to someone not known to be in it.

Finders that pick "the latest" or "the next" poll or event take a `Scope`; a reference by
number is found only within it as well.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from dialogs.platform.ports import Address, DeliveryError, Member, Roster
from dialogs.turn import Person, Place
from storage.models import Conversation

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
    return await scope_of(ctx.session, ctx.services.roster, ctx.turn.actor, ctx.turn.place)


async def scope_of(session: AsyncSession, roster: Roster, person: Person, place: Place) -> Scope:
    """What `person` may see from `place` (see the module's rule)."""
    here = place.base_conversation_id
    if place.kind == "channel" and place.team_id:
        channels = await session.scalars(
            select(Conversation.conversation_id).where(Conversation.team_id == place.team_id)
        )
        return Scope(frozenset({here, *channels}))
    if place.kind != "personal":
        return Scope(frozenset({here}))
    return Scope(await _belongs_to(session, roster, person))


async def _belongs_to(session: AsyncSession, roster: Roster, person: Person) -> frozenset[str]:
    """The conversations of every team and group chat whose roster lists the person."""
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
    for team_id, channels in teams.items():
        reachable = [c for c in channels if c.active] or channels
        if await _is_member(roster, _address(reachable[0], team_id), person):
            visible.update(c.conversation_id for c in channels)
    for chat in chats:
        if await _is_member(roster, _address(chat, None), person):
            visible.add(chat.conversation_id)
    return frozenset(visible)


def _address(conversation: Conversation, team_id: str | None) -> Address:
    return Address(
        conversation.service_url, conversation.conversation_id, conversation.tenant_id, team_id
    )


async def _is_member(roster: Roster, address: Address, person: Person) -> bool:
    try:
        members = await roster.members(address)
    except DeliveryError:
        log.warning("roster of %s unavailable; its polls and events are not shown", address.team_id)
        return False
    return any(_same(member, person) for member in members)


def _same(member: Member, person: Person) -> bool:
    if member.aad_object_id and person.aad_object_id:
        return member.aad_object_id.lower() == person.aad_object_id.lower()
    return member.teams_id == person.teams_id
