"""感想まとめ: the answers of one event counted, free of I/O and of language.

What may point at a person is left out here, once, for every reader (the channel's post, the
summary command, the report): below MIN_RESPONSES answers there are no aggregates and no
comments at all, and an anonymous comment carries no attribution whatsoever (not even the
municipality, which for a small town could be one person).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dialogs.feedback.model import (
    MIN_RESPONSES,
    RATINGS,
    Feedback,
    Intent,
    Issue,
    Participation,
)

Section = str  # "good" | "trouble" | "issue_details" | "next_themes"
SECTIONS: tuple[Section, ...] = ("good", "trouble", "issue_details", "next_themes")


@dataclass(frozen=True)
class Comment:
    """One text answer. `name` and `municipality` are set only for an answer that is not
    anonymous (and then only as far as they are known)."""

    text: str
    name: str | None = None
    municipality: str | None = None


@dataclass(frozen=True)
class Summary:
    """The answers of one event counted. `registered` is how many registered to come (seated
    or online); `registered_responses` how many of them answered. With fewer than
    MIN_RESPONSES answers (`enough` False) every aggregate and comment is empty."""

    responses: int
    registered: int
    registered_responses: int
    enough: bool
    average: float | None = None
    ratings: tuple[tuple[int, int], ...] = ()  # (rating, count), 5 first
    issues: tuple[tuple[Issue, int], ...] = ()  # every category in order, with its count
    participation: tuple[tuple[Participation, int], ...] = ()
    again: tuple[tuple[Intent, int], ...] = ()
    recommend: tuple[tuple[Intent, int], ...] = ()
    comments: tuple[tuple[Section, tuple[Comment, ...]], ...] = ()

    @property
    def rate(self) -> float | None:
        """Answered / registered (0–1), None when nobody registered."""
        if self.registered == 0:
            return None
        return self.registered_responses / self.registered

    def comments_of(self, section: Section) -> tuple[Comment, ...]:
        return dict(self.comments).get(section, ())


def summarise(answers: Sequence[Feedback], registered_keys: Sequence[str]) -> Summary:
    """Counts of `answers` (in answer order); `registered_keys` are the person keys of those
    registered to come (seated or online)."""
    registered = set(registered_keys)
    responses = len(answers)
    registered_responses = sum(1 for answer in answers if answer.person_key in registered)
    if responses < MIN_RESPONSES:
        return Summary(responses, len(registered), registered_responses, enough=False)
    ratings = {rating: 0 for rating in RATINGS}
    issues = {issue: 0 for issue in Issue}
    participation = {kind: 0 for kind in Participation}
    again = {intent: 0 for intent in Intent}
    recommend = {intent: 0 for intent in Intent}
    comments: dict[Section, list[Comment]] = {section: [] for section in SECTIONS}
    for feedback in answers:
        answer = feedback.answer
        ratings[answer.rating] += 1
        for issue in answer.issues:
            issues[issue] += 1
        participation[feedback.participation] += 1
        if answer.again is not None:
            again[answer.again] += 1
        if answer.recommend is not None:
            recommend[answer.recommend] += 1
        for section in SECTIONS:
            text = getattr(answer, section)
            if text:
                comments[section].append(_comment(feedback, text))
    total = sum(rating * count for rating, count in ratings.items())
    return Summary(
        responses=responses,
        registered=len(registered),
        registered_responses=registered_responses,
        enough=True,
        average=total / responses,
        ratings=tuple(ratings.items()),
        issues=tuple(issues.items()),
        participation=tuple(participation.items()),
        again=tuple(again.items()),
        recommend=tuple(recommend.items()),
        comments=tuple((section, tuple(found)) for section, found in comments.items()),
    )


def _comment(feedback: Feedback, text: str) -> Comment:
    if feedback.anonymous:
        return Comment(text)
    return Comment(text, feedback.name or None, feedback.municipality)
