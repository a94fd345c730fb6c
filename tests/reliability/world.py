"""One community in one state where every card verb has something to act on, and the probes the
reliability tests read it with (row counts of every table, the texts of every card).

At 2026-11-26 10:00 JST the coordinator TARO opens the poll 第2回IYO WORK (締切 12/8) and
creates two IYO WORK days: 第1回 on Tue 12/1 and 第3回 on Wed 12/16 (two on-site seats each).
HANAKO and JIRO register for both, SABURO waits for a seat on 12/16, HANAKO answers the poll.
Then the clock moves to Wed 12/2 10:00: the poll is open, 第3回 takes registrations and
第1回 has ended, so its 感想 form takes answers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from app import TASKS_KEY, build_app
from core.clock import FrozenClock
from core.settings import load_settings
from storage.db import Database
from storage.models import Base
from tests.fakes.connector import FakeConnector, FakeTeam, Posted
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import (
    HANAKO,
    JIRO,
    STAFF,
    TARO,
    TEAM,
    TENANT_ID,
    Activities,
    TeamsUser,
)
from tests.fixtures.outbox import outbox_settled

JST = ZoneInfo("Asia/Tokyo")
SABURO = TeamsUser(
    "八幡浜 三郎", "29:1user0005-saburo", "aad00000-0000-4000-8000-000000000005", "s@x"
)
POLL_ID = 1
PAST_EVENT = 1  # 第1回, Tue 12/1: ended, takes 感想
NEXT_EVENT = 2  # 第3回, Wed 12/16: takes registrations
POLL_COMMAND = "日程調整 第2回IYO WORK 12/10 12/15 12/17 会場:松前町役場 定員:8 締切:12/8"
PAST_COMMAND = "イベント作成 第1回IYO WORK 12/1 会場:松山市役所 定員:2"
NEXT_COMMAND = "イベント作成 第3回IYO WORK 12/16 会場:八幡浜市役所 定員:2"
START = datetime(2026, 11, 26, 10, 0, tzinfo=JST)
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=JST)
INVOKE_CARD = "application/vnd.microsoft.card.adaptive"
INVOKE_MESSAGE = "application/vnd.microsoft.activity.message"

# What "nothing happened" may still write: the redelivery record and who/where the turn was.
BOOKKEEPING = frozenset({"processed_activities", "people", "conversations"})


@dataclass
class World:
    bot: RunningBot
    activities: Activities
    connector: FakeConnector
    database: Database
    poll_post: Posted
    past_post: Posted
    next_post: Posted

    def post_for(self, verb: str) -> Posted:
        """The card a press of `verb` comes from (its thread matters to some verbs)."""
        if verb.startswith("poll."):
            return self.poll_post
        if verb.startswith("feedback."):
            return self.past_post
        return self.next_post

    async def run_due(self) -> None:
        """Runs the scheduled tasks that are due now (as the app's runner would at its next
        tick), so a test's before/after look sees only what its own action did."""
        app = self.bot.client.app
        assert app is not None
        await app[TASKS_KEY].run_due()

    def press(
        self, verb: str, data: dict[str, Any], who: TeamsUser = TARO, **extra: Any
    ) -> dict[str, Any]:
        """An Action.Execute press of `verb` with `data`, on the card it belongs to."""
        card = self.post_for(verb)
        return self.activities.invoke_action(
            verb, data, from_=who, card_activity_id=card.activity_id, **extra
        )


async def build_world(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> World:
    posts = []
    for command in (POLL_COMMAND, PAST_COMMAND, NEXT_COMMAND):
        before = len([p for p in connector.sent if p.card is not None and p.reply_to_id is None])
        answer = await bot.send(activities.channel_message(command, from_=TARO))
        assert answer.status == 201, answer
        posts.append(await _new_thread(connector, before))
    poll_post, past_post, next_post = posts
    world = World(bot, activities, connector, database, poll_post, past_post, next_post)
    past = [(HANAKO, "onsite", "imabari"), (JIRO, "online", "uwajima")]
    next_ = [(HANAKO, "onsite", "imabari"), (JIRO, "onsite", "uwajima")]
    next_.append((SABURO, "onsite", "yawatahama"))  # no seat left: waits
    for event_id, people in ((PAST_EVENT, past), (NEXT_EVENT, next_)):
        card = past_post if event_id == PAST_EVENT else next_post
        for who, mode, municipality in people:
            data = {"event_id": event_id, "mode": mode, "municipality": municipality}
            pressed = activities.invoke_action(
                "event.register", data, from_=who, card_activity_id=card.activity_id
            )
            answer = await bot.send(pressed)
            assert answer.status == 200 and answer.body["type"] == INVOKE_CARD, answer
    answered = await bot.send(
        world.press("poll.answer", {"poll_id": POLL_ID, "choice_1": "onsite"}, HANAKO)
    )
    assert answered.status == 200, answered
    await outbox_settled(database, bot.clock.now())
    bot.clock.set(NOW)
    await world.run_due()  # 第1回 has ended: its 感想 forms go out now, not during a test
    await outbox_settled(database, NOW)
    return world


@asynccontextmanager
async def open_world(
    database_url: str, *, connector_type: type[FakeConnector] = FakeConnector, **settings: str
) -> AsyncIterator[World]:
    """The community on a running bot of its own (for a world shared by several tests, where
    the function-scoped `bot` fixture cannot serve). `settings` add to the bot's settings."""
    async with connector_type(tenant_id=TENANT_ID) as connector:
        connector.add_team(FakeTeam(TEAM.id, TEAM.name, TEAM.aad_group_id, list(TEAM.channels)))
        connector.set_roster(TEAM.id, [user.roster_member() for user in (*STAFF, SABURO)])
        bot_settings = load_settings(
            DATABASE_URL=database_url, MicrosoftAppId="", COORDINATOR_IDS="", **settings
        )
        clock = FrozenClock(START)
        client: TestClient[Any, Any] = TestClient(
            TestServer(build_app(bot_settings, clock=clock), host="127.0.0.1")
        )
        await client.start_server()
        database = Database(database_url)
        try:
            bot = RunningBot(client, clock, bot_settings)
            yield await build_world(bot, Activities(connector.url), connector, database)
        finally:
            await client.close()
            await database.dispose()


async def _new_thread(connector: FakeConnector, before: int, within: float = 5.0) -> Posted:
    """The next card posted as a new thread (the outbox sends it just after the turn)."""

    def threads() -> list[Posted]:
        return [p for p in connector.sent if p.card is not None and p.reply_to_id is None]

    async with asyncio.timeout(within):
        while len(threads()) <= before:
            await connector.wait_for_sent(len(connector.sent) + 1, within=within)
    return threads()[before]


# --- probes ---------------------------------------------------------------------------------


async def row_counts(database: Database) -> dict[str, int]:
    """How many rows every table holds (one statement)."""
    tables = Base.metadata.sorted_tables
    query = select(
        *(select(func.count()).select_from(t).scalar_subquery().label(t.name) for t in tables)
    )
    async with database.transaction() as session:
        row = (await session.execute(query)).one()
    return {table.name: int(count) for table, count in zip(tables, row, strict=True)}


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    """The tables whose row count moved, other than bookkeeping."""
    return {
        name: (before[name], after[name])
        for name in before
        if before[name] != after[name] and name not in BOOKKEEPING
    }


def walk(node: object) -> Iterator[dict[str, Any]]:
    """Every JSON object inside `node`, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def markdown_texts(card: object) -> list[str]:
    """Every text of a card that Teams reads as markdown: TextBlock texts and FactSet facts
    (TextRuns, input values, choices and button titles are shown literally)."""
    found: list[str] = []
    for node in walk(card):
        if node.get("type") == "TextBlock" and isinstance(node.get("text"), str):
            found.append(node["text"])
        if node.get("type") == "FactSet":
            for fact in node.get("facts") or []:
                found.extend(str(fact.get(key, "")) for key in ("title", "value"))
    return found


def texts(card: object) -> str:
    """Everything a person can read on a card."""
    found = [
        node[key]
        for node in walk(card)
        for key in ("text", "title")
        if isinstance(node.get(key), str)
    ]
    return "\n".join(found)


def invoke_answer(body: Any) -> tuple[str, Any]:
    """("card", card) or ("message", text) from an invoke's HTTP body."""
    assert isinstance(body, dict), body
    assert body.get("statusCode") == 200, body
    if body.get("type") == INVOKE_CARD:
        return "card", body["value"]
    assert body.get("type") == INVOKE_MESSAGE, body
    return "message", body["value"]


__all__ = [
    "BOOKKEEPING",
    "NEXT_EVENT",
    "NOW",
    "PAST_EVENT",
    "POLL_ID",
    "SABURO",
    "World",
    "build_world",
    "changed",
    "invoke_answer",
    "markdown_texts",
    "open_world",
    "outbox_settled",
    "row_counts",
    "texts",
    "walk",
]
