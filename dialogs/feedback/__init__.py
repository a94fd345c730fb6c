"""感想: impressions after each IYO WORK day.

When an event ends, the registered participants get the form personally and the event's
thread gets an invitation for everyone else; answers can be changed until the deadline (7
days after the event, 23:59); one reminder goes to those who have not answered; at the
deadline the summary is posted in the thread. 感想まとめ shows the summary, 感想レポート gives
coordinators a Markdown report and an Excel file of the answers.

Others call:
- `arm_feedback(session, event, now, zone)` wherever an event is created, or its date or
  times change, or it is cancelled (dialogs.feedback.schedule);
- `requested_themes(session, since)` for the most requested themes for next time
  (dialogs.feedback.themes), for the weekly digest and the next poll's creation card.
"""

from __future__ import annotations

from dialogs.feedback.model import (
    COLLECTION_DAYS,
    MAX_TEXT_LENGTH,
    MIN_RESPONSES,
    Answer,
    Feedback,
    Intent,
    Issue,
    Participation,
    collection_deadline,
    reminder_at,
)
from dialogs.feedback.schedule import arm_feedback, disarm_feedback
from dialogs.feedback.themes import requested_themes

__all__ = [
    "COLLECTION_DAYS",
    "MAX_TEXT_LENGTH",
    "MIN_RESPONSES",
    "Answer",
    "Feedback",
    "Intent",
    "Issue",
    "Participation",
    "arm_feedback",
    "collection_deadline",
    "disarm_feedback",
    "reminder_at",
    "requested_themes",
]
