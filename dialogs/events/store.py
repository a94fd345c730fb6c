"""Events in the database: rows in, plain `Event` values out. Functions flush; the turn or
task that calls them commits."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import locale_of
from dialogs.events.model import Event, EventDraft, EventState
from dialogs.platform.scope import Scope
from storage.models import EventRow

# 24 random bytes = 32 URL-safe characters: the calendar URL cannot be guessed.
TOKEN_BYTES = 24


async def create_event(
    session: AsyncSession,
    draft: EventDraft,
    *,
    conversation_id: str,
    thread_outbox_id: int | None,
    poll_id: int | None,
    creator_key: str,
    locale: str,
    now: datetime,
) -> Event:
    """Store a new open event. A second event for the same poll fails (IntegrityError on the
    unique poll_id): check `event_for_poll` first when a decision may be repeated."""
    row = EventRow(
        token=secrets.token_urlsafe(TOKEN_BYTES),
        conversation_id=conversation_id,
        thread_outbox_id=thread_outbox_id,
        poll_id=poll_id,
        creator_key=creator_key,
        locale=locale_of(locale),
        title=draft.title,
        day=draft.day,
        start_time=draft.start,
        end_time=draft.end,
        venue=draft.venue,
        capacity=draft.capacity,
        meeting_url=draft.meeting_url,
        registration_deadline=draft.registration_deadline,
        state=EventState.OPEN.value,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    await session.flush()
    return _event(row)


async def load_event(session: AsyncSession, event_id: int) -> Event | None:
    row = await session.get(EventRow, event_id, populate_existing=True)
    return None if row is None else _event(row)


async def event_by_token(session: AsyncSession, token: str) -> Event | None:
    return await _one(session, EventRow.token == token)


async def event_for_poll(session: AsyncSession, poll_id: int) -> Event | None:
    return await _one(session, EventRow.poll_id == poll_id)


async def set_thread(session: AsyncSession, event_id: int, outbox_id: int) -> None:
    """Remember the outbox row of the post whose thread belongs to the event."""
    await session.execute(
        update(EventRow).where(EventRow.id == event_id).values(thread_outbox_id=outbox_id)
    )


async def set_card_post(session: AsyncSession, event_id: int, outbox_id: int) -> None:
    """Remember the outbox row of the post showing the event card, to update it in place."""
    await session.execute(
        update(EventRow).where(EventRow.id == event_id).values(card_outbox_id=outbox_id)
    )


async def cancel_event(session: AsyncSession, event_id: int, now: datetime) -> bool:
    """Open → cancelled; False when it was not open (already cancelled, or no such event)."""
    cancelled = await session.scalar(
        update(EventRow)
        .where(EventRow.id == event_id, EventRow.state == EventState.OPEN.value)
        .values(state=EventState.CANCELLED.value, updated_at=now)
        .returning(EventRow.id)
    )
    return cancelled is not None


async def open_events(
    session: AsyncSession, today: date, *, within: Scope | None = None
) -> list[Event]:
    """Open events on `today` (the local date) or later, soonest first; only those `within`
    the scope when one is given (team separation)."""
    query = select(EventRow).where(EventRow.state == EventState.OPEN.value, EventRow.day >= today)
    if within is not None:
        query = query.where(within.where(EventRow.conversation_id))
    rows = await session.scalars(
        query.order_by(EventRow.day, EventRow.start_time, EventRow.id).execution_options(
            populate_existing=True
        )
    )
    return [_event(row) for row in rows]


async def _one(session: AsyncSession, condition: ColumnElement[bool]) -> Event | None:
    row = await session.scalar(
        select(EventRow).where(condition).execution_options(populate_existing=True)
    )
    return None if row is None else _event(row)


def _event(row: EventRow) -> Event:
    return Event(
        id=row.id,
        token=row.token,
        title=row.title,
        day=row.day,
        start=row.start_time,
        end=row.end_time,
        venue=row.venue,
        capacity=row.capacity,
        meeting_url=row.meeting_url,
        registration_deadline=row.registration_deadline,
        state=EventState(row.state),
        conversation_id=row.conversation_id,
        thread_outbox_id=row.thread_outbox_id,
        poll_id=row.poll_id,
        creator_key=row.creator_key,
        locale=locale_of(row.locale),
        created_at=row.created_at,
        updated_at=row.updated_at,
        card_outbox_id=row.card_outbox_id,
    )
