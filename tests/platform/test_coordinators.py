"""Who is a coordinator: named in COORDINATOR_IDS, or an owner of the team in Teams' roster."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.adapter import build_adapter
from bot.deliverer import ConnectorDeliverer
from core.clock import FrozenClock
from core.settings import Settings
from dialogs.platform.coordinators import Coordinators
from dialogs.turn import Person, Place
from storage.db import Database
from storage.repositories.conversations import upsert_conversation
from tests.fakes.connector import FakeConnector
from tests.fixtures.connector import HANAKO, TARO, TEAM, TENANT_ID, TeamsUser

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


def person(user: TeamsUser) -> Person:
    return Person(user.teams_id, user.aad_object_id, user.name)


def in_channel(connector: FakeConnector) -> Place:
    return Place(
        conversation_id=f"{TEAM.id};messageid=1",
        kind="channel",
        service_url=connector.url,
        tenant_id=TENANT_ID,
        team_id=TEAM.id,
        channel_id=TEAM.id,
    )


def in_personal_chat(connector: FakeConnector, user: TeamsUser) -> Place:
    return Place(f"a:1personal-{user.aad_object_id}", "personal", connector.url, TENANT_ID)


def coordinators(connector: FakeConnector, clock: FrozenClock, named: list[str]) -> Coordinators:
    settings = Settings(MicrosoftAppId="")  # type: ignore[call-arg]
    roster = ConnectorDeliverer(build_adapter(settings), "")
    return Coordinators(named, roster, clock)


async def test_the_team_owner_is_a_coordinator_and_a_member_is_not(
    database: Database, connector: FakeConnector, clock: FrozenClock
) -> None:
    policy = coordinators(connector, clock, named=[])
    async with database.transaction() as session:
        assert await policy.is_coordinator(session, person(TARO), in_channel(connector))
        assert not await policy.is_coordinator(session, person(HANAKO), in_channel(connector))


async def test_someone_named_by_the_administrator_is_a_coordinator(
    database: Database, connector: FakeConnector, clock: FrozenClock
) -> None:
    policy = coordinators(connector, clock, named=[HANAKO.aad_object_id.upper()])
    async with database.transaction() as session:
        assert await policy.is_coordinator(session, person(HANAKO), in_channel(connector))


async def test_the_roster_is_asked_once_every_few_minutes(
    database: Database, connector: FakeConnector, clock: FrozenClock
) -> None:
    policy = coordinators(connector, clock, named=[])
    roster_calls = lambda: sum("members" in path for _, path in connector.requests)  # noqa: E731
    async with database.transaction() as session:
        for _ in range(5):
            await policy.is_coordinator(session, person(HANAKO), in_channel(connector))
        assert roster_calls() == 1
        clock.advance(timedelta(minutes=6))
        await policy.is_coordinator(session, person(HANAKO), in_channel(connector))
        assert roster_calls() == 2


async def test_in_a_personal_chat_an_owner_of_a_served_team_is_recognised(
    database: Database, connector: FakeConnector, clock: FrozenClock
) -> None:
    policy = coordinators(connector, clock, named=[])
    async with database.transaction() as session:
        await upsert_conversation(
            session, conversation_id=TEAM.id, kind="channel", service_url=connector.url,
            tenant_id=TENANT_ID, team_id=TEAM.id, team_aad_group_id=TEAM.aad_group_id,
            channel_id=TEAM.id, team_name=TEAM.name, channel_name=None, bot_id=None,
            bot_name=None, now=clock.now(),
        )  # fmt: skip
    async with database.transaction() as session:
        assert await policy.is_coordinator(session, person(TARO), in_personal_chat(connector, TARO))
        assert not await policy.is_coordinator(
            session, person(HANAKO), in_personal_chat(connector, HANAKO)
        )


async def test_when_the_roster_fails_nobody_is_an_owner(
    database: Database, connector: FakeConnector, clock: FrozenClock
) -> None:
    policy = coordinators(connector, clock, named=[])
    connector.fail_next(3, 503)
    async with database.transaction() as session:
        assert not await policy.is_coordinator(session, person(TARO), in_channel(connector))
