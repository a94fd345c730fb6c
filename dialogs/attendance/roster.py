"""Who is coming to one IYO WORK day (参加者一覧), and which municipalities have come so far
(参加状況): the plain rules, and the queries that feed them.

"Took part" means: registered for a day that has passed (its date before today in the bot's
zone) and was not cancelled, with the status seated (現地, with a seat) or online. The bot has
no check-in, so this is a proxy for who actually came: someone who registered and neither
switched to 欠席 nor was left on the waitlist. Someone who did not turn up without saying so
still counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.attendance.model import MUNICIPALITIES, OTHER, Registration, Status
from dialogs.events.model import MAX_TITLE_LENGTH, Event, EventState
from dialogs.events.store import load_event
from dialogs.platform.scope import Scope
from storage.models import EventRow, OutboxMessage, RegistrationRow

# What counts as having taken part (see the module's docstring).
TOOK_PART = (Status.SEATED, Status.ONLINE)
# The municipalities the community wants to see at every day: the prefecture's office and its
# 20 cities and towns (その他 is not one of them).
COMMUNITY: tuple[str, ...] = tuple(code for code in MUNICIPALITIES if code != OTHER)

_EVENT_NUMBER = re.compile(r"^(?:#|no\.?\s*)?(\d{1,9})$", re.IGNORECASE)


# --- one day's list ------------------------------------------------------------------------


@dataclass(frozen=True)
class Roster:
    """One event's registrations by where they stand: seated and online in the order they
    first registered, the waitlist in queue order, and how many said 欠席."""

    seated: tuple[Registration, ...] = ()
    online: tuple[Registration, ...] = ()
    waitlisted: tuple[Registration, ...] = ()
    absent: int = 0

    @property
    def empty(self) -> bool:
        return not (self.seated or self.online or self.waitlisted or self.absent)


def roster(registered: Iterable[Registration]) -> Roster:
    """Sort an event's registrations (as `store.registrations` returns them) into a Roster."""
    by_status: dict[Status, list[Registration]] = {status: [] for status in Status}
    for registration in registered:
        by_status[registration.status].append(registration)
    waiting = sorted(by_status[Status.WAITLISTED], key=lambda r: r.position or 0)
    return Roster(
        seated=tuple(by_status[Status.SEATED]),
        online=tuple(by_status[Status.ONLINE]),
        waitlisted=tuple(waiting),
        absent=len(by_status[Status.ABSENT]),
    )


# --- the community's record ----------------------------------------------------------------


@dataclass(frozen=True)
class Attended:
    """Someone who took part in a past event (one registration seated or online)."""

    event_id: int
    person_key: str
    municipality: str | None
    status: Status


@dataclass(frozen=True)
class MunicipalityRecord:
    """How a municipality took part: in how many events someone came on site, in how many
    someone joined online, in how many at all, and how many different people came."""

    code: str
    onsite_events: int = 0
    online_events: int = 0
    events: int = 0
    people: int = 0


@dataclass(frozen=True)
class Participation:
    """Across `events` past days: one record per municipality of the community in the
    prefecture's order (その他 last, only when someone from outside came), and those of the
    community that have never taken part, in the same order."""

    events: int
    records: tuple[MunicipalityRecord, ...]
    never: tuple[str, ...]


def participation(events: int, attended: Iterable[Attended]) -> Participation:
    """The community's record. A municipality counts once per event and mode however many of
    its people came; one with people on site and online that day counts in both columns (and
    once in `events`). Only seated and online registrations count, as the proxy for having
    come (no check-in: see the module's docstring); an unknown or missing municipality counts
    as その他."""
    onsite: dict[str, set[int]] = {}
    online: dict[str, set[int]] = {}
    people: dict[str, set[str]] = {}
    for one in attended:
        if one.status not in TOOK_PART:
            continue
        code = one.municipality if one.municipality in COMMUNITY else OTHER
        modes = onsite if one.status is Status.SEATED else online
        modes.setdefault(code, set()).add(one.event_id)
        people.setdefault(code, set()).add(one.person_key)
    records = [
        MunicipalityRecord(
            code=code,
            onsite_events=len(onsite.get(code, ())),
            online_events=len(online.get(code, ())),
            events=len(onsite.get(code, set()) | online.get(code, set())),
            people=len(people.get(code, ())),
        )
        for code in (*COMMUNITY, OTHER)
        if code != OTHER or code in people
    ]
    never = tuple(code for code in COMMUNITY if code not in people)
    return Participation(events=events, records=tuple(records), never=never)


async def past_attendance(
    session: AsyncSession, today: date, *, within: Scope | None = None
) -> tuple[int, list[Attended]]:
    """How many events have taken place before `today` (not cancelled), and everyone who took
    part in them (seated or online); only the events `within` the scope when one is given."""
    took_place = [EventRow.day < today, EventRow.state != EventState.CANCELLED.value]
    if within is not None:
        took_place.append(within.where(EventRow.conversation_id))
    held = list(await session.scalars(select(EventRow.id).where(*took_place)))
    rows = await session.execute(
        select(
            RegistrationRow.event_id,
            RegistrationRow.person_key,
            RegistrationRow.municipality,
            RegistrationRow.status,
        )
        .join(EventRow, EventRow.id == RegistrationRow.event_id)
        .where(*took_place, RegistrationRow.status.in_([s.value for s in TOOK_PART]))
    )
    attended = [
        Attended(event_id, person_key, municipality, Status(status))
        for event_id, person_key, municipality, status in rows.tuples()
    ]
    return len(held), attended


# --- which event ---------------------------------------------------------------------------


async def find_event(
    session: AsyncSession,
    *,
    today: date,
    reference: str = "",
    conversation_id: str | None = None,
    thread_id: str | None = None,
    within: Scope | None = None,
) -> Event | None:
    """The event a list or an export is about. `reference` (as typed after the command) names
    one by number (`3`, `#3`) or by part of its title; without it, the event whose thread the
    command was written in, else the next open one (today's included), else the latest past
    one, else the latest cancelled one (its list says it was cancelled: "there is none" would
    be wrong). Among several with the title, the same order. With `within`, only that scope's
    events are found, by number too (team separation)."""
    reference = reference.strip()
    number = _EVENT_NUMBER.match(reference)
    if number:
        event = await load_event(session, int(number.group(1)))
        if event is None or (within is not None and not within.allows(event.conversation_id)):
            return None
        return event
    query = select(EventRow.id)
    if within is not None:
        query = query.where(within.where(EventRow.conversation_id))
    if reference:
        if len(reference) > MAX_TITLE_LENGTH:
            return None  # no title is that long (and SQLite refuses very long LIKE patterns)
        query = query.where(EventRow.title.icontains(reference, autoescape=True))
    elif conversation_id and thread_id:
        in_thread = await event_in_thread(session, conversation_id, thread_id)
        if in_thread is not None:
            return await load_event(session, in_thread)
    found = await _first(session, query, today)
    return None if found is None else await load_event(session, found)


async def event_in_thread(
    session: AsyncSession, conversation_id: str, thread_id: str
) -> int | None:
    """The event whose thread this is (the event's own post, or the poll it was decided from)."""
    found = await session.scalar(
        select(EventRow.id)
        .join(OutboxMessage, OutboxMessage.id == EventRow.thread_outbox_id)
        .where(
            EventRow.conversation_id == conversation_id,
            OutboxMessage.sent_activity_id == thread_id,
        )
        .order_by(EventRow.id.desc())
        .limit(1)
    )
    return int(found) if found is not None else None


async def _first(session: AsyncSession, query: Select[int], today: date) -> int | None:
    """The next open event among `query`'s, else the latest past one (not cancelled), else
    the latest cancelled one."""
    is_open = EventRow.state == EventState.OPEN.value
    upcoming = await session.scalar(
        query.where(is_open, EventRow.day >= today)
        .order_by(EventRow.day, EventRow.start_time, EventRow.id)
        .limit(1)
    )
    if upcoming is not None:
        return int(upcoming)
    past = await session.scalar(
        query.where(is_open, EventRow.day < today)
        .order_by(EventRow.day.desc(), EventRow.start_time.desc(), EventRow.id.desc())
        .limit(1)
    )
    if past is not None:
        return int(past)
    cancelled = await session.scalar(
        query.where(EventRow.state == EventState.CANCELLED.value)
        .order_by(EventRow.day.desc(), EventRow.start_time.desc(), EventRow.id.desc())
        .limit(1)
    )
    return int(cancelled) if cancelled is not None else None
