"""What a summarised thread looks like to the features that show it (summary, search, digest)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ThreadStatus(StrEnum):
    """未回答: nobody but the asker replied; 回答あり: someone else did; 解決済み: the asker (or a
    coordinator) pressed 解決済みにする, or the asker said so (「解決しました」)."""

    UNANSWERED = "unanswered"
    ANSWERED = "answered"
    SOLVED = "solved"


@dataclass(frozen=True)
class ThreadSynopsis:
    """One thread in a line or two. `question` and `key_answer` are single lines (≤ 80 and
    ≤ 100 characters, cut with …); `answer_sentences` are the chosen answer sentences in the
    order they were written."""

    channel_id: str
    root_id: str
    web_url: str | None
    question: str
    key_answer: str | None
    status: ThreadStatus
    reply_count: int
    created_at: datetime
    last_activity_at: datetime
    asker_name: str
    asker_municipality: str | None
    participants: tuple[str, ...]
    keywords: tuple[str, ...]
    # Beyond what the digest needs:
    asker_key: str | None = None
    answer_sentences: tuple[str, ...] = ()
    answerers: tuple[Answerer, ...] = ()
    solved_by_button: bool = False


@dataclass(frozen=True)
class Answerer:
    """Someone other than the asker who replied in the thread."""

    key: str
    name: str
    municipality: str | None
    replies: int
    reactions: int
    # Wrote the key answer, or the reply the asker thanked.
    helpful: bool


__all__ = ["Answerer", "ThreadStatus", "ThreadSynopsis"]
