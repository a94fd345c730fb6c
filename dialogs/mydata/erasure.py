"""Deleting what the bot holds about a person, on their request (APPI).

What can still change is removed: answers to polls still taking answers, registrations for days
that have not started (the seat goes to the first in line, who is told). What is part of a
total is anonymised instead, so counts stay right: answers to closed polls, registrations for
past days, impressions, and the 解決済み marks the person put on threads (the thread stays
solved for everyone; only who marked it is forgotten). Anonymised rows get the name
「削除された利用者」 and one random tombstone key per deletion (so "how many different
people came" stays right), and lose what is not part of any total (comment, 部署, メモ; an
impression also its 所属 and becomes anonymous). The copies of the person's channel posts are
deleted (the posts stay in Teams), as are the personal messages already sent to them; their
remembered 所属/部署 and the reference to their personal chat are cleared. Name and ids stay on
the person's row: the bot records them again at every activity, to know whom it talks to.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, tzinfo

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import DEFAULT_LOCALE, Catalog, locale_of
from dialogs.attendance.notices import tell_seated
from dialogs.attendance.store import fill_free_seats
from dialogs.events.store import load_event
from dialogs.events.views import refresh_event_card
from dialogs.mydata.store import authored_by, event_is_upcoming, poll_is_open
from dialogs.platform.messenger import Messenger
from dialogs.polls.publishing import refresh_shared_card
from dialogs.polls.store import load_poll
from dialogs.turn import Person, Place
from storage.models import (
    ChannelMessageRow,
    Conversation,
    EventRow,
    FeedbackRow,
    OutboxMessage,
    PollAnswerRow,
    PollRow,
    RegistrationRow,
    ThreadResolutionRow,
)
from storage.models import Person as PersonRow
from storage.repositories import audit

TOMBSTONE_PREFIX = "deleted:"
TOMBSTONE_NAME = "mydata.tombstone"
AUDIT_ERASED = "mydata.erased"
# Outbox rows whose sending is over: their payload is only a copy of what was said.
SETTLED = ("sent", "failed", "ambiguous", "superseded")

# The name an anonymised row gets, in the language of its poll or event.
Namer = Callable[[str], str]


@dataclass(frozen=True)
class Erased:
    """What a deletion did, counted."""

    polls_removed: int = 0
    polls_anonymised: int = 0
    registrations_removed: int = 0
    registrations_anonymised: int = 0
    feedback_anonymised: int = 0
    messages_deleted: int = 0
    personal_messages_deleted: int = 0
    resolutions_anonymised: int = 0


def tombstone_key() -> str:
    """A key no person has: anonymised rows keep apart from each other's people, not from
    each other."""
    return f"{TOMBSTONE_PREFIX}{secrets.token_urlsafe(24)}"


async def erase(
    session: AsyncSession,
    messenger: Messenger,
    catalog: Catalog,
    person: Person,
    place: Place,
    *,
    now: datetime,
    zone: tzinfo,
    because: str,
) -> Erased:
    """Delete or anonymise everything about `person` (the activity's sender); live cards are
    refreshed and those who got a freed seat told. `because` (the activity id) makes a
    repeated run tell nobody twice."""
    key = person.key
    tombstone = tombstone_key()

    def anonymous_name(locale: str) -> str:
        return catalog.text(locale_of(locale), TOMBSTONE_NAME)

    polls_removed, polls_anonymised = await _poll_answers(
        session, messenger, key, tombstone, anonymous_name, now
    )
    registrations_removed, registrations_anonymised = await _registrations(
        session, messenger, catalog, key, tombstone, anonymous_name, now, zone, because
    )
    feedback_anonymised = 0
    rows = await session.execute(
        select(FeedbackRow, EventRow.locale)
        .join(EventRow, EventRow.id == FeedbackRow.event_id)
        .where(FeedbackRow.person_key == key)
    )
    for feedback, locale in rows.tuples().all():
        feedback.person_key = tombstone
        feedback.name = anonymous_name(locale)
        feedback.municipality = None
        feedback.department = ""
        feedback.anonymous = True
        feedback_anonymised += 1
    # A thread's 解決済み is part of every summary: it stays, without who set it. The row has
    # no language of its own; its name is never shown, so the bot's default one does.
    marks = await session.execute(
        update(ThreadResolutionRow)
        .where(ThreadResolutionRow.by_key == key)
        .values(by_key=tombstone, by_name=anonymous_name(DEFAULT_LOCALE))
    )
    messages = 0
    if person.aad_object_id:
        gone = await session.execute(
            delete(ChannelMessageRow).where(authored_by(person.aad_object_id))
        )
        messages = _count(gone)
    personal = await _forget_person(session, key, place)
    erased = Erased(
        polls_removed=polls_removed,
        polls_anonymised=polls_anonymised,
        registrations_removed=registrations_removed,
        registrations_anonymised=registrations_anonymised,
        feedback_anonymised=feedback_anonymised,
        messages_deleted=messages,
        personal_messages_deleted=personal,
        resolutions_anonymised=_count(marks),
    )
    # The record that the request was carried out: counts only, nothing of what was deleted.
    await audit.record(session, actor_key=key, action=AUDIT_ERASED, detail=asdict(erased), now=now)
    return erased


async def _poll_answers(
    session: AsyncSession,
    messenger: Messenger,
    key: str,
    tombstone: str,
    anonymous_name: Namer,
    now: datetime,
) -> tuple[int, int]:
    removed = anonymised = 0
    rows = await session.execute(
        select(PollAnswerRow, PollRow)
        .join(PollRow, PollRow.id == PollAnswerRow.poll_id)
        .where(PollAnswerRow.person_key == key)
    )
    touched: list[int] = []
    for answer, poll in rows.tuples().all():
        if poll_is_open(poll, now):
            await session.delete(answer)
            removed += 1
        else:
            answer.person_key = tombstone
            answer.name = anonymous_name(poll.locale)
            answer.comment = ""
            anonymised += 1
        touched.append(poll.id)
    await session.flush()
    for poll_id in touched:
        stored = await load_poll(session, poll_id)
        if stored is not None:
            await refresh_shared_card(messenger, stored)
    return removed, anonymised


async def _registrations(
    session: AsyncSession,
    messenger: Messenger,
    catalog: Catalog,
    key: str,
    tombstone: str,
    anonymous_name: Namer,
    now: datetime,
    zone: tzinfo,
    because: str,
) -> tuple[int, int]:
    removed = anonymised = 0
    rows = await session.execute(
        select(RegistrationRow, EventRow)
        .join(EventRow, EventRow.id == RegistrationRow.event_id)
        .where(RegistrationRow.person_key == key)
    )
    for registration, row in rows.tuples().all():
        upcoming = event_is_upcoming(row, now, zone)
        if upcoming:
            await session.delete(registration)
            removed += 1
        else:
            registration.person_key = tombstone
            registration.name = anonymous_name(row.locale)
            registration.department = ""
            registration.note = ""
            anonymised += 1
        await session.flush()
        event = await load_event(session, row.id)
        if event is None:
            continue
        if upcoming:
            seated = await fill_free_seats(session, event.id, now)
            await tell_seated(
                session, messenger, catalog, event, seated, because=f"mydata:{because}", now=now
            )
        await refresh_event_card(messenger, event)
    return removed, anonymised


async def _forget_person(session: AsyncSession, key: str, place: Place) -> int:
    """Clears the remembered 所属/部署 and the personal chat's reference; deletes the copies
    of the personal messages already sent. How many messages went."""
    chat = await session.scalar(
        select(PersonRow.personal_conversation_id).where(PersonRow.person_key == key)
    )
    chats = {chat} if chat else set()
    if place.kind == "personal":
        chats.add(place.base_conversation_id)
    await session.execute(
        update(PersonRow)
        .where(PersonRow.person_key == key)
        .values(municipality=None, department=None, upn=None, personal_conversation_id=None)
    )
    if chats:
        await session.execute(
            delete(Conversation).where(
                Conversation.kind == "personal", Conversation.conversation_id.in_(sorted(chats))
            )
        )
    sent = await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.person_key == key,
            OutboxMessage.kind.in_(("personal", "update")),
            OutboxMessage.status.in_(SETTLED),
        )
    )
    return _count(sent)


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
