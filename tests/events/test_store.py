"""Events in the database, on SQLite and PostgreSQL: one event per poll, a secret token each,
the thread it talks in, cancelling, and the list of days still ahead."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.jpcalendar import TOKYO
from dialogs.events import Event, EventState, draft_for
from dialogs.events.store import (
    cancel_event,
    create_event,
    event_by_token,
    event_for_poll,
    load_event,
    open_events,
    set_thread,
)
from storage.db import Database
from storage.models import OutboxMessage, PollRow

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=TOKYO)
CHANNEL = "19:iyowork@thread.tacv2"


async def a_poll(session: AsyncSession) -> int:
    poll = PollRow(
        conversation_id=CHANNEL, creator_key="taro", title="第2回IYO WORK",
        created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    session.add(poll)
    await session.flush()
    return poll.id


async def a_post(session: AsyncSession) -> int:
    post = OutboxMessage(
        kind="post_channel", conversation_id=CHANNEL, payload={}, next_attempt_at=NOW,
        created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    session.add(post)
    await session.flush()
    return post.id


async def an_event(
    session: AsyncSession, day: date, *, poll_id: int | None = None, start: time | None = None
) -> Event:
    return await create_event(
        session,
        draft_for("IYO WORK", day, start, zone=TOKYO, capacity=30),
        conversation_id=CHANNEL,
        thread_outbox_id=None,
        poll_id=poll_id,
        creator_key="taro",
        locale="ja",
        now=NOW,
    )


async def test_a_decided_poll_gets_one_event_that_reads_back_the_same(
    database: Database,
) -> None:
    async with database.transaction() as session:
        poll_id = await a_poll(session)
        created = await an_event(session, date(2026, 12, 10), poll_id=poll_id)
    async with database.transaction() as session:
        by_id = await load_event(session, created.id)
        by_poll = await event_for_poll(session, poll_id)
        by_token = await event_by_token(session, created.token)
        assert await event_for_poll(session, poll_id + 1) is None
        assert await load_event(session, created.id + 1) is None
    assert by_id == by_poll == by_token == created
    assert created.state is EventState.OPEN
    assert created.capacity == 30
    assert created.registration_deadline == datetime(2026, 12, 9, 17, 0, tzinfo=TOKYO)
    assert len(created.token) >= 32

    with pytest.raises(IntegrityError):
        async with database.transaction() as session:
            await an_event(session, date(2026, 12, 11), poll_id=poll_id)


async def test_every_event_has_its_own_token_and_a_wrong_one_finds_nothing(
    database: Database,
) -> None:
    async with database.transaction() as session:
        first = await an_event(session, date(2026, 12, 10))
        second = await an_event(session, date(2026, 12, 10))
        assert first.token != second.token
        other = "y" if first.token.endswith("x") else "x"
        assert await event_by_token(session, first.token[:-1] + other) is None


async def test_the_event_remembers_the_post_whose_thread_it_talks_in(database: Database) -> None:
    async with database.transaction() as session:
        event = await an_event(session, date(2026, 12, 10))
        post_id = await a_post(session)
        await set_thread(session, event.id, post_id)
    async with database.transaction() as session:
        stored = await load_event(session, event.id)
    assert stored is not None and stored.thread_outbox_id == post_id


async def test_cancelling_happens_once_and_the_day_leaves_the_open_list(
    database: Database,
) -> None:
    async with database.transaction() as session:
        past = await an_event(session, date(2026, 11, 20))
        later = await an_event(session, date(2026, 12, 17))
        afternoon = await an_event(session, date(2026, 12, 10), start=time(13))
        morning = await an_event(session, date(2026, 12, 10))
        today = await an_event(session, date(2026, 11, 27))
        cancelled = await an_event(session, date(2026, 12, 1))
    async with database.transaction() as session:
        assert await cancel_event(session, cancelled.id, NOW + timedelta(hours=1))
        assert not await cancel_event(session, cancelled.id, NOW + timedelta(hours=2))
        assert not await cancel_event(session, cancelled.id + 100, NOW)
    async with database.transaction() as session:
        upcoming = await open_events(session, date(2026, 11, 27))
        gone = await load_event(session, cancelled.id)
    assert [e.id for e in upcoming] == [today.id, morning.id, afternoon.id, later.id]
    assert past.id not in [e.id for e in upcoming]
    assert gone is not None and gone.state is EventState.CANCELLED
    assert gone.updated_at == NOW + timedelta(hours=1)
