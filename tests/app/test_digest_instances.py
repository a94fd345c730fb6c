"""Two instances of the bot against one PostgreSQL database post one digest: at the due moment
both run their tasks, and a coordinator's 今すぐ投稿 reaching both at once is posted once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from app import build_app
from cards.digest import VERB_POST_NOW
from core.clock import FrozenClock
from core.settings import Settings
from storage.db import Database
from tests.app.test_first_contact import card_text
from tests.app.test_polls import invoke_card
from tests.digest.community import (
    a_week_in_the_channel,
    digest_rows,
    digests,
    jst,
    save_settings,
    task_runner,
    wait_for_digests,
)
from tests.fakes.connector import FakeConnector
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import TARO, Activities
from tests.fixtures.outbox import outbox_settled

pytestmark = pytest.mark.parametrize(
    "backend", [pytest.param("postgres", marks=pytest.mark.postgres)]
)


@pytest.fixture
async def second_bot(
    bot_settings: Settings, clock: FrozenClock, connector: FakeConnector
) -> AsyncIterator[RunningBot]:
    """Another instance of the bot: same database, same Teams, same time."""
    app = build_app(bot_settings, clock=clock)
    client: TestClient[Any, Any] = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    try:
        yield RunningBot(client, clock, bot_settings)
    finally:
        await client.close()


async def test_both_instances_at_the_due_moment_post_one_digest(
    bot: RunningBot,
    second_bot: RunningBot,
    activities: Activities,
    connector: FakeConnector,
    database: Database,
    database_url: str,
) -> None:
    await a_week_in_the_channel(bot, activities)
    await save_settings(second_bot, activities)

    bot.clock.set(jst(2026, 11, 30, 9, 0))
    await asyncio.gather(task_runner(bot).run_due(), task_runner(second_bot).run_due())

    [digest] = await wait_for_digests(connector, 1)
    # Both instances' outbox workers share these rows: once none is left to send, neither
    # can send the digest again, so what Teams saw is final.
    await outbox_settled(database)
    assert digests(connector) == [digest]
    [row] = await digest_rows(database_url)
    assert row.due_date.isoformat() == "2026-11-30"


async def test_post_now_reaching_both_instances_at_once_is_posted_once(
    bot: RunningBot,
    second_bot: RunningBot,
    activities: Activities,
    connector: FakeConnector,
    database: Database,
    database_url: str,
) -> None:
    await save_settings(bot, activities)

    answers = await asyncio.gather(
        bot.send(activities.invoke_action(VERB_POST_NOW, {}, from_=TARO)),
        second_bot.send(activities.invoke_action(VERB_POST_NOW, {}, from_=TARO)),
    )

    said = [card_text(invoke_card(answer)) for answer in answers]
    assert sum("ダイジェストを投稿しました" in text for text in said) == 1
    assert sum("すでに投稿しています" in text for text in said) == 1
    await wait_for_digests(connector, 1)
    await outbox_settled(database)  # neither instance has anything left to send
    assert len(digests(connector)) == 1
    assert len(await digest_rows(database_url)) == 1
