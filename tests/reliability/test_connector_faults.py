"""Teams throttles (429, with Retry-After) and has bad moments (503): every kind of message the
bot sends by itself is held back as long as Retry-After says, retried with backoff, and
delivered exactly once.

The kinds: the poll's reminder in its thread, the personal notice to whoever gets a freed seat,
the event reminder in each registrant's personal chat, the 感想 request (personal forms and the
invitation in the thread) and the weekly digest in the channel. One community lives through
them in order (its clock moves forward from one to the next).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from sqlalchemy import select

from storage.migrate import migrate
from storage.models import DueTask, OutboxMessage
from tests.fakes.connector import FakeConnector, Posted
from tests.fixtures.connector import HANAKO, JIRO, TARO
from tests.reliability.world import JST, NEXT_EVENT, SABURO, World, open_world, outbox_settled

pytestmark = pytest.mark.asyncio(loop_scope="module")

RETRY_AFTER = 30  # seconds, as Teams sends it with a 429


class ThrottlingConnector(FakeConnector):
    """The fake Bot Connector with a switch: while `throttle` is set, every request with one of
    `throttled_methods` is answered with that status (and Retry-After), as a throttled or
    unwell Teams would. By default only what posts or edits is throttled; reading the roster
    (GET) still works, so the bot can tell who is a coordinator."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.throttle: tuple[int, int | None] | None = None
        self.throttled_methods: tuple[str, ...] = ("POST", "PUT")
        self.refused: list[tuple[str, str, int]] = []

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if self.throttle is None or request.method not in self.throttled_methods:
            return await FakeConnector._middleware(self, request, handler)
        status, retry_after = self.throttle
        self.refused.append((request.method, request.path, status))
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        return web.json_response(
            {"error": {"code": "Throttled", "message": f"{status}"}}, status=status, headers=headers
        )


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def community(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('faults') / 'iyowork.db'}"
    await migrate(url)
    async with open_world(url, connector_type=ThrottlingConnector) as opened:
        yield opened


def teams(world: World) -> ThrottlingConnector:
    assert isinstance(world.connector, ThrottlingConnector)
    return world.connector


async def rows_after(world: World, last_id: int) -> list[OutboxMessage]:
    """The messages queued after outbox row `last_id`, other than card edits."""
    async with world.database.transaction() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id > last_id, OutboxMessage.kind != "update")
            .order_by(OutboxMessage.id)
        )
        return list(rows.all())


async def last_row(world: World) -> int:
    async with world.database.transaction() as session:
        rows = await session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()))
        return rows.first() or 0


async def until(check: Any, *, within: float = 10.0) -> None:
    """Waits (bounded) for the outbox worker, which runs every second, to get somewhere."""
    async with asyncio.timeout(within):
        while True:
            if await check():
                return
            await asyncio.sleep(0.05)


async def settled_until(world: World, moment: datetime) -> int:
    """Everything due a little before `moment` is done and sent; the last outbox row. (The
    outbox paces sends per conversation as Teams asks, up to 7 a second: with the clock
    standing still, what goes beyond that waits for the clock to move on.)"""
    world.bot.clock.set(moment - timedelta(seconds=5))
    await world.run_due()
    await outbox_settled(world.database, world.bot.clock.now())
    world.bot.clock.set(moment)
    return await last_row(world)


async def delivered_once_despite_throttling(
    world: World, last_id: int, trigger: Any, expected: int
) -> list[OutboxMessage]:
    """Runs `trigger` while Teams answers 429 (Retry-After 30 s), then 503, then normally;
    checks that the `expected` messages it queued waited as told and were each sent once."""
    connector, clock = teams(world), world.bot.clock
    connector.throttle = (429, RETRY_AFTER)
    await trigger()
    throttled_at = clock.now()  # the trigger may have moved the clock
    rows = await rows_after(world, last_id)
    assert len(rows) == expected, [r.kind for r in rows]
    ids = [row.id for row in rows]

    # A 429 holds back the conversation (or person) it came from for Retry-After: what was
    # refused, and what was still to go there, waits at least that long.
    async def held_back() -> bool:
        waiting = await rows_after(world, last_id)
        return any("429" in (r.last_error or "") for r in waiting) and all(
            r.next_attempt_at >= throttled_at + timedelta(seconds=RETRY_AFTER) for r in waiting
        )

    await until(held_back)
    tried = {r.id: r.attempts for r in await rows_after(world, last_id)}
    waiting = await rows_after(world, last_id)
    assert all(r.status == "pending" for r in waiting), [
        (r.kind, r.status, r.attempts, r.last_error) for r in waiting
    ]

    # Then Teams answers 503 (no Retry-After): each is tried again after backoff.
    connector.throttle = (503, None)
    clock.advance(timedelta(seconds=RETRY_AFTER + 1))

    async def all_tried_again() -> bool:
        return all(r.attempts > tried[r.id] for r in await rows_after(world, last_id))

    await until(all_tried_again)
    for row in await rows_after(world, last_id):
        assert row.status == "pending" and "503" in (row.last_error or "")
        assert row.next_attempt_at > clock.now()  # a few seconds of backoff
    tried = {r.id: r.attempts for r in await rows_after(world, last_id)}

    connector.throttle = None
    sent_before = len(connector.sent)
    clock.advance(timedelta(seconds=10))
    await until(lambda: _all_sent(world, last_id))
    final = await rows_after(world, last_id)
    assert [r.id for r in final] == ids
    assert {r.status for r in final} == {"sent"}, [(r.kind, r.status, r.last_error) for r in final]
    assert all(r.attempts == tried[r.id] + 1 for r in final)
    delivered = [p.activity_id for p in connector.sent[sent_before:]]
    for row in final:  # each reached Teams once
        assert delivered.count(row.sent_activity_id or "") == 1, row.kind
    return final


async def _all_sent(world: World, last_id: int) -> bool:
    return all(r.status in ("sent", "superseded") for r in await rows_after(world, last_id))


def texts_to(world: World, posted: list[Posted], needle: str) -> list[str]:
    return [p.text or "" for p in posted if needle in (p.text or "")]


async def test_the_notice_of_a_freed_seat_and_the_weekly_digest(community: World) -> None:
    world = community
    last_id = await settled_until(world, world.bot.clock.now() + timedelta(seconds=5))

    async def a_seat_is_freed_and_the_digest_posted() -> None:
        data = {"event_id": NEXT_EVENT, "mode": "absent"}
        answer = await world.bot.send(world.press("event.register", data, HANAKO))
        assert answer.status == 200
        channel = world.activities.channel_message("設定", from_=TARO)
        await world.bot.send(channel)  # its card cannot be sent now: Teams is throttling
        press = world.activities.invoke_action(
            "digest.post_now", {}, from_=TARO, card_activity_id=channel["id"]
        )
        answer = await world.bot.send(press)
        assert answer.status == 200

    notice, digest = await delivered_once_despite_throttling(
        world, last_id, a_seat_is_freed_and_the_digest_posted, expected=2
    )
    assert (notice.kind, notice.person_key) == ("personal", SABURO.aad_object_id)
    told = [p for p in world.connector.sent if p.activity_id == notice.sent_activity_id]
    assert len(told) == 1 and "席" in (told[0].text or "")
    assert digest.kind == "post_channel"


async def test_the_polls_reminder(community: World) -> None:
    """The reminder reads the team's roster first. While Teams refuses that too, the run is
    tried again later (task backoff); then the reply itself is throttled, and retried."""
    world = community
    connector, clock = teams(world), world.bot.clock
    nine = datetime(2026, 12, 7, 9, 0, tzinfo=JST)  # the business day before 締切 Tue 12/8
    last_id = await settled_until(world, nine)
    connector.throttle, connector.throttled_methods = (503, None), ("GET", "POST", "PUT")
    await world.run_due()
    assert await rows_after(world, last_id) == []
    assert await task_state(world, "poll.remind") == ("pending", 1)
    connector.throttled_methods = ("POST", "PUT")

    async def the_task_runs_again() -> None:
        clock.advance(timedelta(minutes=1))
        await world.run_due()

    [reminder] = await delivered_once_despite_throttling(
        world, last_id, the_task_runs_again, expected=1
    )
    [posted] = [p for p in world.connector.sent if p.activity_id == reminder.sent_activity_id]
    assert TARO.teams_id in posted.mentioned_ids and HANAKO.teams_id not in posted.mentioned_ids
    assert await task_state(world, "poll.remind") == ("done", 2)


async def task_state(world: World, kind: str) -> tuple[str, int]:
    async with world.database.transaction() as session:
        task = await session.scalar(select(DueTask).where(DueTask.kind == kind))
    assert task is not None
    return task.status, task.attempts


async def test_the_event_reminders_and_the_request_for_impressions(community: World) -> None:
    """At 09:00 the business day before 第3回 (Wed 12/16) its registrants are reminded; when it
    ends at 17:00 they get the 感想 form and the thread the invitation. Both while Teams throttles.
    (A reminder whose run comes after the day has begun is skipped: tests/app/
    test_event_reminders_late.py.)"""
    world = community
    last_id = await settled_until(world, datetime(2026, 12, 15, 8, 59, tzinfo=JST))

    async def the_day_comes_and_ends() -> None:
        world.bot.clock.set(datetime(2026, 12, 15, 9, 0, tzinfo=JST))
        await world.run_due()
        world.bot.clock.set(datetime(2026, 12, 16, 17, 0, tzinfo=JST))
        await world.run_due()

    sent = await delivered_once_despite_throttling(
        world, last_id, the_day_comes_and_ends, expected=5
    )
    personal = [r.person_key or "" for r in sent if r.kind == "personal"]
    assert sorted(personal) == sorted([JIRO.aad_object_id, SABURO.aad_object_id] * 2)
    assert [r.kind for r in sent if r.kind != "personal"] == ["reply"]  # the invitation
