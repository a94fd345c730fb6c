"""Creating an IYO WORK day (event) directly: reading the one-line command or the creation card.

`第3回IYO WORK 2027/1/20 10:00-16:00 会場:八幡浜市役所 定員:8 URL:https://… 締切:1/19 17:00`.
The line is split like a poll's (`split_command`) once the meeting link is taken out: a URL is
full of `:` and `/` that the poll's splitter would read as an option or a date.

Both paths end in the same validation. Problems are collected, never thrown one by one: the
creation card shows every error next to its field, with what was typed kept in the fields.
A day on which offices are closed is allowed (the handler points it out).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Literal
from urllib.parse import urlsplit

from core.jpcalendar import at
from core.jpdates import DateParseError, ParsedDate, parse_date_expression, parse_deadline
from dialogs.events.model import (
    DEFAULT_START,
    MAX_MEETING_URL_LENGTH,
    MAX_TITLE_LENGTH,
    MAX_VENUE_LENGTH,
    EventDraft,
    draft_for,
    meeting_url_error,
)
from dialogs.polls.command import split_command, split_dates

MAX_CAPACITY = 1000

FieldName = Literal["title", "date", "venue", "capacity", "meeting_url", "deadline", "other"]
ErrorCode = Literal[
    "title_empty",
    "title_too_long",
    "time_without_date",  # a time-like word in the title (`午後`, `13:00-17:00` before the date)
    "date_missing",
    "date_multiple",
    "date_unreadable",  # `date_error` says why and is the message: 2/30, end before start…
    "date_past",
    "start_past",
    "venue_too_long",
    "capacity_invalid",
    "meeting_url_invalid",  # not an https URL with a host, or has spaces
    "meeting_url_too_long",
    "deadline_unreadable",  # `date_error` says why, as for the date
    "deadline_past",
    "deadline_after_start",
    "option_repeated",
    "results_unsupported",  # 結果: belongs to polls
]

# The creation card's input ids; `validate_event_form` reads the same names.
FORM_FIELDS: tuple[str, ...] = ("title", "date", "venue", "capacity", "meeting_url", "deadline")

# `URL:…` / `会議URL:…` (NFKC, lower case, `_`/`-`/space ignored).
_MEETING_KEYS = {
    "url",
    "会議url",
    "ミーティングurl",
    "meeting",
    "meetingurl",
    "オンライン",
    "online",
}
_WORD = re.compile(r"\S+")
_KEYED = re.compile(r"^(?P<key>[^:：]+)[:：](?P<value>.*)$", re.DOTALL)
_KEY_NOISE = re.compile(r"[\s_\-]")
_COUNT_SUFFIXES = ("名", "人", "people", "persons", "seats")


@dataclass(frozen=True)
class EventError:
    """One problem with what was typed. `original` is the offending text as typed; `details`
    holds values for the message (dates as `date`, times as `time`, moments as aware
    `datetime`, numbers)."""

    code: ErrorCode
    field: FieldName
    original: str = ""
    details: Mapping[str, object] = dataclasses.field(default_factory=dict)
    date_error: DateParseError | None = None


@dataclass(frozen=True)
class EventForm:
    """What was typed, field by field, as the creation card shows it."""

    title: str = ""
    date: str = ""
    venue: str = ""
    capacity: str = ""
    meeting_url: str = ""
    deadline: str = ""


@dataclass(frozen=True)
class EventDraftErrors:
    """Why the event cannot be created yet, what was typed (to show it again), and the day
    when one could be read (to point out a day on which offices are closed)."""

    form: EventForm
    errors: tuple[EventError, ...]
    day: date | None = None

    def for_field(self, name: FieldName) -> tuple[EventError, ...]:
        return tuple(error for error in self.errors if error.field == name)

    @property
    def codes(self) -> list[ErrorCode]:
        return [error.code for error in self.errors]


def parse_event_command(args: str, now: datetime, zone: tzinfo) -> EventDraft | EventDraftErrors:
    """Read what followed `イベント作成`: a title, one date (times optional: 09:00–17:00) and
    the options 会場: 定員: URL:/会議URL: 締切: (English venue: capacity: url: deadline:).
    `now` is aware; dates without a year are the next such date from today in `zone`."""
    rest, urls = _take_meeting_urls(args)
    parts = split_command(rest)
    errors: list[EventError] = []
    repeated = list(dict.fromkeys(parts.repeated))
    for name in repeated:
        if name != "results":
            errors.append(EventError("option_repeated", name))
    if len(urls) > 1:
        errors.append(EventError("option_repeated", "meeting_url"))
    errors += [EventError("time_without_date", "title", word) for word in parts.stray_times]
    if "results" in parts.options:
        errors.append(EventError("results_unsupported", "other", parts.options["results"]))
    form = EventForm(
        title=parts.title,
        date=", ".join(parts.dates),
        venue=parts.options.get("venue", ""),
        capacity=parts.options.get("capacity", ""),
        meeting_url=urls[-1] if urls else "",
        deadline=parts.options.get("deadline", ""),
    )
    return _validate(form, parts.dates, errors, now, zone)


def validate_event_form(
    fields: Mapping[str, object], now: datetime, zone: tzinfo
) -> EventDraft | EventDraftErrors:
    """The creation card's inputs (ids in FORM_FIELDS)."""
    form = EventForm(**{name: _text(fields, name) for name in FORM_FIELDS})
    return _validate(form, split_dates(form.date), [], now, zone)


def _validate(
    form: EventForm,
    date_texts: list[str],
    errors: list[EventError],
    now: datetime,
    zone: tzinfo,
) -> EventDraft | EventDraftErrors:
    today = now.astimezone(zone).date()
    title = form.title.strip()
    if not title:
        errors.append(EventError("title_empty", "title"))
    elif len(title) > MAX_TITLE_LENGTH:
        details = {"length": len(title), "max": MAX_TITLE_LENGTH}
        errors.append(EventError("title_too_long", "title", title, details))

    when = _when(date_texts, today, now, zone, errors)

    venue = form.venue.strip()
    if len(venue) > MAX_VENUE_LENGTH:
        details = {"length": len(venue), "max": MAX_VENUE_LENGTH}
        errors.append(EventError("venue_too_long", "venue", venue, details))

    capacity = _capacity(form.capacity, errors)
    meeting_url = _meeting_url(form.meeting_url, errors)
    start = _start(when, zone) if when else None
    deadline = _deadline(form.deadline, start, today, now, zone, errors)

    if errors or when is None:
        return EventDraftErrors(form, tuple(errors), when.date if when else None)
    draft = draft_for(
        title,
        when.date,
        when.start,
        when.end,
        venue=venue or None,
        capacity=capacity,
        meeting_url=meeting_url,
        zone=zone,
    )
    if deadline is not None:
        return dataclasses.replace(draft, registration_deadline=deadline)
    if draft.registration_deadline < now:
        # Created at short notice: registration stays open until the event starts.
        return dataclasses.replace(draft, registration_deadline=_start(when, zone))
    return draft


def _when(
    texts: list[str], today: date, now: datetime, zone: tzinfo, errors: list[EventError]
) -> ParsedDate | None:
    """The one readable date that has not passed; problems appended to `errors`."""
    if not texts:
        errors.append(EventError("date_missing", "date"))
        return None
    if len(texts) > 1:
        details = {"count": len(texts)}
        errors.append(EventError("date_multiple", "date", ", ".join(texts), details))
        return None
    text = texts[0]
    try:
        parsed = parse_date_expression(text, today)
    except DateParseError as error:
        errors.append(EventError("date_unreadable", "date", text, date_error=error))
        return None
    if parsed.date < today:
        errors.append(EventError("date_past", "date", text, {"date": parsed.date}))
        return None
    if _start(parsed, zone) <= now:
        start = parsed.start or DEFAULT_START
        errors.append(EventError("start_past", "date", text, {"date": parsed.date, "start": start}))
        return None
    return parsed


def _start(when: ParsedDate, zone: tzinfo) -> datetime:
    """When the event begins: its start time, or DEFAULT_START for a bare date."""
    return at(when.date, when.start or DEFAULT_START, zone)


def _capacity(text: str, errors: list[EventError]) -> int | None:
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    if not folded:
        return None
    for suffix in _COUNT_SUFFIXES:
        folded = folded.removesuffix(suffix).strip()
    if folded.isascii() and folded.isdigit() and 1 <= int(folded) <= MAX_CAPACITY:
        return int(folded)
    details = {"max": MAX_CAPACITY}
    errors.append(EventError("capacity_invalid", "capacity", text.strip(), details))
    return None


def _meeting_url(text: str, errors: list[EventError]) -> str | None:
    """An https link with a host, at most MAX_MEETING_URL_LENGTH characters; None when blank."""
    url = text.strip()
    if not url:
        return None
    problem = meeting_url_error(url)
    if problem == "meeting_url_too_long":
        details = {"length": len(url), "max": MAX_MEETING_URL_LENGTH}
        # The message quotes only the start of a link this long.
        errors.append(EventError(problem, "meeting_url", _shortened(url), details))
        return None
    if problem is not None or urlsplit(url).scheme.lower() != "https":
        errors.append(EventError("meeting_url_invalid", "meeting_url", url))
        return None
    return url


def _deadline(
    text: str,
    start: datetime | None,
    today: date,
    now: datetime,
    zone: tzinfo,
    errors: list[EventError],
) -> datetime | None:
    """A typed registration deadline (bare date: 23:59) that is not past and not after the
    event's `start`; None when blank or wrong (problems appended to `errors`)."""
    text = text.strip()
    if not text:
        return None
    try:
        deadline = parse_deadline(text, today, zone)
    except DateParseError as error:
        errors.append(EventError("deadline_unreadable", "deadline", text, date_error=error))
        return None
    if deadline < now:
        errors.append(EventError("deadline_past", "deadline", text, {"deadline": deadline}))
        return None
    if start is not None and deadline > start:
        details = {"deadline": deadline, "start": start}
        errors.append(EventError("deadline_after_start", "deadline", text, details))
        return None
    return deadline


def _take_meeting_urls(args: str) -> tuple[str, list[str]]:
    """`args` without its `URL:…` options, and their values in order. `URL: https://…` (a
    space after the colon) takes the next word."""
    words = list(_WORD.finditer(args))
    urls: list[str] = []
    cuts: list[tuple[int, int]] = []
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        keyed = _KEYED.match(word.group())
        if keyed is None or _key(keyed["key"]) not in _MEETING_KEYS:
            continue
        value, end = keyed["value"], word.end()
        if not value and index < len(words):
            value, end = words[index].group(), words[index].end()
            index += 1
        begin = word.start()
        while begin > 0 and args[begin - 1].isspace():
            begin -= 1
        cuts.append((begin, end))
        urls.append(value.strip())
    rest, last = [], 0
    for begin, end in cuts:
        rest.append(args[last:begin])
        last = end
    rest.append(args[last:])
    return "".join(rest), urls


def _key(text: str) -> str:
    return _KEY_NOISE.sub("", unicodedata.normalize("NFKC", text).lower())


def _shortened(text: str, length: int = 40) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _text(fields: Mapping[str, object], name: str) -> str:
    value = fields.get(name)
    return value if isinstance(value, str) else ""
