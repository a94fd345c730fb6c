"""An IYO WORK day (the event): when and where it is, and the defaults a bare date gets.

Plain values only: storage maps its rows to these; registration, reminders, impressions and
the calendar file all read an `Event`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal
from urllib.parse import urlsplit

from core.i18n import Locale
from core.jpcalendar import at, previous_business_day

MAX_TITLE_LENGTH = 100
MAX_VENUE_LENGTH = 100
MAX_MEETING_URL_LENGTH = 2000

# A date without a time is a whole working day of IYO WORK.
DEFAULT_START = dt.time(9)
DEFAULT_END = dt.time(17)
# Registration closes at the end of the working day before the event, so the coordinator
# has the list (and the venue its head count) before the day.
REGISTRATION_CLOSES_AT = dt.time(17)
# A start at or after DEFAULT_END without an end (an evening session) lasts this long.
DEFAULT_LENGTH = dt.timedelta(hours=1)

MeetingUrlError = Literal["meeting_url_invalid", "meeting_url_too_long"]


class EventState(StrEnum):
    OPEN = "open"
    CANCELLED = "cancelled"


@dataclass(frozen=True, kw_only=True)
class EventDraft:
    """An event before it is stored: times are wall-clock times in the bot's zone."""

    title: str
    day: dt.date
    start: dt.time
    end: dt.time
    venue: str | None = None
    capacity: int | None = None  # on-site seats; None = no limit
    meeting_url: str | None = None
    registration_deadline: dt.datetime  # aware


@dataclass(frozen=True, kw_only=True)
class Event:
    """A stored event. `token` is the secret part of its calendar file's URL;
    `conversation_id` the channel's base id; `thread_outbox_id` the outbox row of the post
    whose thread belongs to the event (for an event decided from a poll: the poll's post)."""

    id: int
    token: str
    title: str
    day: dt.date
    start: dt.time
    end: dt.time
    venue: str | None
    capacity: int | None
    meeting_url: str | None
    registration_deadline: dt.datetime
    state: EventState
    conversation_id: str
    thread_outbox_id: int | None
    poll_id: int | None
    creator_key: str
    locale: Locale
    created_at: dt.datetime
    updated_at: dt.datetime
    # The outbox row of the post showing the event card (for a poll's event: the decision's
    # reply in the poll's thread); None when it is the thread's own post or not posted yet.
    card_outbox_id: int | None = None

    def starts_at(self, zone: dt.tzinfo) -> dt.datetime:
        return at(self.day, self.start, zone)

    def ends_at(self, zone: dt.tzinfo) -> dt.datetime:
        return at(self.day, self.end, zone)


def default_registration_deadline(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """17:00 in `zone` on the last business day before `day` (it may already be past when an
    event is decided at short notice: the caller decides what that means)."""
    return at(previous_business_day(day), REGISTRATION_CLOSES_AT, zone)


def default_end(start: dt.time) -> dt.time:
    """17:00 for a start before then; otherwise an hour later, capped at 23:59 (same day)."""
    if start < DEFAULT_END:
        return DEFAULT_END
    later = dt.datetime.combine(dt.date.min, start) + DEFAULT_LENGTH
    return later.time() if later.date() == dt.date.min else dt.time(23, 59)


def draft_for(
    title: str,
    day: dt.date,
    start: dt.time | None = None,
    end: dt.time | None = None,
    *,
    venue: str | None = None,
    capacity: int | None = None,
    meeting_url: str | None = None,
    zone: dt.tzinfo,
) -> EventDraft:
    """The event a (decided) date stands for: 09:00–17:00 without times, registration until
    the previous business day 17:00. Inputs are already validated (a poll's candidate), so
    an end without a start, or before it, is a programming error (ValueError)."""
    if start is None and end is not None:
        raise ValueError("an end time needs a start time")
    start = start or DEFAULT_START
    end = end or default_end(start)
    if end < start:
        raise ValueError(f"the end {end} is before the start {start}")
    return EventDraft(
        title=title,
        day=day,
        start=start,
        end=end,
        venue=venue,
        capacity=capacity,
        meeting_url=meeting_url,
        registration_deadline=default_registration_deadline(day, zone),
    )


def meeting_url_error(url: str) -> MeetingUrlError | None:
    """What is wrong with a meeting link typed by a coordinator, or None: it must be an
    http(s) URL with a host, at most MAX_MEETING_URL_LENGTH characters, without spaces."""
    if len(url) > MAX_MEETING_URL_LENGTH:
        return "meeting_url_too_long"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return "meeting_url_invalid"
    if parts.scheme.lower() not in ("http", "https") or not host:
        return "meeting_url_invalid"
    if any(ch.isspace() or ord(ch) < 0x20 for ch in url):
        return "meeting_url_invalid"
    return None
