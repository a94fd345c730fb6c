"""PostgreSQL drops the bot's connections (a failover, a restart, an administrator): the turns
after it succeed (the pool checks a connection before lending it: `pool_pre_ping`), and turns
caught in the middle fail whole, never half-written; sent again, they succeed.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bench.register_burst import seating
from core.i18n import default_catalog
from dialogs.attendance.store import registrations
from storage.db import create_engine
from storage.models import RegistrationRow
from tests.fixtures.connector import HANAKO, TARO
from tests.reliability.test_redelivery_and_bursts import crowd
from tests.reliability.world import NEXT_EVENT, POLL_ID, World, invoke_answer, texts

pytestmark = pytest.mark.parametrize(
    "backend", [pytest.param("postgres", marks=pytest.mark.postgres)]
)

APOLOGY = {default_catalog().text(locale, "bot.apology") for locale in ("ja", "en")}
SEATS = 8


async def kill_connections(database_url: str) -> int:
    """Ends every other connection to the bot's database, as a failover would."""
    url = make_url(database_url).set(drivername="postgresql")
    admin = await asyncpg.connect(url.render_as_string(hide_password=False), timeout=5)
    try:
        killed = await admin.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await admin.close()
    return len(killed)


async def test_after_the_connections_are_killed_the_next_turns_succeed(
    world: World, database_url: str
) -> None:
    engine = create_engine(database_url)  # as storage.db builds the app's
    assert engine.pool._pre_ping  # type: ignore[attr-defined]
    await engine.dispose()
    assert await kill_connections(database_url) > 0

    answers = []
    for who, choice in ((HANAKO, "no"), (TARO, "onsite")):
        data = {"poll_id": POLL_ID, "choice_1": choice}
        answers.append(await world.bot.send(world.press("poll.answer", data, who)))
    answers.append(await world.bot.send(world.activities.channel_message("ヘルプ")))

    for answer in answers[:2]:
        kind, card = invoke_answer(answer.body)
        assert kind == "card" and "回答を保存しました" in texts(card)
    assert answers[2].status == 201
    assert not APOLOGY & {p.text for p in world.connector.sent}


async def test_turns_cut_off_mid_way_leave_nothing_half_written(
    world: World, database_url: str
) -> None:
    await world.bot.send(
        world.activities.channel_message(
            f"イベント作成 第4回IYO WORK 2027/1/20 会場:愛媛県庁 定員:{SEATS}", from_=TARO
        )
    )
    event_id = NEXT_EVENT + 1
    people = crowd(30, "d")
    presses = {
        who.aad_object_id: world.press(
            "event.register",
            {"event_id": event_id, "mode": "onsite", "municipality": "seiyo"},
            who,
        )
        for who in people
    }

    sends = [asyncio.ensure_future(world.bot.send(press)) for press in presses.values()]
    # The failover comes once a few turns are done, while the others are in flight or waiting
    # (a fixed delay could come before any turn had finished on a busy machine).
    while sum(send.done() for send in sends) < 3:
        await asyncio.wait(
            [send for send in sends if not send.done()], return_when=asyncio.FIRST_COMPLETED
        )
    await kill_connections(database_url)
    results = await asyncio.gather(*sends)
    outcome = {
        key: _outcome(answer.body if answer else None)
        for key, answer in zip(presses, results, strict=True)
    }
    assert set(outcome.values()) <= {"registered", "failed"}, outcome
    rows, listed = await _stored(world, event_id)
    assert {row.person_key for row in rows} == {k for k, o in outcome.items() if o == "registered"}
    assert seating(rows, listed, SEATS, len(rows)).problems == []

    # Teams sends the failed ones again (same activity): now they go through.
    again = [presses[key] for key, o in outcome.items() if o == "failed"]
    retried = await asyncio.gather(*(world.bot.send(press) for press in again))
    assert all(_outcome(answer.body) == "registered" for answer in retried)
    rows, listed = await _stored(world, event_id)
    result = seating(rows, listed, SEATS, len(people))
    assert result.problems == []
    assert (result.seated, result.waitlisted) == (SEATS, len(people) - SEATS)


def _outcome(body: Any) -> str:
    kind, value = invoke_answer(body)
    if kind == "message":
        assert value in APOLOGY, value
        return "failed"
    assert "参加登録しました" in texts(value), texts(value)[:200]
    return "registered"


async def _stored(world: World, event_id: int) -> tuple[list[RegistrationRow], list[Any]]:
    async with world.database.transaction() as session:
        rows = list(
            await session.scalars(
                select(RegistrationRow).where(RegistrationRow.event_id == event_id)
            )
        )
        listed = await registrations(session, event_id)
    return rows, listed
