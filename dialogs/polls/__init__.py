"""日程調整 (scheduling polls): the rules as plain typed Python, free of I/O.

Handlers (dialogs/polls/handlers.py) read input with `parse_poll_command`/`validate_poll_form`
and `read_answer`, count with `tally`, and build cards with the view functions here and the
card functions in cards.polls.
"""

from __future__ import annotations

from dialogs.polls.answers import (
    COMMENT_INPUT,
    AnswerError,
    AnswerInput,
    choice_input_id,
    read_answer,
)
from dialogs.polls.creation import (
    FORM_FIELDS,
    PollDraft,
    PollDraftErrors,
    PollError,
    PollForm,
    parse_poll_command,
    validate_poll_form,
)
from dialogs.polls.edits import CandidateChanges, change_candidates, change_deadline
from dialogs.polls.model import (
    Answer,
    Candidate,
    CandidateId,
    Choice,
    Poll,
    PollState,
    ResultsVisibility,
    Slot,
)
from dialogs.polls.tally import CandidateTally, PollTally, results_visible, tally

__all__ = [
    "COMMENT_INPUT",
    "FORM_FIELDS",
    "Answer",
    "AnswerError",
    "AnswerInput",
    "Candidate",
    "CandidateChanges",
    "CandidateId",
    "CandidateTally",
    "Choice",
    "Poll",
    "PollDraft",
    "PollDraftErrors",
    "PollError",
    "PollForm",
    "PollState",
    "PollTally",
    "ResultsVisibility",
    "Slot",
    "change_candidates",
    "change_deadline",
    "choice_input_id",
    "parse_poll_command",
    "read_answer",
    "results_visible",
    "tally",
    "validate_poll_form",
]
