"""Counting answers: per date and per choice, who answered, and the best date so far."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from dialogs.polls.model import Answer, Candidate, CandidateId, Choice, ResultsVisibility


@dataclass(frozen=True)
class CandidateTally:
    """One date's counts; `names` lists everyone per choice, in the order answers came."""

    candidate: Candidate
    counts: Mapping[Choice, int]
    names: Mapping[Choice, tuple[str, ...]]

    @property
    def score(self) -> int:
        """○ (on site or online) counts 2, △ counts 1, × nothing."""
        return sum(choice.score * count for choice, count in self.counts.items())

    def count(self, choice: Choice) -> int:
        return self.counts.get(choice, 0)


@dataclass(frozen=True)
class PollTally:
    candidates: tuple[CandidateTally, ...]
    respondents: int
    best: CandidateTally | None
    comments: tuple[tuple[str, str], ...]  # (name, comment), non-empty comments only

    def for_candidate(self, candidate_id: CandidateId) -> CandidateTally:
        for line in self.candidates:
            if line.candidate.id == candidate_id:
                return line
        raise KeyError(candidate_id)


def tally(
    candidates: Sequence[Candidate], answers: Iterable[Answer], *, capacity: int | None = None
) -> PollTally:
    """Count `answers` for `candidates` (shown in chronological order).

    The best date has the highest score; a tie goes to the date where more people can come on
    site within the venue's `capacity` (min(on site, capacity)), then to the earlier date.
    No best date while nobody has said ○ or △ to anything. Choices for dates that are not
    candidates (any more) are ignored.
    """
    ordered = sorted(candidates, key=lambda c: c.slot.sort_key)
    names: dict[CandidateId, dict[Choice, list[str]]] = {
        c.id: {choice: [] for choice in Choice} for c in ordered
    }
    respondents = 0
    comments: list[tuple[str, str]] = []
    for answer in answers:
        respondents += 1
        if answer.comment.strip():
            comments.append((answer.name, answer.comment))
        for candidate_id, choice in answer.choices.items():
            if candidate_id in names:
                names[candidate_id][choice].append(answer.name)
    lines = tuple(
        CandidateTally(
            candidate=c,
            counts={choice: len(people) for choice, people in names[c.id].items()},
            names={choice: tuple(people) for choice, people in names[c.id].items()},
        )
        for c in ordered
    )
    return PollTally(lines, respondents, _best(lines, capacity), tuple(comments))


def _best(lines: Sequence[CandidateTally], capacity: int | None) -> CandidateTally | None:
    best: CandidateTally | None = None
    best_key: tuple[int, int] = (0, 0)
    for line in lines:  # chronological: a strictly better key is needed to replace
        onsite = line.count(Choice.ONSITE)
        key = (line.score, onsite if capacity is None else min(onsite, capacity))
        if line.score > 0 and (best is None or key > best_key):
            best, best_key = line, key
    return best


def results_visible(results: ResultsVisibility, *, has_answered: bool) -> bool:
    """Whether counts and names may be shown to someone (the public card: has_answered=False)."""
    return results is ResultsVisibility.ALWAYS or has_answered
