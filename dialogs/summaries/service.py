"""Threads read and summarised on demand, with each thread's analysis cached in the process
until one of its messages (or its 解決済み flag) changes."""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.summaries.analysis import ThreadAnalysis, analyse_thread
from dialogs.summaries.model import ThreadStatus, ThreadSynopsis
from dialogs.summaries.store import (
    LoadedThread,
    active_roots,
    bot_names,
    channel_state,
    load_threads,
)
from dialogs.summaries.text import analyser

_CACHE_SIZE = 20_000
_CHANNELS = 50
_channels: dict[str, tuple[object, tuple[AnalysedThread, ...]]] = {}
_cache: OrderedDict[tuple[str, str], tuple[tuple[object, ...], ThreadAnalysis | None]] = (
    OrderedDict()
)


@dataclass(frozen=True)
class AnalysedThread:
    thread: LoadedThread
    analysis: ThreadAnalysis

    @property
    def synopsis(self) -> ThreadSynopsis:
        return self.analysis.synopsis


def _fingerprint(thread: LoadedThread) -> tuple[object, ...]:
    resolution = thread.resolution
    return (
        tuple(
            (m.message_id, m.modified_at, m.deleted_at, len(m.reactions), m.author_municipality,
             m.web_url)
            for m in thread.messages
        ),
        (resolution.resolved, resolution.at) if resolution else None,
        thread.team_aad_group_id,
    )  # fmt: skip


def analyse(thread: LoadedThread) -> ThreadAnalysis | None:
    """The thread's analysis, from the cache when nothing in it changed."""
    key = (thread.channel_id, thread.root_id)
    fingerprint = _fingerprint(thread)
    cached = _cache.get(key)
    if cached is not None and cached[0] == fingerprint:
        _cache.move_to_end(key)
        return cached[1]
    result = analyse_thread(thread, analyser())
    _cache[key] = (fingerprint, result)
    if len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return result


def clear_cache() -> None:
    _cache.clear()
    _channels.clear()


async def analysed_threads(
    session: AsyncSession, channel_id: str, root_ids: Sequence[str] | None = None
) -> list[AnalysedThread]:
    """The channel's threads (or those given) that have a question to show: not those whose
    question was deleted, nor commands to the bot (「@IYO WORK 要約」), whatever the replies.
    Commands inside a thread are left out of it: they are not answers, nor activity.

    The whole channel's list is kept until anything in it changes (a message, a 解決済み flag,
    someone's municipality, the bot's name): one aggregate query tells, so a search does not
    read every message again."""
    bots = await bot_names(session)
    state = (await channel_state(session, channel_id), tuple(bots))
    cached = _channels.get(channel_id)
    if cached is not None and cached[0] == state:
        if root_ids is None:
            return list(cached[1])
        wanted = set(root_ids)
        return [t for t in cached[1] if t.thread.root_id in wanted]
    found = await _read(session, channel_id, root_ids, bots)
    if root_ids is None:
        _channels[channel_id] = (state, tuple(found))
        if len(_channels) > _CHANNELS:
            _channels.pop(next(iter(_channels)))
    return found


async def _read(
    session: AsyncSession, channel_id: str, root_ids: Sequence[str] | None, bots: Sequence[str]
) -> list[AnalysedThread]:
    found = []
    mentions = tuple(f"@{name}" for name in bots)
    for loaded in await load_threads(session, channel_id, root_ids):
        thread = _without_commands(loaded, mentions)
        if thread is None:
            continue
        analysis = analyse(thread)
        if analysis is not None:
            found.append(AnalysedThread(thread, analysis))
    return found


def _without_commands(thread: LoadedThread, mentions: tuple[str, ...]) -> LoadedThread | None:
    """The thread without the messages addressed to the bot (「@IYO WORK 要約」: they ask the bot,
    they answer nobody); None when its root is one."""
    commands = {id(m) for m in thread.messages if m.text.lstrip().startswith(mentions)}
    if not commands:
        return thread
    if thread.root is not None and id(thread.root) in commands:
        return None
    return replace(thread, messages=tuple(m for m in thread.messages if id(m) not in commands))


def _activity(thread: LoadedThread, since: datetime, until: datetime) -> tuple[int, datetime]:
    """How many of the thread's messages were written, edited or deleted in [since, until) (a
    press of 解決済み counts as one), and the latest of these times: what happens after `until`
    changes neither."""
    count = 0
    latest = since
    for m in thread.messages:
        in_period = False
        if since <= m.created_at < until:
            in_period = True
            latest = max(latest, m.created_at)
        if since <= m.modified_at < until:
            in_period = True
            latest = max(latest, m.modified_at)
        count += in_period
    resolution = thread.resolution
    if resolution is not None and since <= resolution.at < until:
        count += 1
        latest = max(latest, resolution.at)
    return count, latest


async def summarise_channel(
    session: AsyncSession, channel_id: str, *, since: datetime, until: datetime
) -> list[ThreadSynopsis]:
    """The threads created or active in [since, until), most active first (messages written,
    edited or deleted in the period, and a press of 解決済み; then the latest of these before
    `until`)."""
    return await summarise_channels(session, [channel_id], since=since, until=until)


async def summarise_channels(
    session: AsyncSession, channel_ids: Sequence[str], *, since: datetime, until: datetime
) -> list[ThreadSynopsis]:
    """`summarise_channel` over several channels (a personal chat's), in one order."""
    threads: list[AnalysedThread] = []
    for channel_id in channel_ids:
        roots = await active_roots(session, channel_id, since, until)
        threads += await analysed_threads(session, channel_id, roots)
    return _most_active(threads, since, until)


def _most_active(
    threads: Sequence[AnalysedThread], since: datetime, until: datetime
) -> list[ThreadSynopsis]:
    """The synopses of the threads active in [since, until), most active first."""
    # Stored times are UTC: compared with UTC bounds, no offset is worked out per comparison.
    since, until = since.astimezone(UTC), until.astimezone(UTC)
    # Ordered by what happened within the period only: a reply after `until` moves nothing, so
    # the pages of one period (もっと見る) neither repeat nor skip a thread.
    active = [(_activity(t.thread, since, until), t) for t in threads]
    active = [found for found in active if found[0][0]]
    active.sort(
        key=lambda found: (
            -found[0][0],
            -found[0][1].timestamp(),
            found[1].synopsis.root_id,
            found[1].synopsis.channel_id,
        )
    )
    return [t.synopsis for _, t in active]


async def trending_keywords(
    session: AsyncSession,
    channel_id: str,
    *,
    since: datetime,
    until: datetime,
    limit: int = 10,
) -> list[tuple[str, int]]:
    """Keywords shared by at least two threads of the period, with how many threads have
    them, most shared first."""
    synopses = await summarise_channel(session, channel_id, since=since, until=until)
    return _shared_keywords(synopses, limit)


def _shared_keywords(synopses: Sequence[ThreadSynopsis], limit: int) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    order: dict[str, int] = {}
    for synopsis in synopses:
        for keyword in dict.fromkeys(k.casefold() for k in synopsis.keywords):
            counts[keyword] += 1
            order.setdefault(keyword, len(order))
        for keyword in synopsis.keywords:
            shown.setdefault(keyword.casefold(), keyword)
    ranked = sorted((k for k in counts if counts[k] >= 2), key=lambda k: (-counts[k], order[k]))
    return [(shown[k], counts[k]) for k in ranked[:limit]]


async def similar_solved(
    session: AsyncSession, channel_id: str, root_id: str
) -> ThreadSynopsis | None:
    """For an open question, the most similar solved thread of the channel (None when nothing
    solved is alike enough)."""
    channel = await channel_threads(session, channel_id)
    return channel.similar_solved([root_id])[root_id]


@dataclass(frozen=True)
class ChannelThreads:
    """A channel's analysed threads (`analysed_threads`), read once and then asked in memory:
    what the weekly digest asks several times (the week, the weeks before, keywords, a solved
    thread like each open question) costs one read of the channel, not one per question."""

    threads: tuple[AnalysedThread, ...]

    def summarise(self, *, since: datetime, until: datetime) -> list[ThreadSynopsis]:
        """As `summarise_channel`."""
        return _most_active(self.threads, since, until)

    def trending_keywords(
        self, *, since: datetime, until: datetime, limit: int = 10
    ) -> list[tuple[str, int]]:
        """As `trending_keywords`."""
        return _shared_keywords(self.summarise(since=since, until=until), limit)

    def similar_solved(self, root_ids: Sequence[str]) -> dict[str, ThreadSynopsis | None]:
        """As `similar_solved`, for each of the open questions (None for one not found)."""
        from dialogs.summaries.search import most_similar_each

        by_root = {t.thread.root_id: t for t in self.threads}
        targets = [by_root[root_id] for root_id in dict.fromkeys(root_ids) if root_id in by_root]
        solved = [t.analysis for t in self.threads if t.synopsis.status is ThreadStatus.SOLVED]
        found: dict[str, ThreadSynopsis | None] = dict.fromkeys(root_ids)
        best = most_similar_each([t.analysis for t in targets], solved)
        for target, similar in zip(targets, best, strict=True):
            found[target.thread.root_id] = similar.synopsis if similar is not None else None
        return found


async def channel_threads(session: AsyncSession, channel_id: str) -> ChannelThreads:
    """The channel's threads that have a question to show (see `analysed_threads`)."""
    return ChannelThreads(tuple(await analysed_threads(session, channel_id)))


__all__ = [
    "AnalysedThread",
    "ChannelThreads",
    "analyse",
    "analysed_threads",
    "channel_threads",
    "clear_cache",
    "similar_solved",
    "summarise_channel",
    "trending_keywords",
]
