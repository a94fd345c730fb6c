"""The bot's process is killed (SIGKILL: no goodbye, no cleanup) while it sends the event
reminders, and started again: nobody is reminded twice, and the reminders it had not got to
(claimed for its round or not) are sent after the restart; only the one in flight is not.

The real app runs as a child process (`python app.py`) on a SQLite file, its clock steered
through IYOWORK_CLOCK_FILE, talking to the fake Bot Connector in this process. Getting there:
TARO creates an IYO WORK day and 25 people register (the app in this process); at 09:00 on
the business day before, the reminder task runs and queues 25 personal messages. The child
starts sending them; Teams stalls on the 4th, and the child is killed. The second child starts
six minutes later (a row left "sending" that long belonged to a dead process).
"""

from __future__ import annotations

import asyncio
import os
import signal
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from app import TASKS_KEY, build_app
from core.clock import FrozenClock
from core.settings import load_settings
from dialogs.platform.outbox import STALE_SENDING
from storage.db import Database
from storage.migrate import migrate
from storage.models import OutboxMessage
from tests.fakes.connector import FakeConnector, FakeTeam
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import STAFF, TARO, TEAM, TENANT_ID, Activities
from tests.reliability.test_redelivery_and_bursts import crowd
from tests.reliability.world import JST, START, outbox_settled
from tools import localstack

pytestmark = [
    pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX"),
    pytest.mark.asyncio(loop_scope="module"),
]

PEOPLE = 25  # more than the outbox claims in one round (20)
DAY = "イベント作成 第3回IYO WORK 12/16 会場:八幡浜市役所 定員:30"
NINE = datetime(2026, 12, 15, 9, 0, tzinfo=JST)  # the business day before Wed 12/16
STALLS_AT = 7  # POSTs: the 1:1 chat and the message for 3 people, then the 4th chat


class StallingConnector(FakeConnector):
    """The fake Bot Connector; with `stall_after` set, the POSTs after that many are never
    answered (as a Teams that stopped responding), and `stalled` is set."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stall_after: int | None = None
        self.posts = 0
        self.stalled = asyncio.Event()
        self._forever = asyncio.Event()

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.method == "POST":
            self.posts += 1
            if self.stall_after is not None and self.posts > self.stall_after:
                self.stalled.set()
                await self._forever.wait()
                return web.Response(status=504)
        return await FakeConnector._middleware(self, request, handler)

    async def __aexit__(self, *exc: object) -> None:
        self._forever.set()
        await super().__aexit__(*exc)


async def registrations_taken(url: str, connector: StallingConnector) -> None:
    """The day and its 25 registrants, through the app running here (then stopped cleanly)."""
    activities = Activities(service_url=connector.url)
    settings = load_settings(DATABASE_URL=url, MicrosoftAppId="", COORDINATOR_IDS="")
    clock = FrozenClock(START)
    client: TestClient[Any, Any] = TestClient(
        TestServer(build_app(settings, clock=clock), host="127.0.0.1")
    )
    await client.start_server()
    bot = RunningBot(client, clock, settings)
    database = Database(url)
    try:
        assert (await bot.send(activities.channel_message(DAY, from_=TARO))).status == 201
        for who in crowd(PEOPLE, "e"):
            data = {"event_id": 1, "mode": "onsite", "municipality": "yawatahama"}
            answer = await bot.send(activities.invoke_action("event.register", data, from_=who))
            assert answer.status == 200
        await outbox_settled(database, clock.now())
    finally:
        await database.dispose()
        await client.close()


async def reminder_task_runs(url: str) -> None:
    """09:00: the app's task runner runs what is due (the reminder task queues one personal
    message per registrant). This app is never started, so nothing is sent from here."""
    settings = load_settings(DATABASE_URL=url, MicrosoftAppId="", COORDINATOR_IDS="")
    app = build_app(settings, clock=FrozenClock(NINE))
    app.freeze()
    try:
        assert await app[TASKS_KEY].run_due() >= 1
    finally:
        await app.cleanup()


async def outbox(url: str) -> dict[str, list[OutboxMessage]]:
    database = Database(url)
    try:
        async with database.transaction() as session:
            rows = list(
                await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "personal"))
            )
    finally:
        await database.dispose()
    by_status: dict[str, list[OutboxMessage]] = {}
    for row in rows:
        by_status.setdefault(row.status, []).append(row)
    return by_status


def child_environment(url: str, clock_file: Path) -> dict[str, str]:
    return localstack.bot_environment(
        port=localstack.free_port(),
        database_url=url,
        coordinator_ids="",
        extra={"IYOWORK_CLOCK_FILE": str(clock_file), "LOG_LEVEL": "WARNING"},
    )


def set_clock(clock_file: Path, moment: datetime) -> None:
    clock_file.write_text(moment.isoformat(), encoding="utf-8")


@dataclass
class Aftermath:
    at_kill: dict[str, int]  # outbox rows (personal messages) by status when it was killed
    after: dict[str, int]  # and once the second process has sent what it will
    reminded_before: list[str]  # Teams ids reminded by the first process
    reminded: list[str]  # by both


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def aftermath(tmp_path_factory: pytest.TempPathFactory) -> Aftermath:
    folder = tmp_path_factory.mktemp("crash")
    url = f"sqlite+aiosqlite:///{folder / 'iyowork.db'}"
    clock_file = folder / "clock.txt"
    await migrate(url)
    connector = StallingConnector(tenant_id=TENANT_ID)
    async with connector:
        connector.add_team(FakeTeam(TEAM.id, TEAM.name, TEAM.aad_group_id, list(TEAM.channels)))
        connector.set_roster(TEAM.id, [user.roster_member() for user in STAFF])
        await registrations_taken(url, connector)
        await reminder_task_runs(url)
        assert len((await outbox(url)).get("pending", [])) == PEOPLE

        # The first process starts sending; Teams stops answering; the process is killed.
        set_clock(clock_file, NINE)
        connector.stall_after = connector.posts + STALLS_AT
        first = await asyncio.to_thread(
            localstack.start_bot, child_environment(url, clock_file), log_path=folder / "1.log"
        )
        try:
            await asyncio.wait_for(connector.stalled.wait(), 20)
        finally:
            first.process.send_signal(signal.SIGKILL)
            await asyncio.to_thread(first.process.wait, 10)
        reminded_before = _reminded(connector)
        at_kill = {status: len(rows) for status, rows in (await outbox(url)).items()}

        # The second process, six minutes later, with Teams answering again.
        connector.stall_after = None
        set_clock(clock_file, NINE + STALE_SENDING + timedelta(minutes=1))
        second = await asyncio.to_thread(
            localstack.start_bot, child_environment(url, clock_file), log_path=folder / "2.log"
        )
        try:
            await _until_nothing_left(url)
        finally:
            await asyncio.to_thread(second.stop)
        after = {status: len(rows) for status, rows in (await outbox(url)).items()}
        return Aftermath(at_kill, after, reminded_before, _reminded(connector))


async def test_killed_mid_way_it_had_sent_some_and_claimed_more(aftermath: Aftermath) -> None:
    assert len(aftermath.reminded_before) == 3  # Teams stalled on the 4th
    assert aftermath.at_kill["sent"] == 3
    assert aftermath.at_kill["sending"] > 1  # the round it had claimed, one of them in flight
    assert aftermath.at_kill["pending"] > 0  # beyond that round


async def test_after_the_restart_nobody_is_reminded_twice(aftermath: Aftermath) -> None:
    assert len(aftermath.reminded) == len(set(aftermath.reminded))
    assert set(aftermath.reminded_before) <= set(aftermath.reminded)
    assert aftermath.after.get("pending", 0) == aftermath.after.get("sending", 0) == 0
    # What the dead process had not claimed is sent after the restart.
    assert len(aftermath.reminded) >= 3 + aftermath.at_kill["pending"]
    assert len(aftermath.reminded) == aftermath.after["sent"]


async def test_after_the_restart_everyone_not_in_flight_is_reminded(
    aftermath: Aftermath,
) -> None:
    in_flight = 1  # its outcome is unknown: not resending it is the outbox's rule
    assert len(aftermath.reminded) == PEOPLE - in_flight
    assert aftermath.after["ambiguous"] == in_flight


def _reminded(connector: FakeConnector) -> list[str]:
    """The people (Teams ids) a message reached in their personal chat: only reminders go
    there in this story."""
    chats = {
        c.conversation_id: str(c.members[0]["id"]) for c in connector.created if not c.is_group
    }
    return [chats[p.conversation_id] for p in connector.sent if p.conversation_id in chats]


async def _until_nothing_left(url: str, within: float = 20.0) -> None:
    async with asyncio.timeout(within):
        while True:
            rows = await outbox(url)
            if not rows.get("pending") and not rows.get("sending"):
                return
            await asyncio.sleep(0.2)
