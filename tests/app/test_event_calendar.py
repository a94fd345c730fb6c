""" "Add to calendar": someone opens an IYO WORK day's calendar link and gets a file their
calendar understands; a wrong link tells nothing; a cancellation reaches the calendar."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import icalendar
from aiohttp import ClientResponse

from core.jpcalendar import TOKYO
from dialogs.events import Event, calendar_path, draft_for
from dialogs.events.store import cancel_event, create_event
from storage.db import Database
from tests.fixtures.app import RunningBot


async def decided_event(database_url: str, now: datetime, **draft: object) -> Event:
    """An IYO WORK day on Thursday 12/10, stored as the poll's decision would store it."""
    database = Database(database_url)
    try:
        async with database.transaction() as session:
            return await create_event(
                session,
                draft_for(
                    "第2回IYO WORK, 松前町; 研修",
                    date(2026, 12, 10),
                    time(13),
                    zone=TOKYO,
                    **draft,  # type: ignore[arg-type]
                ),
                conversation_id="19:channel@thread.tacv2",
                thread_outbox_id=None,
                poll_id=None,
                creator_key="taro",
                locale="ja",
                now=now,
            )
    finally:
        await database.dispose()


async def fetch(bot: RunningBot, path: str) -> tuple[ClientResponse, bytes]:
    response = await bot.client.get(path)
    return response, await response.read()


async def test_the_calendar_link_downloads_the_event_as_an_ics_file(
    bot: RunningBot, database_url: str
) -> None:
    event = await decided_event(database_url, bot.clock.now(), venue="松前町役場")

    response, body = await fetch(bot, calendar_path(event.token))

    assert response.status == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="iyowork-2026-12-10.ics"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    [vevent] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert vevent["SUMMARY"] == "第2回IYO WORK, 松前町; 研修"
    assert vevent["LOCATION"] == "松前町役場"
    assert vevent.decoded("DTSTART") == datetime(2026, 12, 10, 13, 0, tzinfo=TOKYO)
    assert vevent.decoded("DTEND") == datetime(2026, 12, 10, 17, 0, tzinfo=TOKYO)
    assert vevent.decoded("DTSTAMP") == bot.clock.now()
    assert vevent["STATUS"] == "CONFIRMED"
    assert "参加登録の締切: 2026年12月9日(水) 17:00" in vevent["DESCRIPTION"]


async def test_a_wrong_or_made_up_link_finds_nothing_and_says_nothing(
    bot: RunningBot, database_url: str
) -> None:
    event = await decided_event(database_url, bot.clock.now())

    for token in ("x" * 32, event.token[:-1], "short", "a%20b" * 8, event.token + "%00"):
        answer = await bot.get(calendar_path(token))
        assert answer.status == 404, token
        assert answer.body == "not found"
    assert (await bot.get(f"/events/{event.token}")).status == 404


async def test_a_cancelled_event_updates_the_entry_people_already_added(
    bot: RunningBot, database_url: str
) -> None:
    event = await decided_event(database_url, bot.clock.now())
    _, before = await fetch(bot, calendar_path(event.token))

    bot.clock.advance(timedelta(days=3))
    database = Database(database_url)
    try:
        async with database.transaction() as session:
            assert await cancel_event(session, event.id, bot.clock.now())
    finally:
        await database.dispose()
    _, after = await fetch(bot, calendar_path(event.token))

    [old] = icalendar.Calendar.from_ical(before).walk("VEVENT")
    [new] = icalendar.Calendar.from_ical(after).walk("VEVENT")
    assert new["UID"] == old["UID"]
    assert new["STATUS"] == "CANCELLED"
    assert new["SEQUENCE"] > old["SEQUENCE"]
