"""`python -m dialogs.threads`: backfill or bring up to date a channel's threads from Graph.

    python -m dialogs.threads sync --team <aadGroupId> --channel '19:…@thread.tacv2'
    python -m dialogs.threads status

Settings come from the environment or `.env` like the bot's (DATABASE_URL, MicrosoftAppId,
MicrosoftAppPassword, MicrosoftAppTenantId, GRAPH_BASE_URL, RETENTION_MONTHS). The position is
stored after every page: run it again after an interruption and it resumes there (`--restart`
reads the channel from the start). Exit status: 0 done, 1 stopped by an error, 2 bad settings,
3 Graph refuses the channel, 4 another sync holds it.

(It lives here, not under graph/, because graph/ may only import core: storing is dialogs'.)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
from typing import Any, TextIO

from core.clock import Clock, SystemClock
from core.i18n import Translator, default_catalog, locale_of
from core.settings import Settings, SettingsError, load_settings
from dialogs.threads.sync import ChannelSync, Progress, SyncReport
from graph.client import GraphNotConfigured, graph_client
from storage.db import Database
from storage.migrate import migrate

BAR_WIDTH = 24
PACE = 0.25  # least seconds between two Graph requests (as the scheduled sync)


class ProgressLine:
    """One line on stderr, rewritten in place on a terminal (a line per update otherwise): a
    bar while the number of threads to check is known, counts and speed while it is not."""

    def __init__(self, t: Translator, stream: TextIO | None = None) -> None:
        self._t = t
        self._stream = stream or sys.stderr
        self._tty = self._stream.isatty()
        self._started = time.monotonic()
        self._shown = False

    def __call__(self, progress: Progress) -> None:
        counts = self._t("threads.cli.counts", pages=progress.pages, messages=progress.messages)
        rate = progress.messages / max(time.monotonic() - self._started, 1e-6)
        line = f"{self._t(f'threads.cli.{progress.phase}')}: {counts} ({rate:.0f}/s)"
        if progress.total:
            filled = round(BAR_WIDTH * (progress.done or 0) / progress.total)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            line = f"{self._t('threads.cli.replies')} [{bar}] {progress.done}/{progress.total}"
        if self._tty:
            self._stream.write(f"\r\x1b[2K{line}")
        else:
            self._stream.write(f"{line}\n")
        self._stream.flush()
        self._shown = True

    def end(self) -> None:
        if self._shown and self._tty:
            self._stream.write("\n")
            self._stream.flush()


async def sync(
    settings: Settings,
    team: str,
    channel: str,
    *,
    restart: bool,
    t: Translator,
    client: Any = None,
    clock: Clock | None = None,
) -> int:
    """Syncs one channel with a progress line on stderr and a summary on stdout; the exit
    status. `client` and `clock` are the bot's own unless given (tests)."""
    await migrate(settings.database_url)
    database = Database(settings.database_url)
    progress = ProgressLine(t)
    started = time.monotonic()
    try:
        own_client = client is None
        async with contextlib.AsyncExitStack() as stack:
            if own_client:
                client = await stack.enter_async_context(graph_client(settings))
            syncer = ChannelSync(
                database,
                client,
                clock or SystemClock(),
                retention_months=settings.retention_months,
                pace=PACE if own_client else 0.0,
                on_progress=progress,
            )
            report = await syncer.run(team, channel, restart=restart)
    finally:
        progress.end()
        await database.dispose()
    print(summary(report, t, settings.retention_months, time.monotonic() - started))
    if report.busy:
        return 4
    if not report.history_available:
        return 3
    return 1 if report.error else 0


def summary(report: SyncReport, t: Translator, months: int, seconds: float) -> str:
    """What the sync did, in the person's language (one to three lines)."""
    if report.busy:
        return t("threads.cli.busy")
    lines = []
    if not report.history_available:
        lines.append(t("threads.cli.unavailable", error=report.error))
    elif report.error:
        lines.append(t("threads.cli.failed", error=report.error, messages=report.messages))
    else:
        rate = report.messages / seconds if seconds > 0 else 0.0
        lines.append(
            t("threads.cli.done", messages=report.messages, pages=report.pages,
              seconds=f"{seconds:.1f}", rate=f"{rate:.0f}")
        )  # fmt: skip
    if report.threads_skipped_as_old:
        lines.append(
            t("threads.cli.skipped_old", threads=report.threads_skipped_as_old, months=months)
        )
    return "\n".join(lines)


async def status(settings: Settings, t: Translator) -> int:
    from sqlalchemy import select

    from dialogs.threads.store import count_messages
    from storage.models import ChannelSyncRow

    await migrate(settings.database_url)
    database = Database(settings.database_url)
    try:
        async with database.transaction() as session:
            rows = (await session.scalars(select(ChannelSyncRow).order_by(ChannelSyncRow.id))).all()
            for row in rows:
                if not row.history_available:
                    state = t("threads.cli.status_unavailable")
                elif row.backfill_done_at is None:
                    state = t("threads.cli.status_backfilling")
                elif row.last_synced_at is not None:
                    state = t("threads.cli.status_current")
                else:
                    state = t("threads.cli.status_never")
                synced = row.last_synced_at.astimezone(settings.zone).strftime("%Y-%m-%d %H:%M") \
                    if row.last_synced_at else "-"  # fmt: skip
                messages = await count_messages(session, row.channel_id)
                print(t("threads.cli.status", channel=row.channel_id, state=state,
                        messages=messages, synced=synced))  # fmt: skip
    finally:
        await database.dispose()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dialogs.threads",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--locale", default="ja", help="ja (default) or en")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("sync", help="backfill or update one channel from Graph")
    run.add_argument("--team", required=True, help="the team's Entra group id (aadGroupId)")
    run.add_argument("--channel", required=True, help="the channel id (19:…@thread.tacv2)")
    run.add_argument("--restart", action="store_true", help="read the channel from the start")
    commands.add_parser("status", help="where each channel's sync stands")
    args = parser.parse_args(argv)
    t = default_catalog().translator(locale_of(args.locale))
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    if args.command == "status":
        return asyncio.run(status(settings, t))
    try:
        return asyncio.run(sync(settings, args.team, args.channel, restart=args.restart, t=t))
    except GraphNotConfigured as error:
        print(t("threads.cli.not_configured", error=error), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
