"""The words of a scheduling poll (日程調整): dates, the four answers, one person's answer.

Plain values only: storage maps its rows to these, the tally and the cards read them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

CandidateId = int

MAX_CANDIDATES = 20
MAX_TITLE_LENGTH = 100
MAX_VENUE_LENGTH = 100
MAX_CAPACITY = 1000
MAX_COMMENT_LENGTH = 500


class Choice(StrEnum):
    """One answer for one date: ○ on site, ○ online, △ not sure yet, × cannot come."""

    ONSITE = "onsite"
    ONLINE = "online"
    MAYBE = "maybe"
    NO = "no"

    @property
    def score(self) -> int:
        """How much this answer speaks for the date: ○ = 2 (on site or online), △ = 1."""
        return _SCORES[self]


_SCORES = {Choice.ONSITE: 2, Choice.ONLINE: 2, Choice.MAYBE: 1, Choice.NO: 0}


class ResultsVisibility(StrEnum):
    """When people may see the counts: always, or only once they have answered (結果:回答後)."""

    ALWAYS = "always"
    AFTER_ANSWER = "after_answer"


@dataclass(frozen=True, order=True)
class Slot:
    """When a candidate takes place: a date, optionally with a start (and end) time."""

    date: dt.date
    start: dt.time | None = None
    end: dt.time | None = None

    @property
    def sort_key(self) -> tuple[dt.date, dt.time]:
        """Chronological order; a date without a time comes before the same date with one."""
        return (self.date, self.start or dt.time.min)


@dataclass(frozen=True)
class Candidate:
    """A candidate date as stored: its id (the database's) and when it is."""

    id: CandidateId
    slot: Slot

    @property
    def date(self) -> dt.date:
        return self.slot.date


@dataclass(frozen=True)
class Answer:
    """One person's answer to a poll. `person_key` is the Entra object id from the activity
    (never from card data); dates the person left blank are simply absent from `choices`."""

    person_key: str
    name: str
    choices: Mapping[CandidateId, Choice] = field(default_factory=dict)
    comment: str = ""


class PollState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # the deadline passed; waiting for a decision
    DECIDED = "decided"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Poll:
    """A stored poll as the cards need it (storage maps its row to this)."""

    id: int
    title: str
    candidates: tuple[Candidate, ...]
    venue: str | None = None
    capacity: int | None = None
    deadline: dt.datetime | None = None
    results: ResultsVisibility = ResultsVisibility.ALWAYS
    state: PollState = PollState.OPEN
    decided: CandidateId | None = None
    # The day it was created: a candidate more than about six months from it shows its year.
    created: dt.date | None = None

    def candidate(self, candidate_id: CandidateId) -> Candidate | None:
        return next((c for c in self.candidates if c.id == candidate_id), None)
