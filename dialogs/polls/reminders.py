"""Who has not answered a poll yet (the roster minus the answers), and reminding them with one
reply in the poll's thread that @mentions them.

The roster is the people who can see the poll: the team's for a poll in a standard channel, the
channel's own members for one in a private or shared channel (there, people of the team outside
the channel never see it, and people of other organisations in it are not on the team's roster).
The reminder stays in the thread, so it reaches those other organisations' people too."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import locale_of
from dialogs.context import Services
from dialogs.platform.messenger import Messenger
from dialogs.platform.outbox import address_of
from dialogs.platform.ports import DeliveryError, Member, Refused, members_address
from dialogs.polls import store
from dialogs.polls.views import moment_label
from dialogs.replies import Mention, Message, literal
from storage.repositories.conversations import get_conversation

log = logging.getLogger(__name__)

ReminderOutcome = Literal["sent", "everyone_answered", "no_roster"]
# A channel's own roster may list bots (28:…) as well as people; they are never reminded.
BOT_ID_PREFIX = "28:"


@dataclass(frozen=True)
class RosterOutOfReach:
    """Why the poll's roster could not be read. `permanent` when asking again cannot help: the
    bot is no longer installed there, or Teams refused for good (403, 404: the bot was removed
    from a private channel, the team was deleted), `status` being Teams' answer; otherwise it
    may pass (throttled, 5xx, the network)."""

    permanent: bool
    reason: str
    status: int | None = None


@dataclass(frozen=True)
class Reminded:
    """What `remind_nonrespondents` did, how many it named, and why not when the roster was out
    of reach."""

    outcome: ReminderOutcome
    count: int = 0
    out_of_reach: RosterOutOfReach | None = None


async def nonrespondents(
    session: AsyncSession, services: Services, stored: store.StoredPoll
) -> list[Member] | RosterOutOfReach:
    """The poll's audience (the roster of its team, or of its private or shared channel)
    without an answer, or why that roster is out of reach. Answers are matched by Entra object
    id, or Teams id for guests without one."""
    conversation = await get_conversation(session, stored.conversation_id)
    if conversation is None or not conversation.active:
        return RosterOutOfReach(permanent=True, reason="the bot is no longer installed there")
    roster = members_address(address_of(conversation), conversation.channel_type)
    try:
        members = await services.roster.members(roster)
    except DeliveryError as error:
        log.warning("poll %s: roster unavailable: %s", stored.poll.id, error)
        if isinstance(error, Refused):
            return RosterOutOfReach(permanent=True, reason=str(error), status=error.status)
        return RosterOutOfReach(permanent=False, reason=str(error))
    answered = {a.person_key for a in await store.answers(session, stored.poll.id)}
    return [
        m
        for m in members
        if m.teams_id not in answered
        and m.aad_object_id not in answered
        and not m.teams_id.startswith(BOT_ID_PREFIX)
    ]


async def remind_nonrespondents(
    session: AsyncSession,
    services: Services,
    stored: store.StoredPoll,
    *,
    dedupe_key: str | None = None,
) -> Reminded:
    """Queue the reminder in the poll's thread; says what happened and how many were named."""
    missing = await nonrespondents(session, services, stored)
    if isinstance(missing, RosterOutOfReach):
        return Reminded("no_roster", out_of_reach=missing)
    if not missing:
        return Reminded("everyone_answered")
    messenger = Messenger(session, services.clock)
    t = services.catalog.translator(locale_of(stored.locale))
    mentions = tuple(Mention(m.teams_id, m.name) for m in missing)
    poll = stored.poll
    key = "polls.flow.reminder" if poll.deadline else "polls.flow.reminder_no_deadline"
    text = t(
        key,
        mentions=" ".join(m.tag for m in mentions),
        title=literal(poll.title),
        deadline=moment_label(poll.deadline, services.settings.zone, t) if poll.deadline else "",
    )
    message = Message(text=text, mentions=mentions)
    if stored.post_outbox_id is not None:
        await messenger.reply_to_post(stored.post_outbox_id, message, dedupe_key=dedupe_key)
    else:
        await messenger.reply_in_thread(
            stored.conversation_id, None, message, dedupe_key=dedupe_key
        )
    return Reminded("sent", len(missing))
