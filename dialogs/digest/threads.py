"""The thread sections of a digest (今週の新着スレッド, 未回答のまま, 解決済み, 話題のキーワード),
from the summaries of the channel's stored threads (dialogs/summaries).

Whether they can be trusted this week comes from the Graph sync's state of the channel: when
its last sync failed (Graph down, sign-in failing) the copy may miss the week's threads, so the
sections are left out and the digest says so in one line; when Graph refuses the channel's
history for good, the sections are built from what the bot received live, with a note.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from core.jpcalendar import business_days_between, local_date
from dialogs.digest.links import ChannelPlace, thread_link
from dialogs.digest.settings import DigestSettings, Section
from dialogs.summaries import ThreadStatus, ThreadSynopsis
from dialogs.summaries.service import ChannelThreads, channel_threads
from dialogs.threads.state import get_state

MOST_ACTIVE = 5
MAX_UNANSWERED = 5
MAX_SOLVED = 5
MAX_KEYWORDS = 8
# How far back an unanswered question is still worth listing.
UNANSWERED_LOOKBACK = dt.timedelta(days=90)


class Health(StrEnum):
    OK = "ok"
    LIVE_ONLY = "live_only"  # Graph refuses the channel's history: live copies only
    MISSING = "missing"  # the last sync failed: no thread sections this week


@dataclass(frozen=True)
class ThreadItem:
    question: str
    status: ThreadStatus
    url: str | None
    reply_count: int
    asker_name: str
    asker_municipality: str | None
    created_at: dt.datetime
    waiting_days: int = 0  # business days since it was asked (未回答のまま)
    similar: ThreadItem | None = None  # the most similar solved thread (未回答のまま)


@dataclass(frozen=True)
class ThreadsContent:
    health: Health
    new_count: int = 0
    most_active: tuple[ThreadItem, ...] = ()
    unanswered: tuple[ThreadItem, ...] = ()
    solved_count: int = 0
    solved: tuple[ThreadItem, ...] = ()
    keywords: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing to show (a missing section is something to say)."""
        return self.health is not Health.MISSING and not (
            self.new_count or self.most_active or self.unanswered or self.solved
            or self.keywords
        )  # fmt: skip


async def thread_health(session: AsyncSession, channel_id: str) -> Health:
    state = await get_state(session, channel_id)
    if state is None:
        return Health.OK  # never synced (Graph not set up): the live copy is all there is
    if not state.history_available:
        return Health.LIVE_ONLY
    if state.last_error is not None:
        return Health.MISSING
    return Health.OK


async def gather_threads(
    session: AsyncSession,
    place: ChannelPlace,
    settings: DigestSettings,
    *,
    since: dt.datetime,
    until: dt.datetime,
    zone: dt.tzinfo,
) -> ThreadsContent:
    health = await thread_health(session, place.channel_id)
    if health is Health.MISSING:
        return ThreadsContent(health)
    # The channel's threads read once; every section below is answered from them.
    channel = await channel_threads(session, place.channel_id)
    week = channel.summarise(since=since, until=until)
    new = [s for s in week if since <= s.created_at < until]
    solved = [
        s for s in week if s.status is ThreadStatus.SOLVED and since <= s.last_activity_at < until
    ]
    unanswered: list[ThreadItem] = []
    if settings.shows(Section.UNANSWERED):
        unanswered = _unanswered(channel, place, week, settings, since, until, zone)
    keywords: list[tuple[str, int]] = []
    if settings.shows(Section.KEYWORDS):
        keywords = channel.trending_keywords(since=since, until=until, limit=MAX_KEYWORDS)
    return ThreadsContent(
        health=health,
        new_count=len(new) if settings.shows(Section.NEW_THREADS) else 0,
        most_active=tuple(_item(place, s) for s in week[:MOST_ACTIVE])
        if settings.shows(Section.NEW_THREADS)
        else (),
        unanswered=tuple(unanswered),
        solved_count=len(solved) if settings.shows(Section.SOLVED) else 0,
        solved=tuple(_item(place, s) for s in solved[:MAX_SOLVED])
        if settings.shows(Section.SOLVED)
        else (),
        keywords=tuple(keyword for keyword, _ in keywords),
    )


def _unanswered(
    channel: ChannelThreads,
    place: ChannelPlace,
    week: list[ThreadSynopsis],
    settings: DigestSettings,
    since: dt.datetime,
    until: dt.datetime,
    zone: dt.tzinfo,
) -> list[ThreadItem]:
    """Questions nobody but the asker answered for `unanswered_days` business days or more,
    oldest first, each with the most similar solved thread when there is one."""
    earlier = channel.summarise(since=until - UNANSWERED_LOOKBACK, until=since)
    today = local_date(until, zone)
    waiting: dict[str, tuple[ThreadSynopsis, int]] = {}
    for synopsis in [*week, *earlier]:
        if synopsis.status is not ThreadStatus.UNANSWERED or synopsis.created_at >= until:
            continue
        days = business_days_between(local_date(synopsis.created_at, zone), today)
        if days >= settings.unanswered_days:
            waiting.setdefault(synopsis.root_id, (synopsis, days))
    oldest = sorted(waiting.values(), key=lambda found: (found[0].created_at, found[0].root_id))
    listed = oldest[:MAX_UNANSWERED]
    similar_to = channel.similar_solved([synopsis.root_id for synopsis, _ in listed])
    items = []
    for synopsis, days in listed:
        similar = similar_to[synopsis.root_id]
        items.append(
            _item(
                place,
                synopsis,
                waiting_days=days,
                similar=_item(place, similar) if similar is not None else None,
            )
        )
    return items


def _item(
    place: ChannelPlace,
    synopsis: ThreadSynopsis,
    *,
    waiting_days: int = 0,
    similar: ThreadItem | None = None,
) -> ThreadItem:
    return ThreadItem(
        question=synopsis.question,
        status=synopsis.status,
        url=synopsis.web_url or thread_link(place, synopsis.root_id),
        reply_count=synopsis.reply_count,
        asker_name=synopsis.asker_name,
        asker_municipality=synopsis.asker_municipality,
        created_at=synopsis.created_at,
        waiting_days=waiting_days,
        similar=similar,
    )
