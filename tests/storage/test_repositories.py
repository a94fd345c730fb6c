"""Repositories: what a turn stores about conversations, people and handled activities."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from storage.db import Database
from storage.repositories.activities import first_delivery, prune_processed_activities
from storage.repositories.conversations import (
    active_team_conversations,
    get_conversation,
    mark_inactive,
    upsert_conversation,
)
from storage.repositories.people import get_person, set_personal_conversation, upsert_person

T0 = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)
CHANNEL = "19:general@thread.tacv2"


def channel(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "conversation_id": CHANNEL,
        "kind": "channel",
        "service_url": "https://smba.trafficmanager.net/jp/",
        "tenant_id": "tenant-ehime",
        "team_id": CHANNEL,
        "team_aad_group_id": "group-1",
        "channel_id": CHANNEL,
        "team_name": "情報政策課",
        "channel_name": "General",
        "bot_id": "28:bot",
        "bot_name": "IYO WORK",
        "now": T0,
    }
    values.update(overrides)
    return values


async def test_a_later_activity_without_team_details_keeps_what_we_knew(
    database: Database,
) -> None:
    async with database.transaction() as session:
        first = await upsert_conversation(session, **channel())
        assert first.installed_at == T0 and first.active
    later = T0 + timedelta(days=3)
    async with database.transaction() as session:
        again = await upsert_conversation(
            session,
            **channel(
                conversation_id=f"{CHANNEL};messageid=1700000000000",
                service_url="https://smba.trafficmanager.net/apac/",
                team_name=None,
                channel_name=None,
                team_aad_group_id=None,
                now=later,
            ),
        )
        assert again.id == first.id
    async with database.transaction() as session:
        stored = await get_conversation(session, f"{CHANNEL};messageid=42")
        assert stored is not None
        assert stored.conversation_id == CHANNEL
        assert stored.team_name == "情報政策課"
        assert stored.channel_name == "General"
        assert stored.team_aad_group_id == "group-1"
        assert stored.service_url == "https://smba.trafficmanager.net/apac/"
        assert (stored.installed_at, stored.updated_at) == (T0, later)


async def test_a_removed_bot_is_inactive_until_installed_again(database: Database) -> None:
    async with database.transaction() as session:
        await upsert_conversation(session, **channel())
        await upsert_conversation(
            session,
            **channel(conversation_id="a:personal-chat", kind="personal", team_id=None),
        )
        await upsert_conversation(
            session,
            **channel(conversation_id="19:other@thread.tacv2", team_name="市町連絡会"),
        )
    async with database.transaction() as session:
        await mark_inactive(session, CHANNEL, T0 + timedelta(hours=1))
    async with database.transaction() as session:
        names = [c.team_name for c in await active_team_conversations(session)]
        assert names == ["市町連絡会"]
    async with database.transaction() as session:
        await upsert_conversation(session, **channel(now=T0 + timedelta(hours=2)))
    async with database.transaction() as session:
        assert len(await active_team_conversations(session)) == 2


async def test_a_person_keeps_their_upn_and_personal_chat_across_turns(
    database: Database,
) -> None:
    async with database.transaction() as session:
        await upsert_person(
            session,
            person_key="aad-tanaka",
            teams_id="29:tanaka",
            aad_object_id="aad-tanaka",
            name="田中 花子",
            tenant_id="tenant-ehime",
            locale="ja",
            now=T0,
            service_url="https://smba.trafficmanager.net/jp/",
            upn="tanaka@city.example.jp",
        )
        await set_personal_conversation(session, "aad-tanaka", "a:1on1-tanaka", None)
    async with database.transaction() as session:
        person = await upsert_person(
            session,
            person_key="aad-tanaka",
            teams_id="29:tanaka",
            aad_object_id=None,
            name="田中 花子 (情報政策課)",
            tenant_id=None,
            locale="en",
            now=T0 + timedelta(days=1),
        )
        assert person.name == "田中 花子 (情報政策課)"
    async with database.transaction() as session:
        stored = await get_person(session, "aad-tanaka")
        assert stored is not None
        assert (stored.upn, stored.aad_object_id, stored.locale) == (
            "tanaka@city.example.jp",
            "aad-tanaka",
            "en",
        )
        assert stored.personal_conversation_id == "a:1on1-tanaka"
        assert stored.service_url == "https://smba.trafficmanager.net/jp/"
        assert (stored.created_at, stored.updated_at) == (T0, T0 + timedelta(days=1))


async def test_a_redelivered_activity_is_seen_as_already_handled(database: Database) -> None:
    async with database.transaction() as session:
        assert await first_delivery(session, CHANNEL, "act-1", T0) is True
    async with database.transaction() as session:
        assert await first_delivery(session, CHANNEL, "act-1", T0) is False
        assert await first_delivery(session, "19:other", "act-1", T0) is True


async def test_two_deliveries_racing_only_one_is_first(database: Database) -> None:
    async def deliver(barrier: asyncio.Barrier, activity_id: str) -> bool:
        await barrier.wait()
        async with database.transaction() as session:
            return await first_delivery(session, CHANNEL, activity_id, T0)

    for round_ in range(10):
        barrier = asyncio.Barrier(2)
        results = await asyncio.gather(
            deliver(barrier, f"a{round_}"), deliver(barrier, f"a{round_}")
        )
        assert sorted(results) == [False, True]


async def _wait_until_blocked(database: Database) -> None:
    """Until another connection waits on a lock (PostgreSQL only; bounded polling)."""
    async with database.engine.connect() as connection:
        for _ in range(500):
            waiting = await connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
            if waiting:
                return
            await connection.rollback()
            await asyncio.sleep(0.01)
    raise AssertionError("the second delivery never waited")


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"])
@pytest.mark.parametrize("first_commits", [True, False])
async def test_the_second_delivery_waits_for_the_first_to_commit_or_roll_back(
    database: Database, first_commits: bool
) -> None:
    async def second() -> bool:
        async with database.transaction() as session:
            return await first_delivery(session, CHANNEL, "act-9", T0)

    session_cm = database.transaction()
    session = await session_cm.__aenter__()
    assert await first_delivery(session, CHANNEL, "act-9", T0) is True
    racing = asyncio.create_task(second())
    await _wait_until_blocked(database)
    if first_commits:
        await session_cm.__aexit__(None, None, None)
    else:
        await session_cm.__aexit__(RuntimeError, RuntimeError("turn failed"), None)
    # The second is first only if the first delivery's work was rolled back.
    assert await racing is (not first_commits)


async def test_old_processed_activities_are_pruned(database: Database) -> None:
    async with database.transaction() as session:
        await first_delivery(session, CHANNEL, "old", T0)
        await first_delivery(session, CHANNEL, "new", T0 + timedelta(days=2))
    async with database.transaction() as session:
        assert await prune_processed_activities(session, T0 + timedelta(days=1)) == 1
    async with database.transaction() as session:
        assert await first_delivery(session, CHANNEL, "old", T0) is True
        assert await first_delivery(session, CHANNEL, "new", T0) is False
