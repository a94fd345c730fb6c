"""Reading the dates and times coordinators type: `12/10(木) 13:00〜17:00`, `令和8年12月10日`.

Liberal in what we accept (full-width characters, spaces, any dash, Japanese or English
weekdays, our own formatted output), strict in what we return: a real date, a start time and an
end time that comes after it, or a `DateParseError` whose code picks the catalog message.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Literal

from core.i18n import Translator
from core.jpcalendar import at, end_of_day, format_date_long, format_time

ErrorCode = Literal["unrecognised", "impossible", "weekday_mismatch", "bad_time"]

REIWA_START = date(2019, 5, 1)
_MAX_LENGTH = 100

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
    """`13:00`, `13時`, `13時30分` or `13時半`; groups are prefixed with `p` (s=start, e=end)."""
    minutes = rf"(?::\s*(?P<{p}m>\d{{2}})|時\s*(?:(?P<{p}m2>\d{{1,2}})\s*分|(?P<{p}half>半))?)"
    return rf"(?P<{p}h>\d{{1,2}})\s*{minutes}"


_TIMES = re.compile(rf"{_clock_pattern('s')}(?:-{_clock_pattern('e')})?")
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
            raise DateParseError("unrecognised", original)
        start = _clock(times, "s", original)
        if times["eh"] is not None:
            end = _clock(times, "e", original)
            if end <= start:
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
    for year in range(today.year, today.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue  # 2/29 outside a leap year
        if candidate >= today:
            return candidate
    raise DateParseError("impossible", original)


def _real_date(year: int, month: int, day: int, original: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateParseError("impossible", original) from None


def _clock(found: re.Match[str], prefix: str, original: str) -> time:
    hour = int(found[f"{prefix}h"])
    minutes = found[f"{prefix}m"] or found[f"{prefix}m2"]
    minute = 30 if found[f"{prefix}half"] else int(minutes or 0)
    if hour > 23 or minute > 59:
        raise DateParseError("bad_time", original)
    return time(hour, minute)


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
