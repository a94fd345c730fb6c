"""Posting a digest once: claim (channel, due day), build the card, enqueue its post in the
outbox, all in the caller's transaction; a crash before the commit leaves nothing, a crash after
it leaves a queued post the outbox sends after the restart. A check task then follows the post
until its outcome is known (dialogs/digest/handlers.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from cards.digest import digest_card, quiet_week_card
from core.clock import Clock
from core.i18n import Catalog
from dialogs.digest import store
from dialogs.digest.content import DigestContent, gather
from dialogs.digest.settings import DigestSettings
from dialogs.digest.views import digest_view, quiet_text
from dialogs.platform.messenger import Messenger
from dialogs.platform.tasks import schedule
from dialogs.replies import Message

DIGEST_TASK = "digest.post"  # key: the channel; recurs at each due moment
CHECK_TASK = "digest.check"  # key: the digest id; follows its post until the outcome is known
CHECK_AFTER = dt.timedelta(seconds=30)
WEEK = dt.timedelta(days=7)


def dedupe_key(digest_id: int, send: int) -> str:
    """The outbox key of a digest's `send`-th post (a second one only after a marker search
    found nothing)."""
    return f"digest:{digest_id}:{send}"


async def compose(
    session: AsyncSession,
    settings: DigestSettings,
    catalog: Catalog,
    zone: dt.tzinfo,
    *,
    period_start: dt.datetime,
    period_end: dt.datetime,
    marker: str | None = None,
    preview: bool = False,
    problems: tuple[store.Digest, ...] = (),
) -> tuple[Message, DigestContent]:
    """The digest's message in the channel's language: its card, or one short line when there
    is nothing to say."""
    content = await gather(
        session,
        settings,
        period_start=period_start,
        period_end=period_end,
        zone=zone,
        problems=problems,
    )
    t = catalog.translator(settings.locale)
    if content.empty:
        return Message(card=quiet_week_card(quiet_text(content, zone, t), marker)), content
    view = digest_view(content, t, zone, marker=marker, preview=preview)
    return Message(card=digest_card(view)), content


async def post_digest(
    session: AsyncSession,
    settings: DigestSettings,
    due_date: dt.date,
    *,
    catalog: Catalog,
    clock: Clock,
    zone: dt.tzinfo,
    default_start: dt.datetime,
    manual: bool = False,
) -> store.Digest | None:
    """Claim and enqueue the channel's digest of `due_date`, covering from where the last one
    ended (or `default_start`) until now; None when that day's digest was already claimed."""
    now = clock.now()
    channel = settings.conversation_id
    start = await store.covered_until(session, channel) or default_start
    claimed = await store.claim(
        session, channel, due_date, period_start=start, period_end=now, manual=manual, now=now
    )
    if claimed is None:
        return None
    problems = tuple(await store.unreported_problems(session, channel, before=claimed.id))
    message, _ = await compose(
        session,
        settings,
        catalog,
        zone,
        period_start=start,
        period_end=now,
        marker=claimed.marker,
        problems=problems,
    )
    outbox_id = await Messenger(session, clock).post_to_channel(
        channel, message, dedupe_key=dedupe_key(claimed.id, 1)
    )
    await store.set_queued(session, claimed.id, outbox_id, 1, now)
    await store.mark_reported(session, [problem.id for problem in problems], claimed.id)
    await follow(session, claimed.id, now + CHECK_AFTER)
    return claimed


async def follow(session: AsyncSession, digest_id: int, at: dt.datetime) -> None:
    """Look at the digest's post again at `at`."""
    await schedule(session, CHECK_TASK, str(digest_id), at, {"digest_id": digest_id})
