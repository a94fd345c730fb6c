"""Per-conversation send pacing, kept in memory by each instance."""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

# Teams' limits per bot per conversation thread (TEAMS.md). We apply them per conversation,
# threads included, which is stricter and so safe.
TEAMS_WINDOWS: tuple[tuple[timedelta, int], ...] = (
    (timedelta(seconds=1), 7),
    (timedelta(seconds=2), 8),
    (timedelta(seconds=30), 60),
    (timedelta(hours=1), 1800),
)


class RateLimiter:
    """Sliding windows of recent sends per key; `delay` says how long until one more fits."""

    def __init__(self, windows: tuple[tuple[timedelta, int], ...] = TEAMS_WINDOWS) -> None:
        self._windows = windows
        self._horizon = max(span for span, _ in windows)
        self._sent: dict[str, deque[datetime]] = {}
        self._paused: dict[str, datetime] = {}

    def delay(self, key: str, now: datetime) -> timedelta:
        wait = timedelta(0)
        paused = self._paused.get(key)
        if paused is not None:
            if paused > now:
                wait = paused - now
            else:
                del self._paused[key]
        sent = self._prune(key, now)
        for span, limit in self._windows:
            recent = [moment for moment in sent if moment > now - span]
            if len(recent) >= limit:
                # One more fits when the oldest send that keeps the window full leaves it.
                wait = max(wait, recent[len(recent) - limit] + span - now)
        return wait

    def record(self, key: str, now: datetime) -> None:
        self._sent.setdefault(key, deque()).append(now)

    def pause(self, key: str, until: datetime) -> None:
        """Teams said to slow down: nothing more for this key until `until`."""
        self._paused[key] = max(until, self._paused.get(key, until))

    def _prune(self, key: str, now: datetime) -> deque[datetime]:
        sent = self._sent.get(key)
        if sent is None:
            return deque()
        while sent and sent[0] <= now - self._horizon:
            sent.popleft()
        if not sent:
            del self._sent[key]
        return sent
