"""Who may run coordinator actions: named in COORDINATOR_IDS, or an owner of the team.

Checked on the server for every coordinator action, whatever a card shows. Team rosters are
cached for a few minutes so a busy poll doesn't call the connector on every press.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from dialogs.platform.ports import Address, DeliveryError, Member, Roster
from dialogs.turn import Person, Place

log = logging.getLogger(__name__)


class Coordinators:
    def __init__(
        self,
        coordinator_ids: Iterable[str],
        roster: Roster,
        clock: Clock,
        cache_for: timedelta = timedelta(minutes=5),
    ) -> None:
        self._named = {identifier.lower() for identifier in coordinator_ids}
        self._roster = roster
        self._clock = clock
        self._cache_for = cache_for
        self._cache: dict[str, tuple[datetime, list[Member]]] = {}

    def is_named(self, person: Person) -> bool:
        return bool(person.aad_object_id and person.aad_object_id.lower() in self._named)

    async def is_coordinator(self, session: AsyncSession, person: Person, place: Place) -> bool:
        if self.is_named(person):
            return True
        for address in await self._teams_to_check(session, place):
            if any(
                _same(member, person) and member.role == "owner"
                for member in await self._members(address)
            ):
                return True
        return False

    async def coordinates(
        self, session: AsyncSession, person: Person, conversation_id: str
    ) -> bool:
        """Whether `person` may run coordinator actions on what lives in that conversation (a
        poll's, an event's channel): named, or an owner of *that* team — being an owner of
        another team the bot serves is not enough."""
        if self.is_named(person):
            return True
        from storage.repositories.conversations import get_conversation

        conversation = await get_conversation(session, conversation_id)
        if conversation is None or not conversation.team_id:
            return False
        address = Address(
            conversation.service_url,
            conversation.conversation_id,
            conversation.tenant_id,
            conversation.team_id,
        )
        members = await self._members(address)
        return any(_same(member, person) and member.role == "owner" for member in members)

    async def _teams_to_check(self, session: AsyncSession, place: Place) -> list[Address]:
        if place.team_id:
            return [
                Address(
                    place.service_url, place.base_conversation_id, place.tenant_id, place.team_id
                )
            ]
        # In a personal chat: an owner of any team the bot serves is a coordinator.
        from storage.repositories.conversations import active_team_conversations

        return [
            Address(c.service_url, c.conversation_id, c.tenant_id, c.team_id)
            for c in await active_team_conversations(session)
            if c.team_id
        ]

    async def members(self, address: Address) -> list[Member]:
        """The team's (or channel's) roster as read within the last few minutes: a `Roster`
        for the checks of who belongs where (dialogs.platform.scope), so that 500 people
        pressing a button in their personal chats read a 500-person roster once, not 500
        times. Raises `DeliveryError` when it cannot be read (nothing is cached then)."""
        key = address.team_id or address.conversation_id
        now = self._clock.now()
        cached = self._cache.get(key)
        if cached and now - cached[0] < self._cache_for:
            return cached[1]
        members = await self._roster.members(address)
        self._cache[key] = (now, members)
        return members

    async def _members(self, address: Address) -> list[Member]:
        try:
            return await self.members(address)
        except DeliveryError:
            key = address.team_id or address.conversation_id
            log.warning("roster of %s unavailable; owners not recognised this time", key)
            return []


def _same(member: Member, person: Person) -> bool:
    if member.aad_object_id and person.aad_object_id:
        return member.aad_object_id.lower() == person.aad_object_id.lower()
    return member.teams_id == person.teams_id
