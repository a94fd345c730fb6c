"""Creating a poll: reading the one-line command or the creation card, and saying what is wrong.

Both paths end in the same validation. Problems are collected, never thrown one by one: the
creation card shows every error next to its field, with what was typed kept in the fields.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from typing import Literal

from core.jpcalendar import at
from core.jpdates import DateParseError, parse_date_expression, parse_deadline
from dialogs.polls.command import split_command, split_dates
from dialogs.polls.model import (
    MAX_CANDIDATES,
    MAX_CAPACITY,
    MAX_TITLE_LENGTH,
    MAX_VENUE_LENGTH,
    ResultsVisibility,
    Slot,
)

FieldName = Literal["title", "dates", "venue", "capacity", "deadline", "results"]
ErrorCode = Literal[
    "title_empty",
    "title_too_long",
    "time_without_date",  # a time-like word in the title (`午後`, `13:00-17:00` before any date)
    "no_candidates",
    "too_many_candidates",
    "candidate_unreadable",  # `date_error` says why: unrecognised, impossible (2/30), …
    "candidate_past",
    "candidate_duplicate",
    "candidate_before_deadline",
    "venue_too_long",
    "capacity_invalid",
    "deadline_unreadable",
    "deadline_past",
    "deadline_after_first_candidate",
    "results_invalid",
    "option_repeated",
]

# The creation card's input ids; `validate_poll_form` reads the same names.
FORM_FIELDS: tuple[str, ...] = ("title", "dates", "venue", "capacity", "deadline", "hide_results")

_HIDE_WORDS = {"回答後", "回答後に公開", "回答者のみ", "非公開", "after-answer", "after_answer",
               "afteranswer", "after", "hidden", "hide"}  # fmt: skip
_SHOW_WORDS = {"公開", "常に", "常に公開", "always", "public", "show", "visible"}
_TRUE_WORDS = {"true", "on", "1", "yes"}
_COUNT_SUFFIXES = ("名", "人", "people", "persons")


@dataclass(frozen=True)
class PollError:
    """One problem with what was typed. `original` is the offending text as typed; `details`
    holds values for the message (dates as `date`, moments as aware `datetime`, numbers)."""

    code: ErrorCode
    field: FieldName
    original: str = ""
    details: Mapping[str, object] = dataclasses.field(default_factory=dict)
    date_error: DateParseError | None = None


@dataclass(frozen=True)
class PollForm:
    """What was typed, field by field, as the creation card shows it (dates one per line)."""

    title: str = ""
    dates: str = ""
    venue: str = ""
    capacity: str = ""
    deadline: str = ""
    hide_results: bool = False


@dataclass(frozen=True)
class PollDraft:
    """A valid poll, not yet stored. Candidates are in chronological order."""

    title: str
    candidates: tuple[Slot, ...]
    venue: str | None
    capacity: int | None
    deadline: datetime | None
    results: ResultsVisibility
    form: PollForm


@dataclass(frozen=True)
class PollDraftErrors:
    """Why the poll cannot be created yet, and what was typed (to show it again)."""

    form: PollForm
    errors: tuple[PollError, ...]

    def for_field(self, name: FieldName) -> tuple[PollError, ...]:
        return tuple(error for error in self.errors if error.field == name)

    @property
    def codes(self) -> list[ErrorCode]:
        return [error.code for error in self.errors]


def parse_poll_command(
    args: str, today: date, zone: tzinfo, *, now: datetime | None = None
) -> PollDraft | PollDraftErrors:
    """Read `第2回IYO WORK 12/10 12/15 会場:松前町役場 定員:8 締切:12/5 結果:回答後`.

    `today` is the local date in `zone`; `now` (aware) lets a deadline earlier today count as
    past — without it, only deadlines before today do.
    """
    parts = split_command(args)
    errors = [PollError("option_repeated", name) for name in dict.fromkeys(parts.repeated)]
    errors += [PollError("time_without_date", "title", word) for word in parts.stray_times]
    results_text = parts.options.get("results", "")
    results, results_error = _results(results_text)
    if results_error:
        errors.append(results_error)
    form = PollForm(
        title=parts.title,
        dates="\n".join(parts.dates),
        venue=parts.options.get("venue", ""),
        capacity=parts.options.get("capacity", ""),
        deadline=parts.options.get("deadline", ""),
        hide_results=results is ResultsVisibility.AFTER_ANSWER,
    )
    return _validate(form, parts.dates, results, errors, today, zone, now)


def validate_poll_form(
    fields: Mapping[str, object], today: date, zone: tzinfo, *, now: datetime | None = None
) -> PollDraft | PollDraftErrors:
    """The creation card's inputs (ids in FORM_FIELDS; Input.Toggle sends "true"/"false")."""
    hide = str(fields.get("hide_results", "")).strip().lower() in _TRUE_WORDS
    form = PollForm(
        title=_text(fields, "title"),
        dates=_text(fields, "dates"),
        venue=_text(fields, "venue"),
        capacity=_text(fields, "capacity"),
        deadline=_text(fields, "deadline"),
        hide_results=hide,
    )
    results = ResultsVisibility.AFTER_ANSWER if hide else ResultsVisibility.ALWAYS
    return _validate(form, split_dates(form.dates), results, [], today, zone, now)


def _validate(
    form: PollForm,
    date_texts: list[str],
    results: ResultsVisibility,
    errors: list[PollError],
    today: date,
    zone: tzinfo,
    now: datetime | None,
) -> PollDraft | PollDraftErrors:
    title = form.title.strip()
    if not title:
        errors.append(PollError("title_empty", "title"))
    elif len(title) > MAX_TITLE_LENGTH:
        details = {"length": len(title), "max": MAX_TITLE_LENGTH}
        errors.append(PollError("title_too_long", "title", title, details))

    candidates = list(check_candidates(date_texts, today, errors))

    venue = form.venue.strip()
    if len(venue) > MAX_VENUE_LENGTH:
        details = {"length": len(venue), "max": MAX_VENUE_LENGTH}
        errors.append(PollError("venue_too_long", "venue", venue, details))

    capacity = _capacity(form.capacity, errors)
    deadline = check_deadline(form.deadline, candidates, today, zone, now, errors)

    if errors:
        return PollDraftErrors(form, tuple(errors))
    return PollDraft(
        title=title,
        candidates=tuple(candidates),
        venue=venue or None,
        capacity=capacity,
        deadline=deadline,
        results=results,
        form=form,
    )


def check_candidates(
    texts: list[str], today: date, errors: list[PollError], *, required: bool = True
) -> dict[Slot, str]:
    """The readable, future, distinct candidates (chronological, each with its text as typed);
    problems are appended to `errors`."""
    if not texts:
        if required:
            errors.append(PollError("no_candidates", "dates"))
        return {}
    found: dict[Slot, str] = {}
    for text in texts:
        try:
            parsed = parse_date_expression(text, today)
        except DateParseError as error:
            errors.append(PollError("candidate_unreadable", "dates", text, date_error=error))
            continue
        slot = Slot(parsed.date, parsed.start, parsed.end)
        if parsed.date < today:
            errors.append(PollError("candidate_past", "dates", text, {"date": parsed.date}))
        elif slot in found:
            details = {"date": parsed.date, "first": found[slot]}
            errors.append(PollError("candidate_duplicate", "dates", text, details))
        else:
            found[slot] = text
    if len(found) > MAX_CANDIDATES:
        details = {"count": len(found), "max": MAX_CANDIDATES}
        errors.append(PollError("too_many_candidates", "dates", "", details))
    return {slot: found[slot] for slot in sorted(found, key=lambda slot: slot.sort_key)}


def _capacity(text: str, errors: list[PollError]) -> int | None:
    folded = unicodedata.normalize("NFKC", text).strip()
    if not folded:
        return None
    for suffix in _COUNT_SUFFIXES:
        folded = folded.removesuffix(suffix).strip()
    if folded.isascii() and folded.isdigit() and 1 <= int(folded) <= MAX_CAPACITY:
        return int(folded)
    errors.append(PollError("capacity_invalid", "capacity", text.strip(), {"max": MAX_CAPACITY}))
    return None


def check_deadline(
    text: str,
    candidates: list[Slot],
    today: date,
    zone: tzinfo,
    now: datetime | None,
    errors: list[PollError],
) -> datetime | None:
    """A typed deadline (bare date: 23:59) that is not past and not after the first of the
    chronological `candidates`; None when blank or wrong (problems appended to `errors`)."""
    text = text.strip()
    if not text:
        return None
    try:
        deadline = parse_deadline(text, today, zone)
    except DateParseError as error:
        errors.append(PollError("deadline_unreadable", "deadline", text, date_error=error))
        return None
    if deadline < (now or at(today, time.min, zone)):
        errors.append(PollError("deadline_past", "deadline", text, {"deadline": deadline}))
        return None
    if candidates:
        first = candidates[0]
        first_start = at(first.date, first.start or time.min, zone)
        if deadline > first_start:
            details = {"deadline": deadline, "first": first.date}
            errors.append(PollError("deadline_after_first_candidate", "deadline", text, details))
            return None
    return deadline


def _results(text: str) -> tuple[ResultsVisibility, PollError | None]:
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    if not folded or folded in _SHOW_WORDS:
        return ResultsVisibility.ALWAYS, None
    if folded in _HIDE_WORDS:
        return ResultsVisibility.AFTER_ANSWER, None
    return ResultsVisibility.ALWAYS, PollError("results_invalid", "results", text.strip())


def _text(fields: Mapping[str, object], name: str) -> str:
    value = fields.get(name)
    return value if isinstance(value, str) else ""
