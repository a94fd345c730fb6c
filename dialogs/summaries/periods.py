"""The period after 要約: nothing (the last 7 days), 今日 / 昨日, 今週 / 先週 (weeks start on
Monday), 今月 / 先月, N日 (the last N days), or a month (2026-11, 2026年11月, 11月: the latest
November that has begun)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

DEFAULT_DAYS = 7
MAX_DAYS = 366

_DAYS = re.compile(r"^(?:直近|過去|last)?\s*(\d{1,3})\s*(?:日間?|days?|d)$", re.I)
_MONTH = re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?$")
_MONTH_ONLY = re.compile(r"^(\d{1,2})\s*月$")
_NAMED_DAYS = {"今日": 0, "本日": 0, "today": 0, "昨日": 1, "yesterday": 1}
_NAMED_WEEKS = {
    "今週": "this_week",
    "this week": "this_week",
    "先週": "last_week",
    "last week": "last_week",
}


@dataclass(frozen=True)
class Period:
    """[since, until) in UTC-aware datetimes, and how to say it (`kind` + values)."""

    since: datetime
    until: datetime
    kind: str  # days | month | this_month | this_week | last_week | today | yesterday
    days: int = 0
    year: int = 0
    month: int = 0


class PeriodError(ValueError):
    """The words after 要約 are not a period (`reason`: unknown | too_long)."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.text = text


def parse_period(text: str, now: datetime, zone: tzinfo) -> Period:
    words = unicodedata.normalize("NFKC", text).strip().casefold()
    today = now.astimezone(zone).date()
    if not words:
        return _last_days(DEFAULT_DAYS, now)
    if words in _NAMED_DAYS:
        back = _NAMED_DAYS[words]
        start = today - timedelta(days=back)
        until = now if back == 0 else _midnight(today, zone)
        return Period(_midnight(start, zone), until, "today" if back == 0 else "yesterday")
    if words in _NAMED_WEEKS:
        monday = today - timedelta(days=today.weekday())
        if _NAMED_WEEKS[words] == "this_week":
            return Period(_midnight(monday, zone), now, "this_week")
        return Period(
            _midnight(monday - timedelta(days=7), zone), _midnight(monday, zone), "last_week"
        )
    if words in ("今月", "this month"):
        start = today.replace(day=1)
        return Period(_midnight(start, zone), now, "this_month", year=start.year, month=start.month)
    if words in ("先月", "last month"):
        previous = today.replace(day=1) - timedelta(days=1)
        return _month(previous.year, previous.month, zone, now)
    if found := _DAYS.match(words):
        days = int(found.group(1))
        if not 1 <= days <= MAX_DAYS:
            raise PeriodError("too_long" if days else "unknown", text)
        return _last_days(days, now)
    if found := _MONTH.match(words):
        return _month(int(found.group(1)), int(found.group(2)), zone, now, text)
    if found := _MONTH_ONLY.match(words):
        month = int(found.group(1))
        year = today.year if month <= today.month else today.year - 1
        return _month(year, month, zone, now, text)
    raise PeriodError("unknown", text)


def _last_days(days: int, now: datetime) -> Period:
    return Period(now - timedelta(days=days), now, "days", days=days)


def _month(year: int, month: int, zone: tzinfo, now: datetime, text: str = "") -> Period:
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise PeriodError("unknown", text)
    start = date(year, month, 1)
    end = date(year + month // 12, month % 12 + 1, 1)
    since = _midnight(start, zone)
    until = min(_midnight(end, zone), max(now, since))  # a month under way ends now
    return Period(since, until, "month", year=year, month=month)


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=zone)


__all__ = ["DEFAULT_DAYS", "MAX_DAYS", "Period", "PeriodError", "parse_period"]
