"""`python -m dialogs.digest`: a channel's digest as Markdown, from a terminal.

    python -m dialogs.digest preview --channel '19:…@thread.tacv2' [--at 2026-12-07T09:00+09:00]
    python -m dialogs.digest channels

`preview` prints what the channel's digest would say now (or at `--at`), covering from the end
of its last digest (or the week before); nothing is posted or stored. `channels` lists the
channels with their digest settings. Settings come from the environment or `.env` like the
bot's (DATABASE_URL, TIMEZONE). Exit status: 0 done, 2 bad settings or arguments, 3 no such
channel.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator, default_catalog, locale_of
from core.jpcalendar import format_time
from core.settings import Settings, SettingsError, load_settings
from dialogs.digest import store
from dialogs.digest.content import gather
from dialogs.digest.markdown import digest_markdown, quiet_markdown
from dialogs.digest.posting import WEEK
from dialogs.digest.schedule import Timing, next_due
from dialogs.digest.settings import load_settings as load_digest_settings
from dialogs.digest.views import digest_view, quiet_text
from storage.db import Database
from storage.migrate import migrate
from storage.models import Conversation, DigestRow


async def preview(
    settings: Settings, channel: str, *, at: dt.datetime | None, locale: str | None
) -> int:
    """Prints the channel's digest as Markdown; the exit status."""
    await migrate(settings.database_url)
    database = Database(settings.database_url)
    zone = settings.zone
    now = at or dt.datetime.now(dt.UTC)
    try:
        async with database.transaction() as session:
            conversation_id = await _channel(session, channel)
            if conversation_id is None:
                t = default_catalog().translator(locale_of(locale))
                print(t("digest.cli.no_channel", channel=channel), file=sys.stderr)
                return 3
            digest_settings = await load_digest_settings(session, conversation_id)
            if locale is not None:
                digest_settings = replace(digest_settings, locale=locale_of(locale))
            start = await store.covered_until(session, conversation_id) or now - WEEK
            content = await gather(
                session, digest_settings, period_start=start, period_end=now, zone=zone
            )
            t = default_catalog().translator(digest_settings.locale)
            if content.empty:
                print(quiet_markdown(quiet_text(content, zone, t)), end="")
            else:
                print(digest_markdown(digest_view(content, t, zone)), end="")
    finally:
        await database.dispose()
    return 0


async def channels(settings: Settings, t: Translator) -> int:
    """Lists the bot's channels with their digest settings."""
    await migrate(settings.database_url)
    database = Database(settings.database_url)
    zone = settings.zone
    now = dt.datetime.now(dt.UTC)
    try:
        async with database.transaction() as session:
            rows = await session.scalars(
                select(Conversation)
                .where(Conversation.kind == "channel", Conversation.active.is_(True))
                .order_by(Conversation.id)
            )
            for conversation in rows.all():
                found = await load_digest_settings(session, conversation.conversation_id)
                upcoming = t("digest.cli.never")
                if found.enabled:
                    moment = next_due(Timing.of(found), now, zone).astimezone(zone)
                    upcoming = f"{moment.date().isoformat()} {format_time(moment.time())}"
                last = await session.scalar(
                    select(DigestRow.due_date)
                    .where(DigestRow.conversation_id == conversation.conversation_id)
                    .order_by(DigestRow.due_date.desc())
                    .limit(1)
                )
                state = t("digest.cli.state_on" if found.enabled else "digest.cli.state_off")
                print(
                    t(
                        "digest.cli.channel",
                        channel=conversation.conversation_id,
                        name=conversation.channel_name or conversation.team_name or "-",
                        state=state,
                        next=upcoming,
                        last=last.isoformat() if last else t("digest.cli.never"),
                    )
                )
    finally:
        await database.dispose()
    return 0


async def _channel(session: AsyncSession, reference: str) -> str | None:
    """The conversation id of a channel named by its id or its name."""
    found = await session.scalar(
        select(Conversation.conversation_id).where(
            Conversation.kind == "channel",
            (Conversation.conversation_id == reference) | (Conversation.channel_name == reference),
        )
    )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dialogs.digest",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--locale", default=None, help="ja or en (default: the channel's)")
    commands = parser.add_subparsers(dest="command", required=True)
    shown = commands.add_parser("preview", help="print a channel's digest as Markdown")
    shown.add_argument("--channel", required=True, help="the channel's id (19:…) or name")
    shown.add_argument("--at", default=None, help="as at this moment (ISO 8601 with offset)")
    commands.add_parser("channels", help="the channels and their digest settings")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    if args.command == "channels":
        return asyncio.run(channels(settings, default_catalog().translator(locale_of(args.locale))))
    at = None
    if args.at:
        try:
            at = dt.datetime.fromisoformat(args.at)
        except ValueError:
            print(f"--at: not an ISO 8601 time: {args.at}", file=sys.stderr)
            return 2
        if at.tzinfo is None:
            print("--at: give the offset, e.g. 2026-12-07T09:00+09:00", file=sys.stderr)
            return 2
    return asyncio.run(preview(settings, args.channel, at=at, locale=args.locale))


if __name__ == "__main__":
    sys.exit(main())
