"""The bot's process is killed (SIGKILL) while it posts the weekly digests of three channels,
and started again: every channel shows its digest once. The digest in flight when the process
died was posted by Teams, but the bot never heard back: it is recorded as unknown and not posted
again; the one the dead process had claimed but not yet sent is posted after the restart.

As in test_crash.py the real app runs as a child process (`python app.py`) on a SQLite file,
its clock steered through IYOWORK_CLOCK_FILE, talking to the fake Bot Connector in this process.
Getting there (the app in this process, never sending): on Thursday TARO turns the digest on in
three teams' channels (月曜 09:00); on Monday at 09:00 the digest run claims the three digests
and queues their posts. The child starts posting them: Teams posts the second but never
answers, and the child is killed. The second child starts six minutes later, with Teams fine.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from app import DIGESTS_KEY, TASKS_KEY, build_app
from cards.digest import VERB_SETTINGS_SAVE
from core.clock import FrozenClock
from core.settings import load_settings
from dialogs.platform.outbox import STALE_SENDING
from storage.db import Database
from storage.migrate import migrate
from storage.models import OutboxMessage
from tests.digest.community import digest_rows, digests, jst, settings_inputs
from tests.fakes.connector import FakeConnector, FakeTeam, Posted
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import STAFF, TARO, TEAM, TENANT_ID, Activities, TeamsTeam
from tests.reliability.test_crash import child_environment, set_clock
from tools import localstack

pytestmark = [
    pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX"),
    pytest.mark.asyncio(loop_scope="module"),
]

# Three teams of the prefecture, the digest on in each one's general channel.
TEAMS = (
    TEAM,
    TeamsTeam(
        id="19:imabari-joho0001@thread.tacv2",
        name="今治市 情報政策課",
        aad_group_id="0a1b2c3d-aaaa-4bbb-8ccc-000000000011",
        channels=(),
    ),
    TeamsTeam(
        id="19:uwajima-joho0001@thread.tacv2",
        name="宇和島市 情報政策課",
        aad_group_id="0a1b2c3d-aaaa-4bbb-8ccc-000000000012",
        channels=(),
    ),
)
THURSDAY = jst(2026, 11, 26, 10, 0)
MONDAY_NINE = jst(2026, 11, 30, 9, 0)
NEW_THREAD = ("POST", "/v3/conversations")


class AnswerLosingConnector(FakeConnector):
    """The fake Bot Connector; with `lose_after` set, the new threads after that many are
    posted in the channel but never answered (the connection hangs), and `lost` is set."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lose_after: int | None = None
        self.new_threads = 0
        self.lost = asyncio.Event()
        self._forever = asyncio.Event()

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        response = await FakeConnector._middleware(self, request, handler)
        if (request.method, request.path) == NEW_THREAD:
            self.new_threads += 1
            if self.lose_after is not None and self.new_threads > self.lose_after:
                self.lost.set()
                await self._forever.wait()
        return response

    async def __aexit__(self, *exc: object) -> None:
        self._forever.set()
        await super().__aexit__(*exc)


async def digests_turned_on(url: str, connector: FakeConnector) -> None:
    """Thursday: TARO presses 保存 on each channel's settings card (月曜 09:00), through the app
    running here (then stopped cleanly)."""
    settings = load_settings(DATABASE_URL=url, MicrosoftAppId="", COORDINATOR_IDS="")
    clock = FrozenClock(THURSDAY)
    client: TestClient[Any, Any] = TestClient(
        TestServer(build_app(settings, clock=clock), host="127.0.0.1")
    )
    await client.start_server()
    bot = RunningBot(client, clock, settings)
    try:
        for number, team in enumerate(TEAMS):
            ids = itertools.count(1_736_000_000_001 + number * 1000)
            activities = Activities(service_url=connector.url, team=team, _ids=ids)
            save = activities.invoke_action(VERB_SETTINGS_SAVE, settings_inputs(), from_=TARO)
            assert (await bot.send(save)).status == 200
    finally:
        await client.close()


async def in_this_process(url: str, moment: datetime, work: Callable[[Any], Awaitable[Any]]) -> Any:
    """Run `work` on an app built here with its clock at `moment`; the app is never started,
    so it sends nothing."""
    settings = load_settings(DATABASE_URL=url, MicrosoftAppId="", COORDINATOR_IDS="")
    app = build_app(settings, clock=FrozenClock(moment))
    app.freeze()
    try:
        return await work(app)
    finally:
        await app.cleanup()


async def posts(url: str) -> list[tuple[str, str]]:
    """The digests' outbox rows: (channel, status)."""
    database = Database(url)
    try:
        async with database.transaction() as session:
            rows = await session.execute(
                select(OutboxMessage.conversation_id, OutboxMessage.status).where(
                    OutboxMessage.kind == "post_channel"
                )
            )
            return [(str(channel), status) for channel, status in rows.tuples()]
    finally:
        await database.dispose()


def in_channel(connector: FakeConnector, team: TeamsTeam) -> list[Posted]:
    """The digests people see in the team's general channel."""
    return [d for d in digests(connector) if d.conversation_id.startswith(f"{team.general};")]


@dataclass
class Aftermath:
    lost_in: str  # the channel whose digest was in flight when the process was killed
    at_kill: list[str]  # the digests' posts (outbox) by status then
    posts: dict[str, str]  # and in the end, by channel (one each: nothing queued again)
    seen_at_kill: dict[str, int]  # digests in each channel then
    seen: dict[str, int]  # and in the end
    new_threads: int  # POSTs of a new channel thread in all
    recorded: dict[str, str]  # each channel's digest, as the bot recorded it in the end


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def aftermath(tmp_path_factory: pytest.TempPathFactory) -> Aftermath:
    folder = tmp_path_factory.mktemp("digest-crash")
    url = f"sqlite+aiosqlite:///{folder / 'iyowork.db'}"
    clock_file = folder / "clock.txt"
    await migrate(url)
    connector = AnswerLosingConnector(tenant_id=TENANT_ID)
    async with connector:
        for team in TEAMS:
            connector.add_team(FakeTeam(team.id, team.name, team.aad_group_id, []))
            connector.set_roster(team.id, [user.roster_member() for user in STAFF])
        await digests_turned_on(url, connector)
        # Monday 09:00: the digest run claims each channel's digest and queues its post.
        assert await in_this_process(url, MONDAY_NINE, lambda app: app[TASKS_KEY].run_due()) >= 3
        assert [status for _, status in await posts(url)] == ["pending"] * len(TEAMS)

        # The first process posts; Teams posts the second digest but never answers; killed.
        set_clock(clock_file, MONDAY_NINE)
        connector.lose_after = connector.new_threads + 1
        first = await asyncio.to_thread(
            localstack.start_bot, child_environment(url, clock_file), log_path=folder / "1.log"
        )
        try:
            await asyncio.wait_for(connector.lost.wait(), 20)
        finally:
            first.process.send_signal(signal.SIGKILL)
            await asyncio.to_thread(first.process.wait, 10)
        at_kill = sorted(status for _, status in await posts(url))
        lost_in = connector.created[-1].conversation_id.split(";")[0]
        seen_at_kill = {team.general: len(in_channel(connector, team)) for team in TEAMS}

        # The second process, six minutes later, with Teams answering again.
        connector.lose_after = None
        set_clock(clock_file, MONDAY_NINE + STALE_SENDING + timedelta(minutes=1))
        second = await asyncio.to_thread(
            localstack.start_bot, child_environment(url, clock_file), log_path=folder / "2.log"
        )
        try:
            await _until_posted_or_settled(url)
        finally:
            await asyncio.to_thread(second.stop)

        # A few minutes on, the bot follows each post up and looks into the unknown one (no
        # Graph here to look for it in the channel).
        later = MONDAY_NINE + timedelta(minutes=15)
        await in_this_process(url, later, lambda app: app[TASKS_KEY].run_due())
        await in_this_process(url, later + timedelta(minutes=5), _resolve_digests)
        recorded = {row.conversation_id: row.status for row in await digest_rows(url)}
        final = await posts(url)
        assert len(final) == len(TEAMS)
        return Aftermath(
            lost_in=lost_in,
            at_kill=at_kill,
            posts=dict(final),
            seen_at_kill=seen_at_kill,
            seen={team.general: len(in_channel(connector, team)) for team in TEAMS},
            new_threads=connector.requests.count(NEW_THREAD),
            recorded=recorded,
        )


async def test_killed_with_one_digest_posted_one_in_flight_and_one_only_claimed(
    aftermath: Aftermath,
) -> None:
    assert aftermath.at_kill == ["sending", "sending", "sent"]
    assert sorted(aftermath.seen_at_kill.values()) == [0, 1, 1]
    assert aftermath.seen_at_kill[aftermath.lost_in] == 1  # Teams posted it; no answer came


async def test_after_the_restart_every_channel_shows_its_digest_once(
    aftermath: Aftermath,
) -> None:
    assert aftermath.seen == {team.general: 1 for team in TEAMS}
    assert aftermath.new_threads == len(TEAMS)  # the one in flight was not posted again
    assert aftermath.posts.pop(aftermath.lost_in) == "ambiguous"
    assert set(aftermath.posts.values()) == {"sent"}


async def test_the_digest_whose_answer_was_lost_is_recorded_as_unknown(
    aftermath: Aftermath,
) -> None:
    assert aftermath.recorded.pop(aftermath.lost_in) == "unresolved"
    assert set(aftermath.recorded.values()) == {"sent"}


async def _resolve_digests(app: web.Application) -> None:
    await app[DIGESTS_KEY].run_once()


async def _until_posted_or_settled(url: str, within: float = 20.0) -> None:
    async with asyncio.timeout(within):
        while True:
            if not {status for _, status in await posts(url)} & {"pending", "sending"}:
                return
            await asyncio.sleep(0.2)
