"""What the digest tests share: the channel's week (threads, a poll, an IYO WORK day), turning
the digest on as a coordinator would, moving the clock to a due moment, and reading back what
was posted."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app import DIGESTS_KEY, TASKS_KEY
from cards.digest import (
    DAYS_INPUT,
    ENABLED_INPUT,
    LOCALE_INPUT,
    SECTIONS_INPUT,
    TIME_INPUT,
    VERB_SETTINGS_SAVE,
    WEEKDAY_INPUT,
)
from dialogs.digest.resolver import DigestResolver
from dialogs.digest.settings import Section
from dialogs.platform.tasks import TaskRunner
from storage.db import Database
from storage.models import DigestRow
from tests.app.test_first_contact import card_text
from tests.fakes.connector import FakeConnector, Posted
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import HANAKO, JIRO, TARO, Activities, TeamsUser

JST = ZoneInfo("Asia/Tokyo")
ALL_SECTIONS = ",".join(section.value for section in Section)
DIGEST_TITLE = "週次ダイジェスト"


def jst(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=JST)


def settings_inputs(
    *,
    enabled: bool = True,
    weekday: str = "0",
    time: str = "09:00",
    locale: str = "ja",
    sections: str = ALL_SECTIONS,
    days: str = "3",
) -> dict[str, str]:
    return {
        ENABLED_INPUT: "true" if enabled else "false",
        WEEKDAY_INPUT: weekday,
        TIME_INPUT: time,
        LOCALE_INPUT: locale,
        SECTIONS_INPUT: sections,
        DAYS_INPUT: days,
    }


async def save_settings(
    bot: RunningBot, activities: Activities, *, who: TeamsUser = TARO, **chosen: Any
) -> Any:
    """A coordinator presses 保存 on the channel's settings card; the HTTP answer."""
    return await bot.send(
        activities.invoke_action(VERB_SETTINGS_SAVE, settings_inputs(**chosen), from_=who)
    )


def task_runner(bot: RunningBot) -> TaskRunner:
    app = bot.client.app
    assert app is not None
    runner: TaskRunner = app[TASKS_KEY]
    return runner


def resolver(bot: RunningBot) -> DigestResolver:
    app = bot.client.app
    assert app is not None
    found: DigestResolver = app[DIGESTS_KEY]
    return found


async def at(bot: RunningBot, moment: datetime) -> None:
    """The clock shows `moment` and the bot runs what is due (as its task loop would)."""
    bot.clock.set(moment)
    await task_runner(bot).run_due()


def digests(connector: FakeConnector, title: str = DIGEST_TITLE) -> list[Posted]:
    """The digests posted in the channel: new threads whose card is a digest."""
    return [
        posted
        for posted in connector.sent
        if ";messageid=" in posted.conversation_id
        and posted.reply_to_id is None
        and title in card_text(posted.card or {})
    ]


async def wait_for_digests(
    connector: FakeConnector, count: int, within: float = 5.0, title: str = DIGEST_TITLE
) -> list[Posted]:
    """Waits (bounded) until `count` digests were posted."""
    for _ in range(int(within / 0.2)):
        found = digests(connector, title)
        if len(found) >= count:
            return found
        with contextlib.suppress(TimeoutError):
            await connector.wait_for_sent(len(connector.sent) + 1, within=0.2)
    raise AssertionError(f"{count} digests never came; posted: {digests(connector)}")


async def digest_rows(database_url: str) -> list[DigestRow]:
    database = Database(database_url)
    try:
        async with database.transaction() as session:
            return list(await session.scalars(select(DigestRow).order_by(DigestRow.id)))
    finally:
        await database.dispose()


async def question(
    bot: RunningBot,
    activities: Activities,
    text: str,
    *,
    who: TeamsUser = HANAKO,
    when: datetime,
    thread: str | None = None,
) -> str:
    """Someone writes in the channel (a new thread, or a reply in `thread`); its id."""
    stamp = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    message = activities.channel_html_message(
        f"<p>{text}</p>", text=text, from_=who, thread=thread, at=stamp
    )
    await bot.send(message)
    return str(message["id"])


async def a_week_in_the_channel(bot: RunningBot, activities: Activities) -> dict[str, str]:
    """The week before Monday 11/30: one question answered and solved, one nobody answered,
    and a lively one."""
    macro = await question(
        bot, activities, "Excelのマクロが動かなくなったのですが、どう直しましたか？",
        who=HANAKO, when=jst(2026, 11, 24, 10),
    )  # fmt: skip
    await question(
        bot, activities, "セキュリティセンターでマクロを有効にすれば動きます。",
        who=JIRO, when=jst(2026, 11, 24, 11), thread=macro,
    )  # fmt: skip
    await question(
        bot, activities, "ありがとうございます、解決しました！",
        who=HANAKO, when=jst(2026, 11, 24, 12), thread=macro,
    )  # fmt: skip
    printer = await question(
        bot, activities, "複合機のドライバ配布はどうしていますか？",
        who=JIRO, when=jst(2026, 11, 25, 9),
    )  # fmt: skip
    backup = await question(
        bot, activities, "バックアップの保存期間は何年にしていますか？",
        who=TARO, when=jst(2026, 11, 26, 9),
    )  # fmt: skip
    for number, who in enumerate((HANAKO, JIRO, HANAKO), start=1):
        await question(
            bot, activities, f"うちは{number + 4}年です。",
            who=who, when=jst(2026, 11, 26, 9 + number), thread=backup,
        )  # fmt: skip
    return {"macro": macro, "printer": printer, "backup": backup}


def elapse(bot: RunningBot, seconds: float) -> None:
    bot.clock.advance(timedelta(seconds=seconds))
