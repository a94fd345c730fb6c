"""What a handler gets: the turn, a database session (one transaction), and the services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.i18n import Catalog, Translator
from core.settings import Settings
from dialogs.turn import Turn

if TYPE_CHECKING:
    from dialogs.platform.coordinators import Coordinators
    from dialogs.platform.messenger import Messenger
    from dialogs.platform.ports import Roster
    from dialogs.router import Router


@dataclass
class Services:
    """Long-lived collaborators, built once in app.py."""

    settings: Settings
    clock: Clock
    catalog: Catalog
    router: Router
    roster: Roster
    coordinators: Coordinators


@dataclass
class Context:
    """One command or card action, inside one database transaction: repositories flush, the
    turn commits once after the handler returns."""

    turn: Turn
    args: str
    session: AsyncSession
    services: Services
    t: Translator
    data: BaseModel | None = None

    @property
    def clock(self) -> Clock:
        return self.services.clock

    @property
    def messenger(self) -> Messenger:
        from dialogs.platform.messenger import Messenger

        return Messenger(self.session, self.services.clock)

    async def is_coordinator(self) -> bool:
        return await self.services.coordinators.is_coordinator(
            self.session, self.turn.actor, self.turn.place
        )

    async def sees(self, conversation_id: str) -> bool:
        """Whether the sender may act, from where they are, on a poll or event living in that
        conversation. A card button names its poll or event by id and a forged one may name
        another team's: in a channel only that team's are seen (a private or shared channel's
        only in it), in a group chat only its own, in a personal chat only those of the teams
        whose roster lists the sender and of the private or shared channels they are in (the
        cards the bot sends there, a 感想 form or a registration card, are about their own
        days). One rule with the finders: dialogs.platform.scope."""
        if conversation_id == self.turn.place.base_conversation_id:
            return True
        from dialogs.platform.scope import turn_scope

        return (await turn_scope(self)).allows(conversation_id)

    async def manages(self, conversation_id: str) -> bool:
        """Whether the sender coordinates the team a poll or event (living in that channel)
        belongs to. A card button names its poll or event by id, and a forged one could name
        another team's: coordinator actions check the object's team, not only the sender's,
        and that the sender sees it from here (a private channel's stays in it, even for the
        team's owners)."""
        if not await self.sees(conversation_id):
            return False
        return await self.services.coordinators.coordinates(
            self.session, self.turn.actor, conversation_id
        )


@dataclass
class TaskContext:
    """A scheduled task being run, inside the transaction that claimed it."""

    session: AsyncSession
    services: Services

    @property
    def clock(self) -> Clock:
        return self.services.clock

    @property
    def messenger(self) -> Messenger:
        from dialogs.platform.messenger import Messenger

        return Messenger(self.session, self.services.clock)

    def translator(self, locale: str) -> Translator:
        from core.i18n import locale_of

        return self.services.catalog.translator(locale_of(locale))
