"""Coordinators changing an open poll: a new deadline, dates added or removed."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from core.jpcalendar import at
from dialogs.polls.command import split_dates
from dialogs.polls.creation import PollError, check_candidates, check_deadline
from dialogs.polls.model import MAX_CANDIDATES, Candidate, CandidateId, Slot


@dataclass(frozen=True)
class CandidateChanges:
    add: tuple[Slot, ...]
    remove: tuple[CandidateId, ...]


def change_deadline(
    text: str, candidates: Sequence[Candidate], today: date, zone: tzinfo, now: datetime
) -> datetime | tuple[PollError, ...] | None:
    """The new deadline (None when `text` is blank: no deadline), or why it cannot be."""
    errors: list[PollError] = []
    slots = sorted((c.slot for c in candidates), key=lambda s: s.sort_key)
    deadline = check_deadline(text, slots, today, zone, now, errors)
    return tuple(errors) if errors else deadline


def change_candidates(
    add_text: str,
    remove: Collection[CandidateId],
    existing: Sequence[Candidate],
    today: date,
    *,
    deadline: datetime | None = None,
    zone: tzinfo | None = None,
) -> CandidateChanges | tuple[PollError, ...]:
    """Dates to add (typed like the creation card's dates field) and candidate ids to remove.

    Added dates must be readable, not past, not already on the poll and not before the
    deadline (`zone` reads their times); at least one date must remain and at most
    MAX_CANDIDATES.
    """
    errors: list[PollError] = []
    texts = split_dates(add_text)
    added = check_candidates(texts, today, errors, required=False) if texts else {}
    kept = {c.slot: c for c in existing if c.id not in remove}
    fresh: list[Slot] = []
    for slot, text in added.items():
        if slot in kept:
            details = {"date": slot.date, "first": ""}
            errors.append(PollError("candidate_duplicate", "dates", text, details))
        elif deadline and zone and at(slot.date, slot.start or time.min, zone) < deadline:
            details = {"date": slot.date, "deadline": deadline}
            errors.append(PollError("candidate_before_deadline", "dates", text, details))
        else:
            fresh.append(slot)
    total = len(kept) + len(fresh)
    if total == 0:
        errors.append(PollError("no_candidates", "dates"))
    elif total > MAX_CANDIDATES:
        errors.append(
            PollError("too_many_candidates", "dates", "", {"count": total, "max": MAX_CANDIDATES})
        )
    if errors:
        return tuple(errors)
    removed = tuple(c.id for c in existing if c.id in remove)
    return CandidateChanges(add=tuple(fresh), remove=removed)
