"""A fake Graph for each test, holding the community channel (tests/threads/scenario.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from graph.client import close_client
from tests.fakes.graph import FakeChannel, FakeGraph
from tests.threads.scenario import CHANNEL_ID, TEAM_GROUP, Community, build_community


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraph]:
    async with FakeGraph(inline_replies=3) as fake:
        yield fake


@pytest.fixture
def channel(graph: FakeGraph) -> FakeChannel:
    return graph.add_channel(TEAM_GROUP, CHANNEL_ID)


@pytest.fixture
def community(channel: FakeChannel) -> Community:
    return build_community(channel)


@pytest.fixture
async def client(graph: FakeGraph) -> AsyncIterator[Any]:
    """The real GraphServiceClient pointed at the fake."""
    graph_client = graph.client()
    try:
        yield graph_client
    finally:
        await close_client(graph_client)
