"""Microsoft Graph throttles (429), has bad moments (503) and sometimes does not answer at all:
the sync retries what Graph says to retry, stops without losing or half-writing anything when
Graph keeps failing, picks up where it stopped on the next round, and what reads the channel
(要約) still answers from what is stored, saying so when Graph refuses the history.

The real GraphServiceClient talks to the fake Graph of tests/fakes/graph.py.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from core.clock import FrozenClock
from core.i18n import default_catalog
from dialogs.threads.state import get_state, history_available
from dialogs.threads.store import count_messages
from dialogs.threads.sync import ChannelSync
from graph.client import close_client
from storage.db import Database
from tests.fakes.connector import FakeConnector
from tests.fakes.graph import FakeChannel, FakeGraph, Kind
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import HANAKO, TARO, Activities
from tests.reliability.world import texts
from tests.threads.scenario import CHANNEL_ID, NOW, TEAM_GROUP, Community, author, build_community

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

KEPT = (1 + 3) + (1 + 1) + (1 + 5) + 1 + 60  # what the community channel keeps (test_sync.py)


class SlowGraph(FakeGraph):
    """The fake Graph, able to keep requests of one kind waiting (`slow[kind]` seconds)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.slow: dict[Kind, float] = {}

    async def _answer(self, request: Any, handler: Any, kind: Kind) -> Any:
        if kind in self.slow:
            await asyncio.sleep(self.slow[kind])
        return await super()._answer(request, handler, kind)


@pytest.fixture
async def graph() -> AsyncIterator[SlowGraph]:
    fake = SlowGraph(inline_replies=3)
    async with fake:
        yield fake


@pytest.fixture
def channel(graph: SlowGraph) -> FakeChannel:
    return graph.add_channel(TEAM_GROUP, CHANNEL_ID)


@pytest.fixture
def community(channel: FakeChannel) -> Community:
    return build_community(channel)


def client_with_timeout(graph: FakeGraph, seconds: float) -> Any:
    """The real GraphServiceClient with the SDK's middleware (auth, retry) over an HTTP client
    that gives up after `seconds` (the SDK's own default is 100 s)."""
    from azure.core.credentials import AccessToken
    from msgraph import GraphRequestAdapter, GraphServiceClient
    from msgraph_core import GraphClientFactory
    from msgraph_core.authentication import AzureIdentityAuthenticationProvider

    token = graph.token

    class StaticCredential:
        async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
            return AccessToken(token, int(time.time()) + 3600)

        async def close(self) -> None:
            return None

    auth = AzureIdentityAuthenticationProvider(
        StaticCredential(),
        scopes=["https://graph.microsoft.com/.default"],
        allowed_hosts=["graph.microsoft.com", "127.0.0.1"],
    )
    http = GraphClientFactory.create_with_default_middleware(
        client=httpx.AsyncClient(timeout=httpx.Timeout(seconds))
    )
    adapter = GraphRequestAdapter(auth, client=http)
    adapter.base_url = graph.url
    return GraphServiceClient(request_adapter=adapter)


@pytest.fixture
async def client(graph: SlowGraph) -> AsyncIterator[Any]:
    graph_client = client_with_timeout(graph, 0.3)
    try:
        yield graph_client
    finally:
        await close_client(graph_client)


def syncer(database: Database, client: Any, clock: FrozenClock) -> ChannelSync:
    return ChannelSync(database, client, clock, retention_months=24, pace=0)


async def stored(database: Database) -> int:
    async with database.transaction() as session:
        return await count_messages(session, CHANNEL_ID)


async def test_throttling_is_retried_and_a_failing_graph_stops_the_sync_whole(
    database: Database, graph: SlowGraph, channel: FakeChannel, client: Any, community: Community
) -> None:
    clock = FrozenClock(NOW)
    graph.fail_next("messages", 429, retry_after="1")
    graph.fail_next("replies", 503, retry_after="1")

    first = await syncer(database, client, clock).run(TEAM_GROUP, CHANNEL_ID)

    assert first.ok and first.messages == KEPT  # retried by the SDK, as Retry-After said
    throttled, retried = graph.requests[:2]
    assert (throttled.status, retried.status) == (429, 200)
    assert retried.at - throttled.at >= 1.0
    assert 503 in [r.status for r in graph.requests]

    # A new thread, then Graph fails every delta request (the SDK's 3 retries too).
    channel.post(author(HANAKO), "<p>プリンタの共有設定を教えてください</p>", at=NOW)
    clock.advance(timedelta(minutes=15))
    graph.fail_next("delta", 503, retry_after="1", times=4)  # the first try and 3 retries
    failed = await syncer(database, client, clock).run(TEAM_GROUP, CHANNEL_ID)

    assert not failed.ok and failed.error and "503" in failed.error
    assert await stored(database) == KEPT  # nothing lost, nothing half-written
    async with database.transaction() as session:
        state = await get_state(session, CHANNEL_ID)
        assert await history_available(session, CHANNEL_ID)  # a bad moment is not a refusal
    assert state is not None and state.last_error and "503" in state.last_error

    # The next round picks up the new thread.
    clock.advance(timedelta(minutes=15))
    again = await syncer(database, client, clock).run(TEAM_GROUP, CHANNEL_ID)

    assert again.ok
    assert await stored(database) == KEPT + 1
    async with database.transaction() as session:
        state = await get_state(session, CHANNEL_ID)
    assert state is not None and state.last_error is None


async def test_graph_not_answering_stops_the_sync_and_the_next_round_completes(
    database: Database, graph: SlowGraph, channel: FakeChannel, client: Any, community: Community
) -> None:
    clock = FrozenClock(NOW)
    graph.slow["messages"] = 0.8  # longer than the client waits

    timed_out = await syncer(database, client, clock).run(TEAM_GROUP, CHANNEL_ID)

    assert not timed_out.ok and timed_out.error and "unreachable" in timed_out.error
    assert await stored(database) == 0
    async with database.transaction() as session:
        state = await get_state(session, CHANNEL_ID)
        assert await history_available(session, CHANNEL_ID)
    assert state is not None and state.last_error and "unreachable" in state.last_error

    del graph.slow["messages"]
    clock.advance(timedelta(minutes=15))
    done = await syncer(database, client, clock).run(TEAM_GROUP, CHANNEL_ID)

    assert done.ok and done.backfill_complete
    assert await stored(database) == KEPT


async def test_what_reads_the_channel_answers_from_what_is_stored_and_says_what_is_missing(
    database: Database,
    graph: SlowGraph,
    channel: FakeChannel,
    client: Any,
    community: Community,
    bot: RunningBot,
    activities: Activities,
    connector: FakeConnector,
) -> None:
    graph.refuse(channel, 403)
    clock = FrozenClock(NOW)
    refused = await syncer(database, client, clock).run(TEAM_GROUP, CHANNEL_ID)
    assert not refused.history_available
    await bot.send(activities.channel_message("おはようございます", mention_bot=False))

    answer = await bot.send(activities.channel_message("要約", from_=TARO))

    assert answer.status == 201
    said = [p for p in connector.sent if p.reply_to_id is not None or p.card]
    readable = " ".join(texts(p.card or {}) + (p.text or "") for p in said)
    assert default_catalog().text("ja", "threads.history_unavailable") in readable
