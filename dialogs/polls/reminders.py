"""Who has not answered a poll yet (the team's roster minus the answers), and reminding them
with one reply in the poll's thread that @mentions them."""

from __future__ import annotations

import logging
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import locale_of
from dialogs.context import Services
from dialogs.platform.messenger import Messenger
from dialogs.platform.outbox import address_of
from dialogs.platform.ports import DeliveryError, Member
from dialogs.polls import store
from dialogs.polls.views import moment_label
from dialogs.replies import Mention, Message
from storage.repositories.conversations import get_conversation

log = logging.getLogger(__name__)

ReminderOutcome = Literal["sent", "everyone_answered", "no_roster"]


async def nonrespondents(
    session: AsyncSession, services: Services, stored: store.StoredPoll
) -> list[Member] | None:
    """Team members (from the roster) without an answer, or None when the roster is out of
    reach. Answers are matched by Entra object id, or Teams id for guests without one."""
    conversation = await get_conversation(session, stored.conversation_id)
    if conversation is None or not conversation.active:
        return None
    try:
        members = await services.roster.members(address_of(conversation))
    except DeliveryError:
        log.warning("poll %s: roster unavailable", stored.poll.id)
        return None
    answered = {a.person_key for a in await store.answers(session, stored.poll.id)}
    return [m for m in members if m.teams_id not in answered and m.aad_object_id not in answered]


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
        title=poll.title,
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
