"""Threads read and summarised on demand, with each thread's analysis cached in the process
until one of its messages (or its 解決済み flag) changes."""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

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
    question was deleted, nor commands to the bot (「@IYO WORK 要約」) nobody else replied to.

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
    for thread in await load_threads(session, channel_id, root_ids):
        if _addressed_to_bot(thread, bots):
            continue
        analysis = analyse(thread)
        if analysis is not None:
            found.append(AnalysedThread(thread, analysis))
    return found


def _addressed_to_bot(thread: LoadedThread, bots: Sequence[str]) -> bool:
    root = thread.root
    if root is None or not any(root.text.startswith(f"@{name}") for name in bots):
        return False
    asker = root.author_aad_id
    return not any(
        m.author_aad_id and m.author_aad_id != asker and m.deleted_at is None
        for m in thread.messages[1:]
    )


def _activity(thread: LoadedThread, since: datetime, until: datetime) -> int:
    return sum(
        1
        for m in thread.messages
        if since <= m.created_at < until or since <= m.modified_at < until
    )


async def summarise_channel(
    session: AsyncSession, channel_id: str, *, since: datetime, until: datetime
) -> list[ThreadSynopsis]:
    """The threads created or active in [since, until), most active first (messages written,
    edited or deleted in the period; then the latest activity)."""
    roots = await active_roots(session, channel_id, since, until)
    threads = await analysed_threads(session, channel_id, roots)
    threads.sort(
        key=lambda t: (
            -_activity(t.thread, since, until),
            -t.synopsis.last_activity_at.timestamp(),
            t.synopsis.root_id,
        )
    )
    return [t.synopsis for t in threads]


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
    from dialogs.summaries.search import most_similar

    threads = await analysed_threads(session, channel_id)
    target = next((t for t in threads if t.thread.root_id == root_id), None)
    if target is None:
        return None
    solved = [
        t
        for t in threads
        if t.synopsis.status is ThreadStatus.SOLVED and t.thread.root_id != root_id
    ]
    best = most_similar(target.analysis, [t.analysis for t in solved])
    return best.synopsis if best is not None else None


__all__ = [
    "AnalysedThread",
    "analyse",
    "analysed_threads",
    "clear_cache",
    "similar_solved",
    "summarise_channel",
    "trending_keywords",
]
