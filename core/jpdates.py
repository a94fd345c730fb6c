"""Reading the dates and times coordinators type: `12/10(木) 13:00〜17:00`, `令和8年12月10日`.

Liberal in what we accept (full-width characters, spaces, any dash, Japanese or English
weekdays, our own formatted output), strict in what we return: a real date, a start time and an
end time that comes after it, or a `DateParseError` whose code picks the catalog message.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Literal

from core.i18n import Translator
from core.jpcalendar import at, end_of_day, format_date_long, format_time

ErrorCode = Literal[
    "unrecognised",
    "impossible",
    "weekday_mismatch",
    "bad_time",
    "time_unrecognised",  # a date followed by something time-like we cannot read: `午後`, `PM`
    "just_passed",
    "no_leap_day",
]

REIWA_START = date(2019, 5, 1)
_MAX_LENGTH = 100
# A yearless date that passed at most this long ago is refused rather than read as next year's:
# typed that soon after, it is a slip far more often than a plan a year ahead.
JUST_PASSED = timedelta(days=14)

# Every way people write "from … to" between two times, after NFKC.
_DASHES = re.compile(r"\s*(?:[-‐‑‒–—―−〜~ー]|から)\s*")
_SPACES = re.compile(r"\s+")

_JA_WEEKDAYS = "月火水木金土日"
_EN_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_EN_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_HOLIDAY_MARKS = {"祝", "祝日", "休", "holiday", "hol"}
_RELATIVE_DAYS = {
    "今日": 0, "本日": 0, "きょう": 0, "today": 0,
    "明日": 1, "あした": 1, "あす": 1, "tomorrow": 1,
    "明後日": 2, "あさって": 2,
}  # fmt: skip

_EN_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?"
_EN_MONTH = r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DAY_SUFFIX = r"(?:st|nd|rd|th)?"
# Each pattern reads a date from the start of the text; the rest is weekday and time.
_DATE_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"令和\s*(?P<era>\d{1,2}|元)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?",
        r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?",
        r"(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?",
        r"(?P<y>\d{4})\s*(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})",
        r"(?P<m>\d{1,2})\s*/\s*(?P<d>\d{1,2})",
        rf"(?P<d>\d{{1,2}}){_DAY_SUFFIX}\s+{_EN_MONTH},?(?:\s+(?P<y>\d{{4}}))?",
        rf"{_EN_MONTH}\s+(?P<d>\d{{1,2}}){_DAY_SUFFIX}(?:,?\s+(?P<y>\d{{4}}))?",
        r"(?P<rel>" + "|".join(_RELATIVE_DAYS) + ")",
    )
)
_LEADING_WEEKDAY = re.compile(rf"(?P<wd>{_EN_WEEKDAY}|[{_JA_WEEKDAYS}]曜日?)\s*,?\s*", re.I)
_PARENS = re.compile(r"\(\s*(?P<inside>[^()]*?)\s*\)\s*")


def _clock_pattern(p: str) -> str:
    """`13:00`, `13時`, `13時30分`, `13時半`, `1pm`, `1:30 p.m.` or `午後1時`; groups are
    prefixed with `p` (s=start, e=end)."""
    minutes = rf"(?::\s*(?P<{p}m>\d{{2}})|時\s*(?:(?P<{p}m2>\d{{1,2}})\s*分|(?P<{p}half>半))?)"
    meridiem = rf"(?P<{p}ap>[ap])\.?\s*m\.?"
    has_clock_word = r"(?=\d{1,2}\s*(?:[:時]|[ap]\.?\s*m))"  # a bare `13` is not a time
    return (
        rf"(?P<{p}jp>午前|午後)?\s*{has_clock_word}(?P<{p}h>\d{{1,2}})\s*"
        rf"(?:{minutes})?(?:\s*{meridiem})?"
    )


# An end without a clock word of its own takes the start's (`午後1時-5時`) and vice versa
# (`1-5pm`), so the end may be a bare hour. A dash with no end (`13:00～`, `13時から`) is a
# start alone.
_TIMES = re.compile(
    rf"(?:{_clock_pattern('s')}|(?P<sbare>\d{{1,2}}))"
    rf"(?:-(?:{_clock_pattern('e')}|(?P<ebare>\d{{1,2}}))?)?",
    re.IGNORECASE,
)
_TIME_LIKE = re.compile(r"\d|午前|午後|正午|[ap]\.?m\b|noon", re.IGNORECASE)
_WEEKDAY_TOKEN = re.compile(
    rf"(?P<ja>[{_JA_WEEKDAYS}])(?:曜日?)?|(?P<en>{_EN_WEEKDAY})", re.IGNORECASE
)


@dataclass(frozen=True)
class ParsedDate:
    """A date someone typed, with the time range if they gave one (end only with a start)."""

    date: date
    start: time | None
    end: time | None
    original: str

    def starts_at(self, zone: tzinfo) -> datetime | None:
        return None if self.start is None else at(self.date, self.start, zone)

    def ends_at(self, zone: tzinfo) -> datetime | None:
        return None if self.end is None else at(self.date, self.end, zone)


class DateParseError(ValueError):
    """Why a text is not a usable date; `explain` turns it into the catalog's sentence.

    `details` holds values for the message (e.g. `actual`: the real date of a weekday
    mismatch); dates and times there are formatted in the reader's language.
    """

    def __init__(self, code: ErrorCode, original: str, **details: object) -> None:
        super().__init__(f"{code}: {original!r}")
        self.code: ErrorCode = code
        self.original = original
        self.details = details


def explain(error: DateParseError, translator: Translator) -> str:
    """The error as a sentence in the translator's language (`dates.errors.<code>`)."""
    params: dict[str, object] = {}
    for name, value in error.details.items():
        if isinstance(value, date):
            params[name] = format_date_long(value, translator.locale, catalog=translator.catalog)
        elif isinstance(value, time):
            params[name] = format_time(value)
        else:
            params[name] = value
    return translator(f"dates.errors.{error.code}", original=error.original, **params)


def parse_date_expression(text: str, today: date) -> ParsedDate:
    """Read a date (and optional start time or time range) from what someone typed.

    A date without a year is the next such date on or after `today`. Raises DateParseError.
    """
    original = text.strip()
    rest = _normalise(original)
    if not rest or len(rest) > _MAX_LENGTH:
        raise DateParseError("unrecognised", original)

    weekdays: list[int] = []
    leading = _LEADING_WEEKDAY.match(rest)
    if leading and not any(p.match(rest) for p in _DATE_PATTERNS):
        weekdays.append(_weekday_index(leading["wd"], original))
        rest = rest[leading.end() :]

    for pattern in _DATE_PATTERNS:
        found = pattern.match(rest)
        if found:
            break
    else:
        raise DateParseError("unrecognised", original)
    day = _resolve_date(found, today, original)
    rest = rest[found.end() :].lstrip(" ,")

    parens = _PARENS.match(rest)
    if parens:
        weekdays.extend(_weekdays_inside(parens["inside"], original))
        rest = rest[parens.end() :]

    start = end = None
    if rest:
        times = _TIMES.fullmatch(rest)
        if times is None:
            code: ErrorCode = "time_unrecognised" if _TIME_LIKE.search(rest) else "unrecognised"
            raise DateParseError(code, original)
        start, end = _time_range(times, original)
        if end is not None and end <= start:
            raise DateParseError("bad_time", original)

    if any(weekday != day.weekday() for weekday in weekdays):
        raise DateParseError("weekday_mismatch", original, actual=day)
    return ParsedDate(date=day, start=start, end=end, original=original)


def parse_deadline(text: str, today: date, zone: tzinfo) -> datetime:
    """A deadline as an aware moment: a bare date means 23:59 that day in `zone`.

    With a time, that time; with a range, the end of the range.
    """
    parsed = parse_date_expression(text, today)
    clock_time = parsed.end or parsed.start
    if clock_time is None:
        return end_of_day(parsed.date, zone)
    return at(parsed.date, clock_time, zone)


def _normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    folded = _SPACES.sub(" ", folded).strip()
    return _DASHES.sub("-", folded)


def _resolve_date(found: re.Match[str], today: date, original: str) -> date:
    groups = found.groupdict()
    if groups.get("rel"):
        return today + timedelta(days=_RELATIVE_DAYS[groups["rel"].lower()])
    month = _EN_MONTHS.index(groups["mon"].lower()) + 1 if groups.get("mon") else int(groups["m"])
    day = int(groups["d"])
    if groups.get("era"):
        era_year = 1 if groups["era"] == "元" else int(groups["era"])
        found_date = _real_date(2018 + era_year, month, day, original)
        if era_year < 1 or found_date < REIWA_START:
            raise DateParseError("impossible", original)
        return found_date
    if groups.get("y"):
        return _real_date(int(groups["y"]), month, day, original)
    _real_date(2000, month, day, original)  # a leap year: rejects 2/30 and 13/1, keeps 2/29
    year = today.year if (month, day) >= (today.month, today.day) else today.year + 1
    try:
        candidate = date(year, month, day)
    except ValueError:
        # 2/29 in a year without one: the next leap day may be years away, so ask for the year.
        leap = next(y for y in range(year + 1, year + 9) if calendar.isleap(y))
        raise DateParseError("no_leap_day", original, year=year, example=f"{leap}/2/29") from None
    if candidate > today and _days_since(today, month, day) <= JUST_PASSED.days:
        raise DateParseError("just_passed", original, example=f"{year}/{month}/{day}")
    return candidate


def _days_since(today: date, month: int, day: int) -> int:
    """How long ago month/day last was before `today` (12/28 seen from 1/8: 11 days)."""
    year = today.year if (month, day) < (today.month, today.day) else today.year - 1
    try:
        return (today - date(year, month, day)).days
    except ValueError:
        return 366  # 2/29 of a year without one


def _real_date(year: int, month: int, day: int, original: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateParseError("impossible", original) from None


def _time_range(found: re.Match[str], original: str) -> tuple[time, time | None]:
    """The start and optional end; a side without 午前/午後/am/pm takes the other side's."""
    start_half, end_half = _half_of_day(found, "s"), _half_of_day(found, "e")
    if found["sbare"] is not None:
        if found["eh"] is None:
            raise DateParseError("time_unrecognised", original)  # `13`, `13-17`: no clock word
        end = _clock(found, "e", end_half, original)
        start = _bare_hour(int(found["sbare"]), end_half, original)
        if end_half == "pm" and start >= end:
            start = _bare_hour(int(found["sbare"]), "am", original)  # `11-1pm`
        return start, end
    start = _clock(found, "s", start_half, original)
    if found["ebare"] is not None:
        return start, _bare_hour(int(found["ebare"]), start_half, original)
    if found["eh"] is None:
        return start, None
    return start, _clock(found, "e", end_half or start_half, original)


def _half_of_day(found: re.Match[str], prefix: str) -> Literal["am", "pm"] | None:
    if found[f"{prefix}ap"]:
        return "am" if found[f"{prefix}ap"].lower() == "a" else "pm"
    if found[f"{prefix}jp"]:
        return "am" if found[f"{prefix}jp"] == "午前" else "pm"
    return None


def _clock(
    found: re.Match[str], prefix: str, half: Literal["am", "pm"] | None, original: str
) -> time:
    minutes = found[f"{prefix}m"] or found[f"{prefix}m2"]
    minute = 30 if found[f"{prefix}half"] else int(minutes or 0)
    if minute > 59:
        raise DateParseError("bad_time", original)
    hour = _bare_hour(int(found[f"{prefix}h"]), half, original).hour
    return time(hour, minute)


def _bare_hour(hour: int, half: Literal["am", "pm"] | None, original: str) -> time:
    """`hour` o'clock, on a 12-hour clock when `half` is given (12am is 0:00, 12pm noon)."""
    if half is None:
        if hour > 23:
            raise DateParseError("bad_time", original)
        return time(hour)
    if not 1 <= hour <= 12:
        raise DateParseError("bad_time", original)
    return time(hour % 12 + (12 if half == "pm" else 0))


def _weekdays_inside(inside: str, original: str) -> list[int]:
    """Weekdays written in parentheses, e.g. `木`, `月・祝`, `Thu`, `holiday` (marks ignored)."""
    found: list[int] = []
    for token in re.split(r"[・,、/\s]+", inside):
        if not token or token.lower() in _HOLIDAY_MARKS:
            continue
        found.append(_weekday_index(token, original))
    return found


def _weekday_index(token: str, original: str) -> int:
    found = _WEEKDAY_TOKEN.fullmatch(token)
    if found is None:
        raise DateParseError("unrecognised", original)
    if found["ja"]:
        return _JA_WEEKDAYS.index(found["ja"])
    return _EN_WEEKDAYS.index(found["en"][:3].lower())
