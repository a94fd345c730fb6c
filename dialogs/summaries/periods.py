"""The period after 要約: nothing (the last 7 days), 今日 / 昨日, 今週 / 先週 (weeks start on
Monday), 今月 / 先月, N日 / N週間 / Nか月 (the last N days, weeks or months; N may be written
一〜九十九), or a month (2026-11, 2026年11月, 11月: the latest November that has begun). A
trailing 分 (先週分, 11月分) is the same period."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

DEFAULT_DAYS = 7
MAX_DAYS = 366

_PAST = r"(?:直近|過去|last|past)?\s*"
_COUNT = r"(\d+|[一二三四五六七八九十]{1,3})\s*"
_DAYS = re.compile(rf"^{_PAST}{_COUNT}(?:日間?|days?|d)$")
_WEEKS = re.compile(rf"^{_PAST}{_COUNT}(?:週間?|weeks?|w)$")
_MONTHS = re.compile(rf"^{_PAST}{_COUNT}(?:[かカヵヶケ箇]月間?|months?)$")
_MONTH = re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?$")
_MONTH_ONLY = re.compile(r"^(\d{1,2})\s*月$")
_KANJI_COUNT = re.compile(r"^([一二三四五六七八九])?(十)?([一二三四五六七八九])?$")
_KANJI_DIGITS = "一二三四五六七八九"
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
    words = re.sub(r"\s*の?分$", "", words)  # 先週分, 11月の分
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
        return _last_days(_count(found.group(1), text), now, text)
    if found := _WEEKS.match(words):
        return _last_days(7 * _count(found.group(1), text), now, text)
    if found := _MONTHS.match(words):
        months = min(_count(found.group(1), text), 10 * 12)
        return _last_days((today - _months_before(today, months)).days, now, text)
    if found := _MONTH.match(words):
        return _month(int(found.group(1)), int(found.group(2)), zone, now, text)
    if found := _MONTH_ONLY.match(words):
        month = int(found.group(1))
        year = today.year if month <= today.month else today.year - 1
        return _month(year, month, zone, now, text)
    raise PeriodError("unknown", text)


def _count(number: str, text: str) -> int:
    """How many days, weeks or months: digits, or kanji up to 九十九 (一週間, 二か月)."""
    if number.isdigit():
        # Longer than any period in days: too long, and no huge int to read.
        count = int(number) if len(number) <= 6 else MAX_DAYS + 1
    elif found := _KANJI_COUNT.match(number):
        first, ten, second = found.groups()
        tens, ones = (_KANJI_DIGITS.index(d) + 1 if d else 0 for d in (first, second))
        if ten:
            count = (tens or 1) * 10 + ones
        elif tens and not ones:
            count = tens  # one digit (二): the regex put it first
        else:
            raise PeriodError("unknown", text)  # 二三 is no number
    else:
        raise PeriodError("unknown", text)
    if count < 1:
        raise PeriodError("unknown", text)
    return count


def _months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (or that month's last day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _last_days(days: int, now: datetime, text: str = "") -> Period:
    if days > MAX_DAYS:
        raise PeriodError("too_long", text)
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
