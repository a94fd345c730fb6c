"""Telling people, in their personal chat, what happened to their registration without them
pressing anything: a seat came free and is now theirs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Catalog, locale_of
from dialogs.attendance.model import Registration
from dialogs.events.model import Event
from dialogs.events.views import when_label
from dialogs.platform.messenger import Messenger
from dialogs.replies import Message, literal
from storage.repositories.people import get_person


async def tell_seated(
    session: AsyncSession,
    messenger: Messenger,
    catalog: Catalog,
    event: Event,
    seated: Iterable[Registration],
    *,
    because: str,
    now: datetime | None = None,
) -> None:
    """A personal message to each newly seated person, in their language. `because` names
    what freed the seat (the activity id, say) so a repeated enqueue sends nothing twice; when
    no personal chat can be opened they are @mentioned in the event's thread instead. Seated
    after the registration deadline (`now` past it), they can no longer change on the card, so
    the message sends them to a coordinator instead."""
    closed = now is not None and now >= event.registration_deadline
    key = "attendance.flow.seated_closed" if closed else "attendance.flow.seated"
    for registration in seated:
        person = await get_person(session, registration.person_key)
        t = catalog.translator(locale_of(person.locale if person else event.locale))
        text = t(key, title=literal(event.title), when=when_label(event, t))
        thread = None
        if event.thread_outbox_id is not None:
            thread = (await messenger.delivery(event.thread_outbox_id)).activity_id
        await messenger.send_to_person(
            registration.person_key,
            Message(text=text),
            dedupe_key=f"event:{event.id}:seated:{registration.person_key}:{because}",
            fallback=(event.conversation_id, thread),
        )
