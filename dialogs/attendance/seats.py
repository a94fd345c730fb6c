"""Who gets an on-site seat: pure rules, no storage.

- Capacity counts people on site, whatever their time slot; no capacity means no limit.
- Asking for a seat puts you at the end of the waitlist; whoever is first in line gets a free
  seat at once. So a newcomer is seated only when a seat is free and nobody is waiting.
- A seat, or a place in line, is kept while you stay on site (changing the slot, the note or
  the department never costs it); switching to online or absent gives it up.
- A free seat (someone left, or the capacity grew) goes to the first in line.
- Nobody already seated is ever moved to the waitlist, even if the capacity shrinks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from dialogs.attendance.model import Mode, Status

T = TypeVar("T")


@dataclass(frozen=True)
class Request:
    """Where a registration stands right after the person's choice, before seats are filled:
    `joins_queue` says it needs a new place at the end of the waitlist."""

    status: Status
    joins_queue: bool = False


def request(mode: Mode, previous: Status | None) -> Request:
    """The status a choice of `mode` leads to, given the person's previous status (None when
    they had not registered)."""
    if mode is Mode.ONLINE:
        return Request(Status.ONLINE)
    if mode is Mode.ABSENT:
        return Request(Status.ABSENT)
    if previous in (Status.SEATED, Status.WAITLISTED):
        return Request(previous)
    return Request(Status.WAITLISTED, joins_queue=True)


def free_seats(capacity: int | None, seated: int) -> int | None:
    """Seats left (never negative), or None when there is no limit."""
    if capacity is None:
        return None
    return max(0, capacity - seated)


def to_seat(capacity: int | None, seated: int, waiting: Sequence[T]) -> list[T]:
    """Those of `waiting` (in queue order) who get a seat now."""
    free = free_seats(capacity, seated)
    if free is None:
        return list(waiting)
    return list(waiting[:free])


def positions(waiting: Sequence[T]) -> dict[T, int]:
    """Each waiting person's place in line, from 1 (`waiting` in queue order)."""
    return {item: place for place, item in enumerate(waiting, start=1)}
