"""Who gets an on-site seat: a newcomer queues and is seated at once when a seat is free, a held
seat or place in line is kept while staying on site, online and absent give it up, and free
seats go to the first in line."""

from __future__ import annotations

import pytest

from dialogs.attendance.model import Mode, Status
from dialogs.attendance.seats import Request, free_seats, positions, request, to_seat


@pytest.mark.parametrize(
    ("mode", "previous", "expected"),
    [
        (Mode.ONSITE, None, Request(Status.WAITLISTED, joins_queue=True)),
        (Mode.ONSITE, Status.ONLINE, Request(Status.WAITLISTED, joins_queue=True)),
        (Mode.ONSITE, Status.ABSENT, Request(Status.WAITLISTED, joins_queue=True)),
        (Mode.ONSITE, Status.SEATED, Request(Status.SEATED)),  # a changed slot keeps the seat
        (Mode.ONSITE, Status.WAITLISTED, Request(Status.WAITLISTED)),  # …and the place in line
        (Mode.ONLINE, Status.SEATED, Request(Status.ONLINE)),
        (Mode.ONLINE, Status.WAITLISTED, Request(Status.ONLINE)),
        (Mode.ABSENT, Status.SEATED, Request(Status.ABSENT)),
        (Mode.ABSENT, None, Request(Status.ABSENT)),
    ],
)
def test_a_choice_leads_to_a_status(mode: Mode, previous: Status | None, expected: Request) -> None:
    assert request(mode, previous) == expected


def test_free_seats_never_go_negative_and_no_capacity_means_no_limit() -> None:
    assert free_seats(2, 0) == 2
    assert free_seats(2, 2) == 0
    assert free_seats(2, 3) == 0  # the capacity shrank below those seated: nobody moves
    assert free_seats(None, 500) is None


def test_free_seats_go_to_the_first_in_line() -> None:
    line = ["first", "second", "third"]
    assert to_seat(2, 1, line) == ["first"]
    assert to_seat(2, 2, line) == []
    assert to_seat(5, 0, line) == line
    assert to_seat(None, 100, line) == line
    assert to_seat(1, 3, line) == []


def test_places_in_line_count_from_one() -> None:
    assert positions(["a", "b"]) == {"a": 1, "b": 2}
    assert positions([]) == {}
