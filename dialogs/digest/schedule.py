"""When a channel's digest is due, as plain functions of the settings and the clock.

- Each week has one due moment: the configured weekday at the configured time, moved forward to
  the next business day when that day is not one (national holidays, 年末年始). Two weeks whose
  due moments land on the same day have one digest (it covers both).
- A digest goes out only within the posting window: a business day, 08:00–19:00. On time it
  always is (the times offered are within it); a bot that was down posts when it is back and
  the window is open, covering the missed period, unless a newer digest is due later that same
  day (then that one covers everything).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.jpcalendar import at, is_business_day, local_date, next_business_day
from dialogs.digest.settings import DigestSettings

WINDOW_OPENS = dt.time(8, 0)
WINDOW_CLOSES = dt.time(19, 0)
# Weeks looked at around a moment: a due moment moves forward by at most a long holiday run.
_WEEKS_AROUND = 4


@dataclass(frozen=True)
class Timing:
    weekday: int  # 0 = Monday
    time: dt.time

    @classmethod
    def of(cls, settings: DigestSettings) -> Timing:
        return cls(settings.weekday, settings.post_time)


def due_day(monday: dt.date, timing: Timing) -> dt.date:
    """The day the digest of the week starting `monday` is due (a business day)."""
    return next_business_day(monday + dt.timedelta(days=timing.weekday), include_today=True)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _moments(timing: Timing, around: dt.date, zone: dt.tzinfo) -> list[dt.datetime]:
    monday = _monday(around)
    days = {
        due_day(monday + dt.timedelta(weeks=offset), timing)
        for offset in range(-_WEEKS_AROUND, _WEEKS_AROUND + 1)
    }
    return sorted(at(day, timing.time, zone) for day in days)


def latest_due(timing: Timing, now: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """The most recent due moment at or before `now`."""
    return max(m for m in _moments(timing, local_date(now, zone), zone) if m <= now)


def next_due(timing: Timing, after: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """The first due moment strictly after `after`."""
    return min(m for m in _moments(timing, local_date(after, zone), zone) if m > after)


def in_window(now: dt.datetime, zone: dt.tzinfo) -> bool:
    """Whether a digest may go out now: a business day, 08:00–19:00 local time."""
    local = now.astimezone(zone)
    return is_business_day(local.date()) and WINDOW_OPENS <= local.time() < WINDOW_CLOSES


def next_window(now: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """When the posting window opens next (now, if it is open)."""
    if in_window(now, zone):
        return now
    local = now.astimezone(zone)
    if is_business_day(local.date()) and local.time() < WINDOW_OPENS:
        return at(local.date(), WINDOW_OPENS, zone)
    return at(next_business_day(local.date()), WINDOW_OPENS, zone)


@dataclass(frozen=True)
class Decision:
    """What the digest task does now: post the digest due at `due` (None: post nothing), then
    come back at `come_back`."""

    due: dt.datetime | None
    come_back: dt.datetime


def decide(
    timing: Timing,
    now: dt.datetime,
    zone: dt.tzinfo,
    *,
    enabled_at: dt.datetime | None,
    claimed: bool,
) -> Decision:
    """The rules of the module docstring. `claimed`: a digest of the latest due day exists."""
    due = latest_due(timing, now, zone)
    upcoming = next_due(timing, now, zone)
    if claimed or (enabled_at is not None and due < enabled_at):
        return Decision(None, upcoming)
    today = local_date(now, zone)
    if local_date(due, zone) != today and local_date(upcoming, zone) == today:
        return Decision(None, upcoming)  # late, but today's digest will cover it
    if not in_window(now, zone):
        opens = next_window(now, zone)
        if local_date(upcoming, zone) == local_date(opens, zone) or upcoming < opens:
            return Decision(None, upcoming)
        return Decision(None, opens)
    return Decision(due, upcoming)
