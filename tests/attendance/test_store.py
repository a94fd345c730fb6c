"""Registrations in the database, on SQLite and PostgreSQL: seats in order of asking, the
waitlist and its places, a freed seat going to the first in line, and two people (on two
bot instances) taking the last seat at the same moment."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from core.jpcalendar import TOKYO
from dialogs.attendance.model import Choice, Mode, Slot, Status
from dialogs.attendance.store import (
    Saved,
    fill_free_seats,
    register,
    registration_of,
    registrations,
)
from dialogs.events import Event, draft_for
from dialogs.events.store import create_event
from storage.db import Database
from storage.models import EventRow, RegistrationRow

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=TOKYO)
ON_SITE = Choice(Mode.ONSITE, Slot.ALLDAY, "matsuyama", "情報政策課")
ONLINE = Choice(Mode.ONLINE, Slot.PM, "imabari")
ABSENT = Choice(Mode.ABSENT)


async def an_event(database: Database, capacity: int | None) -> Event:
    async with database.transaction() as session:
        return await create_event(
            session,
            draft_for("第2回IYO WORK", date(2026, 12, 10), zone=TOKYO, capacity=capacity),
            conversation_id="19:iyowork@thread.tacv2",
            thread_outbox_id=None,
            poll_id=None,
            creator_key="taro",
            locale="ja",
            now=NOW,
        )


async def sign_up(
    database: Database, event: Event, who: str, choice: Choice = ON_SITE, minutes: int = 0
) -> Saved:
    async with database.transaction() as session:
        saved = await register(
            session,
            event.id,
            person_key=who,
            name=f"{who} さん",
            choice=choice,
            now=NOW + timedelta(minutes=minutes),
        )
    assert saved is not None
    return saved


async def statuses(database: Database, event: Event) -> dict[str, tuple[Status, int | None]]:
    async with database.transaction() as session:
        return {
            r.person_key: (r.status, r.position) for r in await registrations(session, event.id)
        }


async def test_seats_go_in_order_and_the_rest_wait_in_line(database: Database) -> None:
    event = await an_event(database, capacity=2)

    first = await sign_up(database, event, "hanako", minutes=1)
    await sign_up(database, event, "jiro", minutes=2)
    third = await sign_up(database, event, "taro", minutes=3)
    await sign_up(database, event, "saburo", minutes=4)

    assert first.previous is None and first.registration.status is Status.SEATED
    assert (third.registration.status, third.registration.position) == (Status.WAITLISTED, 1)
    assert await statuses(database, event) == {
        "hanako": (Status.SEATED, None),
        "jiro": (Status.SEATED, None),
        "taro": (Status.WAITLISTED, 1),
        "saburo": (Status.WAITLISTED, 2),
    }
    async with database.transaction() as session:
        stored = await registration_of(session, event.id, "hanako")
    assert stored is not None
    assert (stored.name, stored.municipality, stored.department) == (
        "hanako さん",
        "matsuyama",
        "情報政策課",
    )


async def test_a_seat_given_up_goes_to_the_first_in_line(database: Database) -> None:
    event = await an_event(database, capacity=2)
    for minute, who in enumerate(("hanako", "jiro", "taro", "saburo")):
        await sign_up(database, event, who, minutes=minute)

    switched = await sign_up(database, event, "jiro", ONLINE, minutes=10)

    assert switched.previous is not None and switched.previous.status is Status.SEATED
    assert switched.registration.status is Status.ONLINE
    assert [r.person_key for r in switched.seated_others] == ["taro"]
    assert await statuses(database, event) == {
        "hanako": (Status.SEATED, None),
        "jiro": (Status.ONLINE, None),
        "taro": (Status.SEATED, None),
        "saburo": (Status.WAITLISTED, 1),
    }
    cancelled = await sign_up(database, event, "hanako", ABSENT, minutes=11)
    assert [r.person_key for r in cancelled.seated_others] == ["saburo"]


async def test_staying_on_site_keeps_the_place_and_coming_back_goes_to_the_end(
    database: Database,
) -> None:
    event = await an_event(database, capacity=1)
    for minute, who in enumerate(("hanako", "jiro", "taro")):
        await sign_up(database, event, who, minutes=minute)

    # Jiro, first in line, changes his slot: still first. Then he tries online and comes back.
    await sign_up(database, event, "jiro", Choice(Mode.ONSITE, Slot.AM, "ozu"), minutes=5)
    assert (await statuses(database, event))["jiro"] == (Status.WAITLISTED, 1)
    await sign_up(database, event, "jiro", ONLINE, minutes=6)
    assert (await statuses(database, event))["taro"] == (Status.WAITLISTED, 1)
    await sign_up(database, event, "jiro", ON_SITE, minutes=7)
    assert (await statuses(database, event))["jiro"] == (Status.WAITLISTED, 2)
    # Hanako, seated, changes her note: her seat stays hers.
    again = await sign_up(
        database, event, "hanako", Choice(Mode.ONSITE, note="遅れます"), minutes=8
    )
    assert again.registration.status is Status.SEATED and again.seated_others == ()


async def test_without_a_capacity_everyone_on_site_is_seated(database: Database) -> None:
    event = await an_event(database, capacity=None)
    for minute in range(5):
        await sign_up(database, event, f"person{minute}", minutes=minute)
    assert {s for s, _ in (await statuses(database, event)).values()} == {Status.SEATED}


async def test_more_seats_go_to_those_waiting(database: Database) -> None:
    event = await an_event(database, capacity=1)
    for minute, who in enumerate(("hanako", "jiro", "taro")):
        await sign_up(database, event, who, minutes=minute)
    async with database.transaction() as session:
        row = await session.get(EventRow, event.id)
        assert row is not None
        row.capacity = 2
        seated = await fill_free_seats(session, event.id, NOW)
    assert [r.person_key for r in seated] == ["jiro"]
    assert (await statuses(database, event))["taro"] == (Status.WAITLISTED, 1)


async def test_no_such_event_registers_nothing(database: Database) -> None:
    async with database.transaction() as session:
        assert (
            await register(session, 999, person_key="x", name="x", choice=ON_SITE, now=NOW) is None
        )


async def test_two_people_taking_the_last_seat_at_once_one_gets_it(database_url: str) -> None:
    """Two bot instances (two engines, two connection pools), each registering in its own
    transaction at the same moment, over several rounds."""
    instances = [Database(database_url), Database(database_url)]
    try:
        for round_ in range(5):
            event = await an_event(instances[0], capacity=2)
            await sign_up(instances[0], event, "seated-already")

            async def take(database: Database, who: str, event: Event = event) -> Saved:
                return await sign_up(database, event, who, minutes=1)

            results = await asyncio.gather(
                take(instances[0], f"hanako{round_}"), take(instances[1], f"jiro{round_}")
            )

            got = sorted(r.registration.status for r in results)
            assert got == [Status.SEATED, Status.WAITLISTED], f"round {round_}: {got}"
            counted = await statuses(instances[0], event)
            assert sum(1 for s, _ in counted.values() if s is Status.SEATED) == 2
    finally:
        for database in instances:
            await database.dispose()


async def test_the_same_person_pressing_twice_at_once_has_one_registration(
    database_url: str,
) -> None:
    instances = [Database(database_url), Database(database_url)]
    try:
        event = await an_event(instances[0], capacity=5)
        await asyncio.gather(
            sign_up(instances[0], event, "hanako"), sign_up(instances[1], event, "hanako", ONLINE)
        )
        async with instances[0].transaction() as session:
            rows = await session.scalar(
                select(func.count())
                .select_from(RegistrationRow)
                .where(RegistrationRow.event_id == event.id)
            )
        assert rows == 1
    finally:
        for database in instances:
            await database.dispose()
