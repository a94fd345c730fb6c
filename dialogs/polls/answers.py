"""Reading an answer from the card's inputs. Only choices and the comment are read: who
answered comes from the activity, never from card data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from dialogs.polls.model import MAX_COMMENT_LENGTH, Candidate, CandidateId, Choice

COMMENT_INPUT = "comment"
AnswerErrorCode = Literal["answer_empty", "comment_too_long", "choice_invalid"]


def choice_input_id(candidate_id: CandidateId) -> str:
    """The id of the Input.ChoiceSet for one candidate on the poll card."""
    return f"choice_{candidate_id}"


@dataclass(frozen=True)
class AnswerInput:
    choices: Mapping[CandidateId, Choice]
    comment: str


@dataclass(frozen=True)
class AnswerError:
    code: AnswerErrorCode


def read_answer(
    data: Mapping[str, object], candidates: Sequence[Candidate]
) -> AnswerInput | AnswerError:
    """The choices for this poll's current candidates and the comment from an invoke's data.

    Inputs for dates no longer on the poll are ignored; at least one date must be answered.
    """
    choices: dict[CandidateId, Choice] = {}
    for candidate in candidates:
        value = data.get(choice_input_id(candidate.id))
        if value is None or value == "":
            continue
        try:
            choices[candidate.id] = Choice(str(value))
        except ValueError:
            return AnswerError("choice_invalid")
    raw_comment = data.get(COMMENT_INPUT)
    comment = raw_comment.strip() if isinstance(raw_comment, str) else ""
    if len(comment) > MAX_COMMENT_LENGTH:
        return AnswerError("comment_too_long")
    if not choices:
        return AnswerError("answer_empty")
    return AnswerInput(choices, comment)
