"""Japan's public-office calendar: business days, deadlines in local time, and date formatting.

A business day follows 行政機関の休日に関する法律 (Act on Holidays of Administrative Organs):
not Saturday or Sunday, not a national holiday (国民の祝日, 振替休日 and 国民の休日 included),
and not 12/29–1/3 (年末年始). Holiday dates and names come from the maintained `holidays`
library; every other word shown to people comes from the message catalog (`calendar.*`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

import holidays

from core.i18n import Catalog, Locale, default_catalog

TOKYO = ZoneInfo("Asia/Tokyo")
END_OF_DAY = time(23, 59)
REMINDER_TIME = time(9, 0)
# A short date (`12/10(木)`) further than this from the day it is read about shows its year.
YEAR_SHOWN_AFTER = timedelta(days=183)

# The `holidays` library's language codes for our locales.
_HOLIDAY_LANGUAGE: Mapping[Locale, str] = {"ja": "ja", "en": "en_US"}
# Longest possible run of non-business days is well under this (Golden Week, year-end).
_MAX_SEARCH_DAYS = 60


@cache
def _holidays(year: int, locale: Locale) -> Mapping[date, str]:
    """National holidays of one year, frozen into a plain dict (HolidayBase mutates on lookup)."""
    table = holidays.country_holidays("JP", years=year, language=_HOLIDAY_LANGUAGE[locale])
    return {day: str(name) for day, name in table.items() if day.year == year}


def holiday_name(d: date, locale: Locale = "ja") -> str | None:
    """The national holiday's name on `d` (勤労感謝の日, 振替休日, 国民の休日…), or None."""
    return _holidays(d.year, locale).get(d)


def is_national_holiday(d: date) -> bool:
    return holiday_name(d) is not None


def is_year_end_holiday(d: date) -> bool:
    """12/29 to 1/3 inclusive (年末年始)."""
    return (d.month == 12 and d.day >= 29) or (d.month == 1 and d.day <= 3)


def is_business_day(d: date) -> bool:
    """True when public offices are open on `d`."""
    return d.weekday() < 5 and not is_year_end_holiday(d) and not is_national_holiday(d)


def non_business_reason(d: date, locale: Locale, *, catalog: Catalog | None = None) -> str | None:
    """Why offices are closed on `d` ("勤労感謝の日", "年末年始", "土曜日"), None on business days.

    A national holiday wins over the weekend and year-end (元日 is named as 元日), and
    year-end wins over the weekend.
    """
    name = holiday_name(d, locale)
    if name is not None:
        return name
    words = catalog or default_catalog()
    if is_year_end_holiday(d):
        return words.text(locale, "calendar.year_end")
    if d.weekday() >= 5:
        return weekday_name(d, locale, catalog=words)
    return None


def next_business_day(d: date, *, include_today: bool = False) -> date:
    """The first business day after `d` (or `d` itself when `include_today` and it is one)."""
    return _search(d, +1, include_today)


def previous_business_day(d: date, *, include_today: bool = False) -> date:
    """The last business day before `d` (or `d` itself when `include_today` and it is one)."""
    return _search(d, -1, include_today)


def last_business_day_before(d: date) -> date:
    """The last business day strictly before `d`."""
    return _search(d, -1, False)


def _search(d: date, step: int, include_today: bool) -> date:
    candidate = d if include_today else d + timedelta(days=step)
    for _ in range(_MAX_SEARCH_DAYS):
        if is_business_day(candidate):
            return candidate
        candidate += timedelta(days=step)
    raise ValueError(f"no business day within {_MAX_SEARCH_DAYS} days of {d}")


def add_business_days(d: date, n: int) -> date:
    """The n-th business day after `d` (before it when n < 0); `d` itself when n == 0."""
    result = d
    step = 1 if n > 0 else -1
    for _ in range(abs(n)):
        result = _search(result, step, False)
    return result


def business_days_between(a: date, b: date) -> int:
    """How many business days d satisfy a < d <= b; negative (the count of b < d <= a) if b < a.

    So `add_business_days(a, business_days_between(a, b)) == b` for every business day b > a.
    """
    if b < a:
        return -business_days_between(b, a)
    return sum(1 for offset in range(1, (b - a).days + 1) if is_business_day(a + timedelta(offset)))


def at(d: date, clock_time: time, zone: tzinfo) -> datetime:
    """The aware moment `clock_time` on `d` in `zone`."""
    if clock_time.tzinfo is not None:
        raise ValueError("pass a wall-clock time; the zone comes from `zone`")
    return datetime.combine(d, clock_time, tzinfo=zone)


def end_of_day(d: date, zone: tzinfo) -> datetime:
    """23:59 on `d` in `zone`: what a date-only deadline means."""
    return at(d, END_OF_DAY, zone)


def local_date(moment: datetime, zone: tzinfo) -> date:
    """The calendar date `moment` falls on in `zone`."""
    if moment.tzinfo is None:
        raise ValueError("local_date needs an aware datetime")
    return moment.astimezone(zone).date()


def reminder_moment(before: date, zone: tzinfo) -> datetime:
    """09:00 in `zone` on the last business day strictly before `before`."""
    return at(last_business_day_before(before), REMINDER_TIME, zone)


def weekday_name(d: date, locale: Locale, *, catalog: Catalog | None = None) -> str:
    """The full weekday name: 木曜日 / Thursday."""
    return _word(catalog, locale, "calendar.weekday_names", d.weekday())


def format_date(
    d: date, locale: Locale, *, catalog: Catalog | None = None, near: date | None = None
) -> str:
    """A short date: `12/10(木)` / `Thu 12/10`; with the year (`2027/11/25(木)`) when `near`
    is given and `d` is more than about six months from it."""
    key = "calendar.date_year" if _far(d, near) else "calendar.date"
    return _format(catalog, locale, key, d)


def format_date_marked(
    d: date, locale: Locale, *, catalog: Catalog | None = None, near: date | None = None
) -> str:
    """A short date that flags national holidays: `11/23(月・祝)` / `Mon 11/23 (holiday)`;
    with the year when `near` is given and `d` is more than about six months from it."""
    key = "calendar.date_year" if _far(d, near) else "calendar.date"
    if is_national_holiday(d):
        key += "_holiday"
    return _format(catalog, locale, key, d)


def format_date_long(d: date, locale: Locale, *, catalog: Catalog | None = None) -> str:
    """A date with its year: `2026年12月10日(木)` / `Thu, 10 Dec 2026`."""
    return _format(catalog, locale, "calendar.date_long", d)


def format_time(t: time) -> str:
    """`13:00` (24-hour clock, the same in both languages)."""
    return f"{t.hour:02d}:{t.minute:02d}"


def format_time_range(start: time, end: time) -> str:
    """`13:00–17:00` (with an en dash)."""
    return f"{format_time(start)}–{format_time(end)}"


def _far(d: date, near: date | None) -> bool:
    """Whether a short date could be taken for the wrong year: more than YEAR_SHOWN_AFTER from
    `near` (11/25 written a year ahead reads like yesterday's)."""
    return near is not None and abs(d - near) > YEAR_SHOWN_AFTER


def _word(catalog: Catalog | None, locale: Locale, key: str, index: int) -> str:
    words = (catalog or default_catalog()).raw(locale, key)
    return str(words[index])


def _format(catalog: Catalog | None, locale: Locale, key: str, d: date) -> str:
    words = catalog or default_catalog()
    return words.text(
        locale,
        key,
        year=d.year,
        month=d.month,
        day=d.day,
        weekday=_word(words, locale, "calendar.weekdays", d.weekday()),
        month_name=_word(words, locale, "calendar.months", d.month - 1),
        holiday=words.text(locale, "calendar.holiday"),
    )
