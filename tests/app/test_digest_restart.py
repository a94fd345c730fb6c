"""A crash between claiming a digest and sending it: the bot runs in its own process with its
clock in a file the test moves (IYOWORK_CLOCK_FILE). At Monday 09:00 it claims the week's digest
and enqueues its post; Teams is busy (503, come back in an hour) and the process is killed. The
restarted bot sends the queued post: one digest in the channel, recorded with its activity id."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from storage.db import Database
from storage.models import OutboxMessage
from tests.digest.community import digest_rows, jst, settings_inputs, wait_for_digests
from tests.fakes.connector import FakeConnector
from tests.fixtures.connector import TARO, Activities
from tools import localstack
from tools.localstack import Child

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])
NEW_THREAD = ("POST", "/v3/conversations")
# The bot's task loop runs every 15 s: what is due is done within that (plus the outbox's 1 s).
TASK_TICK = 20.0


class Bot:
    """`python app.py` in its own process, reading the time from `clock_file`."""

    def __init__(self, database_url: str, clock_file: Path, folder: Path) -> None:
        self._clock_file = clock_file
        self._env = localstack.bot_environment(
            port=localstack.free_port(),
            database_url=database_url,
            coordinator_ids="",
            extra={"IYOWORK_CLOCK_FILE": str(clock_file)},
        )
        self._folder = folder
        self._runs = 0
        self.child: Child | None = None

    def set_clock(self, moment: datetime) -> None:
        self._clock_file.write_text(moment.isoformat(), encoding="utf-8")

    def start(self) -> Child:
        self._runs += 1
        self.child = localstack.start_bot(self._env, log_path=self._folder / f"bot{self._runs}.log")
        return self.child

    def crash(self) -> None:
        """SIGKILL: no shutdown, no outbox drain, nothing recorded on the way out."""
        assert self.child is not None
        self.child.process.kill()
        self.child.process.wait(10)

    def stop(self) -> None:
        if self.child is not None:
            self.child.stop()

    async def send(self, activity: dict[str, object]) -> int:
        assert self.child is not None
        async with aiohttp.ClientSession() as session:
            response = await session.post(f"{self.child.url}/api/messages", json=activity)
            await response.read()
            return response.status


@pytest.fixture
def process_bot(database_url: str, tmp_path: Path) -> Iterator[Bot]:
    bot = Bot(database_url, tmp_path / "clock.txt", tmp_path)
    bot.set_clock(jst(2026, 11, 26, 10, 0))
    try:
        yield bot
    finally:
        bot.stop()


async def until(condition: Callable[[], Awaitable[bool]], within: float, what: str) -> None:
    """Polls `condition` until true; fails after `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await condition():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {within:.0f} s")


async def post_status(database_url: str) -> str | None:
    database = Database(database_url)
    try:
        async with database.transaction() as session:
            return await session.scalar(
                select(OutboxMessage.status).where(OutboxMessage.kind == "post_channel")
            )
    finally:
        await database.dispose()


async def test_a_digest_claimed_before_a_crash_is_sent_once_after_the_restart(
    process_bot: Bot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    process_bot.start()
    save = activities.invoke_action("digest.settings.save", settings_inputs(), from_=TARO)
    assert await process_bot.send(save) == 200

    # Monday 09:00: the digest is claimed and its post enqueued; Teams says come back in an hour.
    connector.fail_next(1, 503, retry_after=3600)
    process_bot.set_clock(jst(2026, 11, 30, 9, 0))

    async def tried() -> bool:
        return NEW_THREAD in connector.requests and await post_status(database_url) == "pending"

    await until(tried, TASK_TICK, "the first attempt to post the digest")
    process_bot.crash()
    [row] = await digest_rows(database_url)
    assert (row.status, row.activity_id) == ("queued", None)
    assert connector.sent == []

    # Back an hour later: the queued post goes out, once, and is recorded.
    process_bot.set_clock(jst(2026, 11, 30, 10, 1))
    process_bot.start()
    [digest] = await wait_for_digests(connector, 1, within=TASK_TICK)

    async def recorded() -> bool:
        [row] = await digest_rows(database_url)
        return row.status == "sent"

    await until(recorded, TASK_TICK, "recording the digest as sent")
    [row] = await digest_rows(database_url)
    assert row.activity_id == digest.activity_id
    assert connector.requests.count(NEW_THREAD) == 2
    assert len(connector.sent) == 1
