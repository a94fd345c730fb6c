"""A digest is posted once, whatever the wire does: Teams busy (503) is tried again; a send whose
outcome is unknown (504) is looked for in the channel through Graph before it is sent again;
without Graph it is not sent again, and the next digest says so."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from app import build_app
from core.clock import FrozenClock
from core.settings import Settings
from graph.client import close_client
from storage.db import Database
from storage.models import OutboxMessage
from tests.app.test_first_contact import card_text
from tests.digest.community import (
    at,
    digest_rows,
    digests,
    elapse,
    jst,
    resolver,
    save_settings,
    wait_for_digests,
)
from tests.fakes.connector import FakeConnector
from tests.fakes.graph import FakeChannel, FakeGraph
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import TEAM, Activities
from tests.threads.scenario import BOT

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])
NEW_THREAD = ("POST", "/v3/conversations")


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraph]:
    async with FakeGraph() as fake:
        yield fake


@pytest.fixture
def channel(graph: FakeGraph) -> FakeChannel:
    return graph.add_channel(TEAM.aad_group_id, TEAM.general)


@pytest.fixture
async def graph_bot(
    bot_settings: Settings, clock: FrozenClock, connector: FakeConnector, graph: FakeGraph
) -> AsyncIterator[RunningBot]:
    """The bot with Graph: the fake Graph stands for the channel as Teams shows it."""
    app = build_app(bot_settings, clock=clock, graph=opener(graph))
    client: TestClient[Any, Any] = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    try:
        yield RunningBot(client, clock, bot_settings)
    finally:
        await client.close()


def opener(graph: FakeGraph) -> Callable[[], AbstractAsyncContextManager[Any]]:
    @asynccontextmanager
    async def open_client() -> AsyncIterator[Any]:
        client = graph.client()
        try:
            yield client
        finally:
            await close_client(client)

    return open_client


async def on_until_due(
    bot: RunningBot, activities: Activities, connector: FakeConnector, fail: int
) -> None:
    """The digest is on, Teams will answer its post with `fail`, and the clock reaches Monday
    11/30 09:00: the digest is claimed and its post enqueued."""
    await save_settings(bot, activities)
    connector.fail_next(1, fail)
    await at(bot, jst(2026, 11, 30, 9, 0))


async def settle(bot: RunningBot, database_url: str, attempts: int) -> None:
    """Waits until the outbox has tried the digest's posts `attempts` times in all and recorded
    how each went; then a minute later the check task looks at them."""
    database = Database(database_url)
    try:
        for _ in range(100):
            async with database.transaction() as session:
                rows = (
                    await session.execute(
                        select(OutboxMessage.attempts, OutboxMessage.status).where(
                            OutboxMessage.kind == "post_channel"
                        )
                    )
                ).all()
            tried = sum(row.attempts for row in rows)
            if tried >= attempts and all(row.status != "sending" for row in rows):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError(f"the outbox never tried {attempts} times: {rows}")
    finally:
        await database.dispose()
    elapse(bot, 60)
    await at(bot, bot.clock.now())


async def test_teams_busy_then_fine_posts_one_digest(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    await on_until_due(bot, activities, connector, 503)
    await settle(bot, database_url, 1)  # also past the outbox's backoff

    [digest] = await wait_for_digests(connector, 1)
    await settle(bot, database_url, 2)
    assert connector.requests.count(NEW_THREAD) == 2
    [row] = await digest_rows(database_url)
    assert (row.status, row.activity_id, row.sends) == ("sent", digest.activity_id, 1)


async def test_an_unknown_outcome_not_found_in_the_channel_is_sent_again_once(
    graph_bot: RunningBot,
    activities: Activities,
    connector: FakeConnector,
    graph: FakeGraph,
    channel: FakeChannel,
    database_url: str,
) -> None:
    await on_until_due(graph_bot, activities, connector, 504)
    await settle(graph_bot, database_url, 1)
    [row] = await digest_rows(database_url)
    assert row.status == "checking"

    assert await resolver(graph_bot).run_once() == []  # Teams gets two minutes to settle
    elapse(graph_bot, 150)
    assert await resolver(graph_bot).run_once() == [(row.id, "resent")]
    assert graph.count("messages") == 1

    [digest] = await wait_for_digests(connector, 1)
    await settle(graph_bot, database_url, 2)
    [row] = await digest_rows(database_url)
    assert (row.status, row.activity_id, row.sends) == ("sent", digest.activity_id, 2)
    assert await resolver(graph_bot).run_once() == []
    assert connector.requests.count(NEW_THREAD) == 2


async def test_an_unknown_outcome_found_in_the_channel_is_not_sent_again(
    graph_bot: RunningBot,
    activities: Activities,
    connector: FakeConnector,
    channel: FakeChannel,
    database_url: str,
) -> None:
    await on_until_due(graph_bot, activities, connector, 504)
    await settle(graph_bot, database_url, 1)
    # Teams did post it; only its answer was lost. Graph shows the card with its marker.
    posted = channel.post(
        BOT,
        '<attachment id="card-1"></attachment>',
        at=jst(2026, 11, 30, 9, 0),
        attachments=[card_attachment(await sent_card(database_url))],
    )
    elapse(graph_bot, 150)

    [row] = await digest_rows(database_url)
    assert await resolver(graph_bot).run_once() == [(row.id, "found")]
    [row] = await digest_rows(database_url)
    assert (row.status, row.activity_id, row.sends) == ("sent", posted.id, 1)
    elapse(graph_bot, 600)
    await at(graph_bot, graph_bot.clock.now())
    assert connector.requests.count(NEW_THREAD) == 1
    assert digests(connector) == []


async def test_without_graph_an_unknown_outcome_is_not_sent_again_and_the_next_digest_says_so(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    await on_until_due(bot, activities, connector, 504)
    await settle(bot, database_url, 1)
    elapse(bot, 150)

    [row] = await digest_rows(database_url)
    assert await resolver(bot).run_once() == [(row.id, "unresolved")]
    elapse(bot, 3600)
    await at(bot, bot.clock.now())
    assert connector.requests.count(NEW_THREAD) == 1

    await at(bot, jst(2026, 12, 7, 9, 0))
    [digest] = await wait_for_digests(connector, 1)
    text = card_text(digest.card or {})
    assert "11/30(月)のダイジェストは、投稿できたかどうか確認できませんでした" in text
    assert "11/30(月)〜12/7(月)" in text  # it may have been posted: not covered twice
    await at(bot, jst(2026, 12, 14, 9, 0))
    _, later = await wait_for_digests(connector, 2)
    assert "確認できませんでした" not in card_text(later.card or {})  # said once


async def sent_card(database_url: str) -> dict[str, Any]:
    database = Database(database_url)
    try:
        async with database.transaction() as session:
            payload = await session.scalar(
                select(OutboxMessage.payload).where(OutboxMessage.kind == "post_channel")
            )
    finally:
        await database.dispose()
    assert payload is not None
    card: dict[str, Any] = payload["card"]
    return card


def card_attachment(card: dict[str, Any]) -> dict[str, Any]:
    """A bot's card as Graph lists it among the channel's messages."""
    return {
        "id": "card-1",
        "contentType": "application/vnd.microsoft.card.adaptive",
        "content": json.dumps(card, ensure_ascii=False),
        "contentUrl": None,
        "name": None,
        "thumbnailUrl": None,
        "teamsAppId": None,
    }
