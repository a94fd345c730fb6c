"""One activity, one transaction: redelivery guard, who and where, then the feature's handler.

The edge (bot/) calls these with plain `Turn`s; what comes back is what to say. Nothing here
knows botbuilder.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator, locale_of
from core.logging import log_context
from dialogs.context import Context, Services
from dialogs.platform.messenger import enqueued
from dialogs.replies import Reply, quoted
from dialogs.router import Command, CommandHandler, CommandMatcher
from dialogs.turn import Person, Place, Turn
from storage.repositories.activities import first_delivery
from storage.repositories.conversations import mark_inactive, upsert_conversation
from storage.repositories.people import upsert_person

log = logging.getLogger(__name__)

# How long the conversation reference and a person's name and locale are trusted unchanged.
REMEMBER_FOR = timedelta(minutes=10)


class Transactions(Protocol):
    def transaction(self) -> AbstractAsyncContextManager[AsyncSession]: ...


class _Rollback(Exception):
    """Raised to undo a redelivered action's writes while keeping its answer."""

    def __init__(self, reply: Reply) -> None:
        super().__init__("rollback")
        self.reply = reply


@dataclass(frozen=True)
class Installation:
    """The bot was added to a team, group chat or personal chat."""

    activity_id: str
    place: Place
    installer: Person | None
    locale: str
    team_name: str | None = None
    channel_name: str | None = None
    bot_id: str | None = None
    bot_name: str | None = None


class Dispatcher:
    def __init__(
        self,
        database: Transactions,
        services: Services,
        on_committed: Callable[[], None] = lambda: None,
    ) -> None:
        self._database = database
        self._services = services
        self._matcher = CommandMatcher(services.router, services.catalog)
        self._on_committed = on_committed
        self._seen: dict[Hashable, datetime] = {}

    @property
    def matcher(self) -> CommandMatcher:
        return self._matcher

    async def on_command(self, turn: Turn) -> Reply:
        """A message addressed to the bot: find the command by its word and run it."""
        match = self._matcher.match(turn.text)
        t = self._services.catalog.translator(locale_of(turn.locale))
        if match is None:
            said = self._matcher.addressed(turn.text).strip()
            # A bare @mention says hello: the way on is ヘルプ, not 「」はわかりませんでした.
            answer = t("bot.unknown_command", text=quoted(said)) if said else t("bot.mentioned")
            return await self._run(turn, None, lambda ctx: _say(answer))
        return await self._run_command(turn, match.command, match.args)

    async def on_action(self, turn: Turn) -> Reply:
        """A card button (Action.Execute invoke or Action.Submit message), routed by its verb."""
        t = self._services.catalog.translator(locale_of(turn.locale))
        verb = self._services.router.verbs.get(turn.verb or "")
        with log_context(**_ids(turn)):
            if verb is None:
                log.info("unknown card verb %r", (turn.verb or "")[:64])
                return Reply.say(t("bot.unknown_action"))
            try:
                data = verb.data_model.model_validate(dict(turn.data)) if verb.data_model else None
            except ValidationError:
                log.info("invalid data for verb %s", verb.name)
                return Reply.say(t("bot.bad_card_data"))
        return await self._run(
            turn, verb.coordinator_only, verb.handler, data=data, action=verb.name
        )

    async def run_command(self, turn: Turn, command_text: str) -> Reply:
        """Runs a command as if typed (help's example buttons)."""
        match = self._matcher.match(command_text)
        if match is None:
            t = self._services.catalog.translator(locale_of(turn.locale))
            return Reply.say(t("bot.unknown_command", text=quoted(command_text)))
        return await self._run_command(turn, match.command, match.args)

    async def _run_command(self, turn: Turn, command: Command, args: str) -> Reply:
        return await self._run(
            turn, command.coordinator_only, command.handler, args=args, action=command.id
        )

    async def _run(
        self,
        turn: Turn,
        coordinator_only: bool | None,
        handler: CommandHandler,
        *,
        args: str = "",
        data: BaseModel | None = None,
        action: str | None = None,
    ) -> Reply:
        # Every line logged during the turn says which activity, where and which feature.
        with log_context(**_ids(turn), feature=_feature(handler), action=action):
            started = time.monotonic()
            reply = await self._run_logged(turn, coordinator_only, handler, args=args, data=data)
            log.info("turn handled in %d ms", (time.monotonic() - started) * 1000)
            return reply

    async def _run_logged(
        self,
        turn: Turn,
        coordinator_only: bool | None,
        handler: CommandHandler,
        *,
        args: str,
        data: BaseModel | None,
    ) -> Reply:
        services = self._services
        t = services.catalog.translator(locale_of(turn.locale))
        try:
            async with self._database.transaction() as session:
                now = services.clock.now()
                fresh = await first_delivery(
                    session, turn.place.base_conversation_id, turn.activity_id, now
                )
                if not fresh and not turn.is_invoke:
                    log.info("activity delivered again; ignored")
                    return Reply.nothing()
                await self._remember(session, turn)
                context = Context(
                    turn=_redelivered(turn, not fresh),
                    args=args,
                    session=session,
                    services=services,
                    t=t,
                    data=data,
                )
                if coordinator_only and not await context.is_coordinator():
                    reply = Reply.say(t(_refusal_key(turn)))
                else:
                    reply = await handler(context)
                if not fresh:
                    # The same invoke again: answer as before, but let nothing it wrote stand.
                    raise _Rollback(reply)
                wake = enqueued(session)
        except _Rollback as undone:
            return undone.reply
        except Exception:
            self._seen.clear()  # what we thought stored may have been rolled back
            log.exception("turn failed")
            return Reply.say(t("bot.apology"))
        if wake:
            self._on_committed()
        return reply

    async def _remember(self, session: AsyncSession, turn: Turn) -> None:
        """Keeps the conversation reference and the person (name, locale) current. The same
        facts seen moments ago are not written again: a crowd answering in one channel writes
        the channel once, and each person once."""
        now = self._services.clock.now()
        place = turn.place
        locale = locale_of(turn.locale)
        conversation_facts = (
            "conversation",
            place.base_conversation_id,
            place.kind,
            place.service_url,
            place.tenant_id,
            place.team_id,
            place.team_aad_group_id,
            place.channel_id,
            place.channel_type,
        )
        person_facts = ("person", turn.actor, locale, place.tenant_id, place.service_url)
        if len(self._seen) > 10_000:
            self._seen.clear()
        if self._fresh(conversation_facts, now):
            await _store_conversation(session, place, now)
        if self._fresh(person_facts, now):
            await _store_person(session, turn.actor, place, locale, now)

    def _fresh(self, facts: Hashable, now: datetime) -> bool:
        """Whether these facts are new (or were written longer than REMEMBER_FOR ago)."""
        seen_at = self._seen.get(facts)
        if seen_at is not None and now - seen_at < REMEMBER_FOR:
            return False
        self._seen[facts] = now
        return True

    async def on_installed(self, installation: Installation) -> Reply:
        """Stores the conversation reference and greets once (a redelivery says nothing)."""
        services = self._services
        place = installation.place
        t = services.catalog.translator(locale_of(installation.locale))
        ids = {
            "activity_id": installation.activity_id,
            "conversation_id": place.base_conversation_id,
        }
        with log_context(**ids, feature="install"):
            return await self._install(installation, t)

    async def _install(self, installation: Installation, t: Translator) -> Reply:
        services = self._services
        place = installation.place
        async with self._database.transaction() as session:
            now = services.clock.now()
            if not await first_delivery(
                session, place.base_conversation_id, installation.activity_id, now
            ):
                return Reply.nothing()
            existing_active = await _was_active(session, place.base_conversation_id)
            await _store_conversation(session, place, now, installation)
            if installation.installer is not None:
                await _store_person(
                    session, installation.installer, place, locale_of(installation.locale), now
                )
        self._on_committed()
        if existing_active:
            return Reply.nothing()
        from dialogs.help import greeting_card

        return Reply.show(greeting_card(t, services, place.channel_type))

    async def on_uninstalled(self, place: Place) -> None:
        async with self._database.transaction() as session:
            await mark_inactive(session, place.base_conversation_id, self._services.clock.now())


async def _store_conversation(
    session: AsyncSession, place: Place, now: datetime, installation: Installation | None = None
) -> None:
    """The conversation reference; names and the bot's account come only with installs (a
    None keeps what is stored)."""
    await upsert_conversation(
        session,
        conversation_id=place.base_conversation_id,
        kind=place.kind,
        service_url=place.service_url,
        tenant_id=place.tenant_id,
        team_id=place.team_id,
        team_aad_group_id=place.team_aad_group_id,
        channel_id=place.channel_id,
        team_name=installation.team_name if installation else None,
        channel_name=installation.channel_name if installation else None,
        bot_id=installation.bot_id if installation else None,
        bot_name=installation.bot_name if installation else None,
        now=now,
        channel_type=place.channel_type,
    )


async def _store_person(
    session: AsyncSession, person: Person, place: Place, locale: str, now: datetime
) -> None:
    await upsert_person(
        session,
        person_key=person.key,
        teams_id=person.teams_id,
        aad_object_id=person.aad_object_id,
        name=person.name,
        tenant_id=place.tenant_id,
        locale=locale,
        now=now,
        service_url=place.service_url,
    )


async def _was_active(session: AsyncSession, conversation_id: str) -> bool:
    from storage.repositories.conversations import get_conversation

    existing = await get_conversation(session, conversation_id)
    return bool(existing is not None and existing.active)


def _ids(turn: Turn) -> dict[str, str]:
    return {"activity_id": turn.activity_id, "conversation_id": turn.place.base_conversation_id}


def _feature(handler: CommandHandler) -> str:
    """The feature a handler belongs to: its package under dialogs/ (`dialogs.polls.handlers`
    → polls)."""
    parts = getattr(handler, "__module__", "").split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "dialogs" else "dispatch"


async def _say(text: str) -> Reply:
    return Reply.say(text)


def _redelivered(turn: Turn, redelivered: bool) -> Turn:
    if not redelivered:
        return turn
    from dataclasses import replace

    return replace(turn, redelivered=True)


async def run_nested(ctx: Context, command_text: str) -> Reply:
    """Runs a command inside the current turn's transaction, as if the person had typed it."""
    from dataclasses import replace

    match = CommandMatcher(ctx.services.router, ctx.services.catalog).match(command_text)
    if match is None:
        return Reply.say(ctx.t("bot.unknown_command", text=quoted(command_text)))
    if match.command.coordinator_only and not await ctx.is_coordinator():
        return Reply.say(ctx.t(_refusal_key(ctx.turn)))
    return await match.command.handler(replace(ctx, args=match.args, data=None))


def _refusal_key(turn: Turn) -> str:
    # A group chat belongs to no team, so nobody coordinates there: a team owner is told where
    # to go rather than that they lack a role they do have.
    if turn.place.kind == "groupChat":
        return "bot.coordinator_only_in_group_chat"
    return "bot.coordinator_only"
