"""A team the bot is installed in, two staff members, a frozen clock and a recording Teams."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from core.clock import FrozenClock
from dialogs.platform.outbox import OutboxWorker
from storage.db import Database
from storage.repositories.conversations import upsert_conversation
from storage.repositories.people import upsert_person
from tests.platform.doubles import RecordingDeliverer

T0 = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)  # 09:00 in Matsuyama
GENERAL = "19:general-ehime@thread.tacv2"
RENRAKU = "19:renraku-ehime@thread.tacv2"
TENANT = "tenant-ehime"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def teams(clock: FrozenClock) -> RecordingDeliverer:
    return RecordingDeliverer(clock)


@pytest.fixture
async def installed(database: Database) -> Database:
    """The bot is in two channels of the prefecture's team; Tanaka and Ochi have spoken to it."""
    async with database.transaction() as session:
        for conversation_id, channel_name in ((GENERAL, "General"), (RENRAKU, "連絡")):
            await upsert_conversation(
                session,
                conversation_id=conversation_id,
                kind="channel",
                service_url="https://smba.example/jp/",
                tenant_id=TENANT,
                team_id=GENERAL,
                team_aad_group_id="group-ehime",
                channel_id=conversation_id,
                team_name="愛媛県市町IT",
                channel_name=channel_name,
                bot_id="28:iyowork",
                bot_name="IYO WORK",
                now=T0,
            )
        for key, teams_id, name in (
            ("aad-tanaka", "29:tanaka", "田中 花子"),
            ("aad-ochi", "29:ochi", "越智 太郎"),
        ):
            await upsert_person(
                session,
                person_key=key,
                teams_id=teams_id,
                aad_object_id=key,
                name=name,
                tenant_id=TENANT,
                locale="ja",
                now=T0,
                service_url="https://smba.example/jp/",
            )
    return database


@pytest.fixture
def worker(installed: Database, teams: RecordingDeliverer, clock: FrozenClock) -> OutboxWorker:
    return OutboxWorker(installed, teams, clock, rng=random.Random(7))
