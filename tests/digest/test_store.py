"""A digest is claimed once per channel and due day, on SQLite and PostgreSQL alike, even when
two instances claim at the same moment; the next digest starts where the last posted one
ended."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dialogs.digest import store
from storage.db import Database

JST = ZoneInfo("Asia/Tokyo")
CHANNEL = "19:ehime-it-staff0001@thread.tacv2"
MONDAY = dt.date(2026, 11, 30)
NINE = dt.datetime(2026, 11, 30, 9, 0, tzinfo=JST)
WEEK = dt.timedelta(days=7)


async def claim(database: Database, day: dt.date = MONDAY) -> store.Digest | None:
    async with database.transaction() as session:
        return await store.claim(
            session, CHANNEL, day, period_start=NINE - WEEK, period_end=NINE, manual=False,
            now=NINE,
        )  # fmt: skip


async def test_a_day_is_claimed_once(database: Database) -> None:
    first = await claim(database)
    assert first is not None and first.status == store.QUEUED
    assert first.marker.startswith("iyowork-digest:")
    assert await claim(database) is None
    other_day = await claim(database, MONDAY + WEEK)
    assert other_day is not None and other_day.marker != first.marker


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_two_instances_claiming_at_once_get_one_digest(database_url: str) -> None:
    instances = [Database(database_url) for _ in range(2)]
    try:
        results = await asyncio.gather(*(claim(instance) for instance in instances))
    finally:
        for instance in instances:
            await instance.dispose()
    assert sum(result is not None for result in results) == 1


async def test_the_next_digest_starts_where_the_last_posted_one_ended(database: Database) -> None:
    first = await claim(database)
    assert first is not None
    async with database.transaction() as session:
        assert await store.covered_until(session, CHANNEL) == NINE
        await store.set_status(session, first.id, store.FAILED, NINE)
        # Nothing was posted: the next one covers that period again.
        assert await store.covered_until(session, CHANNEL) is None
        [problem] = await store.unreported_problems(session, CHANNEL, before=first.id + 1)
        assert problem.id == first.id
