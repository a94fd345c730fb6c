"""What the handlers and the tasks both build: who is expected to answer, the summary card,
and where the event's thread is."""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from cards.feedback import summary_card
from core.i18n import Translator
from dialogs.attendance.model import Registration, Status
from dialogs.attendance.store import registrations
from dialogs.events.model import Event
from dialogs.feedback import store
from dialogs.feedback.model import Participation, collection_deadline
from dialogs.feedback.summary import summarise
from dialogs.feedback.views import summary_view
from dialogs.platform.messenger import Messenger
from dialogs.replies import Card, Message

_PARTICIPATION = {Status.SEATED: Participation.ONSITE, Status.ONLINE: Participation.ONLINE}


async def participants(session: AsyncSession, event_id: int) -> list[Registration]:
    """Those registered to come (seated or online): they are asked, reminded and counted for
    the response rate."""
    return [r for r in await registrations(session, event_id) if r.attending]


def participation_of(registration: Registration | None) -> Participation:
    """現地 / オンライン from a registration; anyone else (none, waitlisted, 欠席) is 未登録."""
    if registration is None:
        return Participation.UNREGISTERED
    return _PARTICIPATION.get(registration.status, Participation.UNREGISTERED)


def is_closed(event: Event, now: datetime, zone: tzinfo) -> bool:
    return now >= collection_deadline(event.day, zone)


async def summary_card_of(
    session: AsyncSession, event: Event, t: Translator, zone: tzinfo, now: datetime
) -> Card:
    """The event's summary as it stands at `now`."""
    expected = [r.person_key for r in await participants(session, event.id)]
    summary = summarise(await store.feedbacks(session, event.id), expected)
    view = summary_view(event, summary, t, zone, closed=is_closed(event, now, zone))
    return summary_card(view, t)


async def say_in_thread(
    messenger: Messenger, event: Event, message: Message, *, dedupe_key: str
) -> int:
    """A reply in the event's thread (the channel, when it has none)."""
    if event.thread_outbox_id is not None:
        return await messenger.reply_to_post(event.thread_outbox_id, message, dedupe_key=dedupe_key)
    return await messenger.post_to_channel(event.conversation_id, message, dedupe_key=dedupe_key)
