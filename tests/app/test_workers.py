"""WEB_CONCURRENCY: the bot served by several processes on one port (PostgreSQL), the way a
prefecture runs it on a machine with more than one core.

The real app runs as a child process (`python app.py`) with WEB_CONCURRENCY=2, talking to the
fake Bot Connector in this process. A coordinator opens a poll; 40 people answer it over 40
connections, which the kernel spreads over both workers: every answer is stored once and the
poll's card in the channel ends up counting all 40, whichever worker stored each answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from sqlalchemy import func, select

from core.i18n import default_catalog
from storage.db import Database
from storage.models import PollAnswerRow
from tests.fakes.connector import FakeConnector, FakeTeam, Posted
from tests.fixtures.connector import TARO, TEAM, TENANT_ID, Activities
from tests.reliability.test_redelivery_and_bursts import crowd
from tests.reliability.world import invoke_answer, texts
from tools import localstack

pytestmark = [
    pytest.mark.skipif(sys.platform != "linux", reason="SO_REUSEPORT and /proc are Linux"),
    pytest.mark.parametrize("backend", ["postgres"], indirect=True),
    pytest.mark.postgres,
]

PEOPLE = 40
POLL = "日程調整 第4回IYO WORK 2027-01-13 2027-01-20 会場:伊予市役所"
CATALOG = default_catalog()


@pytest_asyncio.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    async with FakeConnector(tenant_id=TENANT_ID) as fake:
        fake.add_team(FakeTeam(TEAM.id, TEAM.name, TEAM.aad_group_id, list(TEAM.channels)))
        yield fake


@pytest_asyncio.fixture
async def two_workers(database_url: str, tmp_path: Path) -> AsyncIterator[localstack.Child]:
    env = localstack.bot_environment(
        port=localstack.free_port(),
        database_url=database_url,
        coordinator_ids=TARO.aad_object_id,
        extra={"WEB_CONCURRENCY": "2", "LOG_LEVEL": "WARNING"},
    )
    child = await asyncio.to_thread(localstack.start_bot, env, log_path=tmp_path / "bot.log")
    try:
        yield child
    finally:
        await asyncio.to_thread(child.stop)


async def test_two_workers_listen_on_the_one_port(two_workers: localstack.Child) -> None:
    port = int(two_workers.url.rsplit(":", 1)[1])

    serving = localstack.listening(port, two_workers.process.pid)

    assert len(serving) == 2
    assert two_workers.process.pid not in serving  # the parent only looks after them


async def test_a_crowd_answering_through_both_workers_is_counted_once_each(
    two_workers: localstack.Child, connector: FakeConnector, database_url: str
) -> None:
    activities = Activities(service_url=connector.url)
    url = f"{two_workers.url}/api/messages"
    command = activities.channel_message(POLL, from_=TARO)
    async with aiohttp.ClientSession() as opener, opener.post(url, json=command) as sent:
        assert sent.status == 201
    poll_post = await card_posted(connector)

    async def answer(n: int, who: Any) -> tuple[str, Any]:
        # A connection of its own each: the kernel hands new connections to either worker.
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as s:
            data = {"poll_id": 1, "choice_1": "onsite", "choice_2": ("no", "online")[n % 2]}
            body = activities.invoke_action(
                "poll.answer", data, from_=who, card_activity_id=poll_post.activity_id
            )
            async with s.post(url, json=body) as response:
                return invoke_answer(await response.json())

    answers = await asyncio.gather(*(answer(n, who) for n, who in enumerate(crowd(PEOPLE, "w"))))

    saved = CATALOG.text("ja", "polls.card.saved")
    assert all(kind == "card" and saved in texts(card) for kind, card in answers)
    assert await stored_answers(database_url) == PEOPLE
    everyone = CATALOG.text("ja", "polls.card.respondents", count=PEOPLE)
    assert await card_shows(connector, poll_post.activity_id, everyone)


async def test_stopping_the_bot_stops_both_workers(two_workers: localstack.Child) -> None:
    port = int(two_workers.url.rsplit(":", 1)[1])
    workers = localstack.listening(port, two_workers.process.pid)

    two_workers.process.send_signal(signal.SIGTERM)
    code = await asyncio.to_thread(two_workers.process.wait, 30)

    assert code == 0
    assert not localstack.family(two_workers.process.pid) & workers


async def card_posted(connector: FakeConnector, within: float = 15.0) -> Posted:
    """The poll's own post in the channel (the command's thread gets a short reply too)."""
    deadline = time.monotonic() + within
    while not any(p.card for p in connector.sent):
        await connector.wait_for_sent(len(connector.sent) + 1, within=deadline - time.monotonic())
    return next(p for p in connector.sent if p.card)


async def stored_answers(database_url: str) -> int:
    database = Database(database_url)
    try:
        async with database.transaction() as session:
            count = await session.scalar(select(func.count()).select_from(PollAnswerRow))
    finally:
        await database.dispose()
    return int(count or 0)


async def card_shows(
    connector: FakeConnector, activity_id: str, wanted: str, within: float = 20.0
) -> bool:
    """Whether the poll's card, as last edited, comes to show `wanted` (edits are spaced)."""
    deadline = time.monotonic() + within
    while True:
        edits = [p for p in connector.updated if p.activity_id == activity_id]
        if edits and wanted in texts(edits[-1].card or {}):
            return True
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        with contextlib.suppress(TimeoutError):
            await connector.wait_for_updated(len(connector.updated) + 1, within=remaining)
