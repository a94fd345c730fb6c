"""Who has not answered a poll yet (the roster minus the answers), and reminding them with one
reply in the poll's thread that @mentions them.

The roster is the people who can see the poll: the team's for a poll in a standard channel, the
channel's own members for one in a private or shared channel (there, people of the team outside
the channel never see it, and people of other organisations in it are not on the team's roster).
The reminder stays in the thread, so it reaches those other organisations' people too."""

from __future__ import annotations

import logging
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import locale_of
from dialogs.context import Services
from dialogs.platform.messenger import Messenger
from dialogs.platform.outbox import address_of
from dialogs.platform.ports import DeliveryError, Member, members_address
from dialogs.polls import store
from dialogs.polls.views import moment_label
from dialogs.replies import Mention, Message, literal
from storage.repositories.conversations import get_conversation

log = logging.getLogger(__name__)

ReminderOutcome = Literal["sent", "everyone_answered", "no_roster"]
# A channel's own roster may list bots (28:…) as well as people; they are never reminded.
BOT_ID_PREFIX = "28:"


async def nonrespondents(
    session: AsyncSession, services: Services, stored: store.StoredPoll
) -> list[Member] | None:
    """The poll's audience (the roster of its team, or of its private or shared channel)
    without an answer, or None when that roster is out of reach. Answers are matched by Entra
    object id, or Teams id for guests without one."""
    conversation = await get_conversation(session, stored.conversation_id)
    if conversation is None or not conversation.active:
        return None
    roster = members_address(address_of(conversation), conversation.channel_type)
    try:
        members = await services.roster.members(roster)
    except DeliveryError:
        log.warning("poll %s: roster unavailable", stored.poll.id)
        return None
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
) -> tuple[ReminderOutcome, int]:
    """Queue the reminder in the poll's thread; says what happened and how many were named."""
    missing = await nonrespondents(session, services, stored)
    if missing is None:
        return "no_roster", 0
    if not missing:
        return "everyone_answered", 0
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
    return "sent", len(missing)
