"""A reminder that could not go out at 09:00 the day before (the bot was down) is still sent
if the bot is back before the event begins, and never once it has begun: registrants do not get
【リマインド】 during the day or together with the request for their impressions."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from storage.db import Database
from tests.app.test_event_reminders import personal_rows, personal_to, reminders_due
from tests.app.test_polls import task_runner
from tests.app.test_registration import a_decided_day, on_site, register
from tests.fakes.connector import FakeConnector
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import HANAKO, JIRO, Activities

JST = ZoneInfo("Asia/Tokyo")


async def test_back_before_the_day_begins_the_reminder_still_goes_out(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    announcement = await a_decided_day(bot, activities, connector)  # Tue 12/15 09:00–17:00
    await register(bot, activities, announcement, HANAKO, **on_site("imabari"))

    # Down from Monday morning until Tuesday 08:59: late, but before the day begins.
    bot.clock.set(datetime(2026, 12, 15, 8, 59, tzinfo=JST))
    await task_runner(bot).run_due()
    await connector.wait_for_sent(len(connector.sent) + 1)

    [hanako] = personal_to(connector, HANAKO)
    assert "第2回IYO WORK" in hanako and "日時: 12/15(火) 09:00–17:00" in hanako


async def test_back_once_the_day_has_begun_nobody_is_reminded(
    bot: RunningBot,
    activities: Activities,
    connector: FakeConnector,
    database: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="dialogs.events.tasks")
    announcement = await a_decided_day(bot, activities, connector)  # Tue 12/15 09:00–17:00
    await register(bot, activities, announcement, HANAKO, **on_site("imabari"))
    await register(bot, activities, announcement, JIRO, mode="online", municipality="uwajima")

    bot.clock.set(datetime(2026, 12, 15, 9, 0, tzinfo=JST))
    await task_runner(bot).run_due()

    assert await personal_rows(database) == 0
    assert personal_to(connector, HANAKO) == personal_to(connector, JIRO) == []
    # The task is done (not retried later), and the log says why nothing went out.
    assert await reminders_due(database) == [("done", datetime(2026, 12, 14, 9, 0, tzinfo=JST))]
    assert "reminder skipped, the event began" in caplog.text


async def test_back_after_the_day_only_the_request_for_impressions_arrives(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    announcement = await a_decided_day(bot, activities, connector)
    await register(bot, activities, announcement, HANAKO, **on_site("imabari"))

    bot.clock.set(datetime(2026, 12, 15, 17, 0, tzinfo=JST))  # the event has just ended
    await task_runner(bot).run_due()
    await connector.wait_for_sent(len(connector.sent) + 1)

    [only] = personal_to(connector, HANAKO)
    assert "リマインド" not in only
    assert "感想" in only
