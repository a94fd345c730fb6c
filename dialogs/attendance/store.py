"""Registrations in the database: rows in, plain `Registration` values out. Functions flush;
the turn or task that calls them commits.

Seats are decided inside the caller's transaction with the event's row locked (`SELECT … FOR
UPDATE` on PostgreSQL; on SQLite every writing transaction already holds the database's write
lock from its first statement, BEGIN IMMEDIATE in storage/db.py). So two people pressing
登録する for the last seat at the same moment are decided one after the other: exactly one
gets it, the other is first on the waitlist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.attendance import seats
from dialogs.attendance.model import Choice, Mode, Registration, Slot, Status
from storage.models import EventRow, Person, RegistrationRow


@dataclass(frozen=True)
class Saved:
    """What registering did: the person's registration as it stands now, what it was before
    (None: first time), and the others who got a seat because of it (to be told)."""

    registration: Registration
    previous: Registration | None
    seated_others: tuple[Registration, ...] = ()


async def register(
    session: AsyncSession,
    event_id: int,
    *,
    person_key: str,
    name: str,
    choice: Choice,
    now: datetime,
) -> Saved | None:
    """Store the person's choice for the event (replacing an earlier one) and decide seats.
    None when there is no such event. The caller checks the deadline and the event's state;
    `person_key` is whoever the registration is for (the sender, or — later — someone a
    coordinator registers)."""
    event = await _lock_event(session, event_id)
    if event is None:
        return None
    row = await session.scalar(
        select(RegistrationRow).where(
            RegistrationRow.event_id == event_id, RegistrationRow.person_key == person_key
        )
    )
    previous = await _with_position(session, row) if row is not None else None
    wanted = seats.request(choice.mode, Status(row.status) if row else None)
    queue_no = await _next_queue_no(session, event_id) if wanted.joins_queue else None
    if row is None:
        row = RegistrationRow(event_id=event_id, person_key=person_key, created_at=now)
        session.add(row)
    if queue_no is not None:
        row.queue_no = queue_no
    row.name = name
    row.mode = choice.mode.value
    row.slot = choice.slot.value
    row.municipality = choice.municipality
    row.department = choice.department
    row.note = choice.note
    row.status = wanted.status.value
    row.updated_at = now
    await session.flush()
    seated = await _fill_seats(session, event_id, event.capacity, now)
    # Only this person's row and those just seated are read back: a crowd registering at
    # once must not re-read the whole list for every one of them.
    others = tuple(_registration(other, None) for other in seated if other.id != row.id)
    return Saved(await _with_position(session, row), previous, others)


async def fill_free_seats(
    session: AsyncSession, event_id: int, now: datetime
) -> tuple[Registration, ...]:
    """Give free seats to the first in line (after the capacity grew, say); those seated."""
    event = await _lock_event(session, event_id)
    if event is None:
        return ()
    seated = await _fill_seats(session, event_id, event.capacity, now)
    return tuple(_registration(row, None) for row in seated)


async def registrations(session: AsyncSession, event_id: int) -> list[Registration]:
    """Everyone registered for the event (欠席 included), in the order they first registered;
    the waitlisted carry their place in line."""
    rows = list(
        await session.scalars(
            select(RegistrationRow)
            .where(RegistrationRow.event_id == event_id)
            # Row ids follow the event's lock, so they are the order of registering; the
            # clock read before the lock is not (PostgreSQL, a crowd at once).
            .order_by(RegistrationRow.id)
            .execution_options(populate_existing=True)
        )
    )
    places = seats.positions(
        [row.id for row in sorted(rows, key=_queue_order) if row.status == Status.WAITLISTED.value]
    )
    return [_registration(row, places.get(row.id)) for row in rows]


async def registration_of(
    session: AsyncSession, event_id: int, person_key: str
) -> Registration | None:
    """One person's registration for the event, or None."""
    row = await session.scalar(
        select(RegistrationRow)
        .where(RegistrationRow.event_id == event_id, RegistrationRow.person_key == person_key)
        .execution_options(populate_existing=True)
    )
    return await _with_position(session, row) if row is not None else None


async def _with_position(session: AsyncSession, row: RegistrationRow) -> Registration:
    """The row as a Registration; a waitlisted one with its place in line (those ahead + 1)."""
    if row.status != Status.WAITLISTED.value:
        return _registration(row, None)
    ahead = await session.scalar(
        select(func.count()).where(
            RegistrationRow.event_id == row.event_id,
            RegistrationRow.status == Status.WAITLISTED.value,
            tuple_(RegistrationRow.queue_no, RegistrationRow.id) < tuple_(row.queue_no, row.id),
        )
    )
    return _registration(row, int(ahead or 0) + 1)


async def recent_registrants(session: AsyncSession, event_id: int, limit: int) -> list[str]:
    """Teams ids of the people who registered or changed last (newest first), for the event
    card's user-specific views."""
    rows = await session.scalars(
        select(Person.teams_id)
        .join(RegistrationRow, RegistrationRow.person_key == Person.person_key)
        .where(RegistrationRow.event_id == event_id)
        .order_by(RegistrationRow.updated_at.desc(), RegistrationRow.id.desc())
        .limit(limit)
    )
    return list(rows)


async def _lock_event(session: AsyncSession, event_id: int) -> EventRow | None:
    """The event's row, locked for the rest of the transaction (None: no such event)."""
    row: EventRow | None = await session.scalar(
        select(EventRow)
        .where(EventRow.id == event_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return row


async def _next_queue_no(session: AsyncSession, event_id: int) -> int:
    """The next place at the end of the line. Safe because the event's row is locked."""
    highest = await session.scalar(
        select(func.max(RegistrationRow.queue_no)).where(RegistrationRow.event_id == event_id)
    )
    return int(highest or 0) + 1


async def _fill_seats(
    session: AsyncSession, event_id: int, capacity: int | None, now: datetime
) -> list[RegistrationRow]:
    """Seat the first in line while seats are free; the rows seated."""
    seated = await session.scalar(
        select(func.count()).where(
            RegistrationRow.event_id == event_id, RegistrationRow.status == Status.SEATED.value
        )
    )
    free = seats.free_seats(capacity, int(seated or 0))
    if free == 0:
        return []
    first_in_line = (
        select(RegistrationRow)
        .where(
            RegistrationRow.event_id == event_id,
            RegistrationRow.status == Status.WAITLISTED.value,
        )
        .order_by(RegistrationRow.queue_no, RegistrationRow.id)
    )
    if free is not None:
        first_in_line = first_in_line.limit(free)
    chosen = list(await session.scalars(first_in_line))
    for row in chosen:
        row.status = Status.SEATED.value
        row.updated_at = now
    await session.flush()
    return chosen


def _queue_order(row: RegistrationRow) -> tuple[int, int]:
    return (row.queue_no or 0, row.id)


def _registration(row: RegistrationRow, position: int | None) -> Registration:
    return Registration(
        event_id=row.event_id,
        person_key=row.person_key,
        name=row.name,
        mode=Mode(row.mode),
        slot=Slot(row.slot),
        municipality=row.municipality,
        department=row.department,
        note=row.note,
        status=Status(row.status),
        position=position,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
