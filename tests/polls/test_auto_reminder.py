"""The automatic reminder (09:00 on the business day before 締切) when Teams will not give the
channel's members, through the real HTTP endpoint and the fake Bot Connector. Refused for good
(403 once the bot is out of a private channel, 404 once the team is gone), the reminder is
skipped once and never asked for again; unwell (503), the run is tried again with backoff and
the reminder goes once Teams answers."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from storage.db import Database
from storage.models import DueTask
from tests.app.test_poll_coordination import replies_in
from tests.app.test_polls import JST, answer_activity, open_poll, task_runner
from tests.fakes.connector import FakeConnector, Posted
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import GUEST, HANAKO, JIRO, TARO, TEAM, Activities
from tests.fixtures.outbox import outbox_settled

# 締切 12/5 is a Saturday: the reminder is due at 09:00 on Friday 12/4.
REMINDER_DUE = datetime(2026, 12, 4, 9, 0, tzinfo=JST)
ROSTER_READ = ("GET", f"/v3/conversations/{TEAM.id}/pagedmembers")


async def a_poll_hanako_answered(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> Posted:
    post = await open_poll(bot, activities, connector)
    await bot.send(answer_activity(activities, post, HANAKO, choice_1="maybe"))
    await connector.wait_for_updated(1)  # the poll's thread is settled
    return post


async def reminder_task(database: Database) -> tuple[str, int, str | None]:
    """The automatic reminder's task: its status, how often it ran, its last error."""
    async with database.transaction() as session:
        task = await session.scalar(select(DueTask).where(DueTask.kind == "poll.remind"))
    assert task is not None
    return task.status, task.attempts, task.last_error


def roster_reads_since(connector: FakeConnector, start: int) -> int:
    return connector.requests[start:].count(ROSTER_READ)


@pytest.mark.parametrize("status", [403, 404])
async def test_a_roster_refused_for_good_skips_the_reminder_once(
    status: int,
    bot: RunningBot,
    activities: Activities,
    connector: FakeConnector,
    database: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:
    post = await a_poll_hanako_answered(bot, activities, connector)
    connector.fail_roster(TEAM.id, status)  # from now on, every time
    start = len(connector.requests)
    runner = task_runner(bot)

    bot.clock.set(REMINDER_DUE)
    with caplog.at_level(logging.WARNING):
        await runner.run_due()
    assert await reminder_task(database) == ("done", 1, None)  # finished, no retry pending

    # An hour later nothing is run again, and no reminder was ever posted.
    bot.clock.advance(timedelta(hours=1))
    await runner.run_due()
    await outbox_settled(database, bot.clock.now())
    assert replies_in(connector, post) == []
    assert roster_reads_since(connector, start) == 1
    assert await reminder_task(database) == ("done", 1, None)
    [skipped] = [r for r in caplog.records if "reminder skipped" in r.getMessage()]
    assert skipped.levelno == logging.WARNING
    assert "poll 1" in skipped.getMessage() and f"HTTP {status}" in skipped.getMessage()


async def test_a_roster_teams_fails_to_give_for_now_is_read_again_and_the_reminder_goes_once(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    post = await a_poll_hanako_answered(bot, activities, connector)
    connector.fail_roster(TEAM.id, 503, times=1)
    start = len(connector.requests)
    runner = task_runner(bot)

    bot.clock.set(REMINDER_DUE)
    await runner.run_due()
    status, attempts, error = await reminder_task(database)
    assert (status, attempts) == ("pending", 1) and "HTTP 503" in (error or "")
    await outbox_settled(database, bot.clock.now())
    assert replies_in(connector, post) == []

    # After the backoff Teams answers: the reminder goes, once.
    bot.clock.advance(timedelta(minutes=1))
    await runner.run_due()
    bot.clock.advance(timedelta(hours=1))
    await runner.run_due()
    await outbox_settled(database, bot.clock.now())
    [reminder] = replies_in(connector, post)
    assert set(reminder.mentioned_ids) == {TARO.teams_id, JIRO.teams_id, GUEST.teams_id}
    assert roster_reads_since(connector, start) == 2
    assert (await reminder_task(database))[:2] == ("done", 2)


async def test_a_reminder_that_comes_after_the_deadline_is_not_sent(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    # The bot was down from before the reminder until after 締切 (12/5 23:59).
    post = await a_poll_hanako_answered(bot, activities, connector)
    bot.clock.set(datetime(2026, 12, 7, 9, 30, tzinfo=JST))
    await task_runner(bot).run_due()
    await outbox_settled(database, bot.clock.now())
    assert replies_in(connector, post) == []
    status, _, _ = await reminder_task(database)
    assert status == "done"
