"""Polls in the database: rows in, plain `Poll`/`Answer` values out. Functions flush; the
turn or task that calls them commits."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from sqlalchemy import JSON, Text, case, cast, delete, func, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.polls.answers import AnswerInput
from dialogs.polls.creation import PollDraft
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
from storage.models import OutboxMessage, Person, PollAnswerRow, PollCandidateRow, PollRow
from storage.repositories.dialect import Insert, bound, prepared

_CHOICES = {choice.value: choice for choice in Choice}  # Choice(value) is slow on a hot path
_UNFINISHED = (PollState.OPEN.value, PollState.CLOSED.value)


@dataclass(frozen=True)
class StoredPoll:
    """A poll with where it lives: the channel and the outbox row that posted its card."""

    poll: Poll
    conversation_id: str
    post_outbox_id: int | None
    locale: str


async def create_poll(
    session: AsyncSession,
    draft: PollDraft,
    *,
    conversation_id: str,
    creator_key: str,
    locale: str,
    now: datetime,
) -> StoredPoll:
    row = PollRow(
        conversation_id=conversation_id,
        creator_key=creator_key,
        locale=locale,
        title=draft.title,
        venue=draft.venue,
        capacity=draft.capacity,
        deadline=draft.deadline,
        results=draft.results.value,
        state=PollState.OPEN.value,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    await session.flush()
    candidates = [
        PollCandidateRow(poll_id=row.id, day=slot.date, start_time=slot.start, end_time=slot.end)
        for slot in draft.candidates
    ]
    session.add_all(candidates)
    await session.flush()
    return _stored(row, candidates)


async def set_post(session: AsyncSession, poll_id: int, post_outbox_id: int) -> None:
    await session.execute(
        update(PollRow).where(PollRow.id == poll_id).values(post_outbox_id=post_outbox_id)
    )


async def load_poll(session: AsyncSession, poll_id: int) -> StoredPoll | None:
    row = await session.get(PollRow, poll_id, populate_existing=True)
    if row is None:
        return None
    candidates = (
        await session.scalars(
            select(PollCandidateRow)
            .where(PollCandidateRow.poll_id == poll_id)
            .order_by(PollCandidateRow.id)
        )
    ).all()
    return _stored(row, list(candidates))


async def save_answer(
    session: AsyncSession,
    poll_id: int,
    *,
    person_key: str,
    name: str,
    answer: AnswerInput,
    now: datetime,
    replace: bool,
) -> None:
    """Store the person's answer (one row per person and poll, safe against the same person
    pressing twice at once).

    `replace`: it becomes their whole answer, as on a card that showed their earlier answers
    (a date left blank there was cleared). Otherwise it is merged into an earlier answer: dates
    answered now overwrite, dates left blank keep what was answered before, and an empty comment
    keeps the earlier comment. The merge happens in the one statement, so two presses at once
    cannot lose each other's dates."""
    choices = {str(candidate_id): choice.value for candidate_id, choice in answer.choices.items()}
    values = {
        "poll_id": poll_id,
        "person_key": person_key,
        "name": name,
        "choices": choices,
        "comment": answer.comment,
        "created_at": now,
        "updated_at": now,
    }
    statement = prepared(session, _upsert_answer if replace else _merge_answer)
    await session.execute(statement, values)


_ANSWER_COLUMNS = (
    "poll_id",
    "person_key",
    "name",
    "choices",
    "comment",
    "created_at",
    "updated_at",
)


def _upsert_answer(dialect_insert: Insert) -> Any:
    table = PollAnswerRow.__table__
    stmt = dialect_insert(table).values(bound(_ANSWER_COLUMNS))
    return stmt.on_conflict_do_update(
        index_elements=[table.c.poll_id, table.c.person_key],
        set_={
            column: stmt.excluded[column] for column in ("name", "choices", "comment", "updated_at")
        },
    )


def _merge_answer(dialect_insert: Insert) -> Any:
    table = PollAnswerRow.__table__
    stmt = dialect_insert(table).values(bound(_ANSWER_COLUMNS))
    old, new = table.c.choices, stmt.excluded.choices
    merged: Any
    if dialect_insert is postgresql.insert:
        merged = cast(cast(old, JSONB).op("||")(cast(new, JSONB)), JSON)
    else:
        # A merge patch (RFC 7396) of flat {"id": "choice"} objects: the new keys win.
        merged = func.json_patch(old, new)
    comment = case((stmt.excluded.comment == "", table.c.comment), else_=stmt.excluded.comment)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.poll_id, table.c.person_key],
        set_={
            "name": stmt.excluded.name,
            "choices": merged,
            "comment": comment,
            "updated_at": stmt.excluded.updated_at,
        },
    )


async def answers(session: AsyncSession, poll_id: int) -> list[Answer]:
    """Everyone's answers, in the order people first answered. Plain rows, not ORM objects:
    every answer re-reads the whole poll, so this is the hot path of a busy poll."""
    rows = await session.execute(
        select(
            PollAnswerRow.person_key,
            PollAnswerRow.name,
            cast(PollAnswerRow.choices, Text),  # parsed below, once per distinct set of choices
            PollAnswerRow.comment,
        )
        .where(PollAnswerRow.poll_id == poll_id)
        .order_by(PollAnswerRow.created_at, PollAnswerRow.id)
    )
    return [
        Answer(person_key=person_key, name=name, choices=_choices(raw), comment=comment)
        for person_key, name, raw, comment in rows.tuples()
    ]


@lru_cache(maxsize=4096)
def _choices(raw: str) -> Mapping[CandidateId, Choice]:
    """The choices stored as JSON. A poll's answers repeat a few combinations of ○△×, so each
    is parsed once; the mapping is read-only because answers share it."""
    parsed = json.loads(raw)
    return MappingProxyType(
        {CandidateId(int(key)): _CHOICES[value] for key, value in parsed.items()}
    )


async def recent_respondents(session: AsyncSession, poll_id: int, limit: int) -> list[str]:
    """Teams ids of the people who answered last (newest first), for user-specific views."""
    rows = await session.scalars(
        select(Person.teams_id)
        .join(PollAnswerRow, PollAnswerRow.person_key == Person.person_key)
        .where(PollAnswerRow.poll_id == poll_id)
        .order_by(PollAnswerRow.updated_at.desc(), PollAnswerRow.id.desc())
        .limit(limit)
    )
    return list(rows)


async def close_poll(session: AsyncSession, poll_id: int, now: datetime) -> bool:
    """Open → closed; False when the poll was not open (already closed, decided, cancelled)."""
    closed = await session.scalar(
        update(PollRow)
        .where(PollRow.id == poll_id, PollRow.state == PollState.OPEN.value)
        .values(state=PollState.CLOSED.value, updated_at=now)
        .returning(PollRow.id)
    )
    return closed is not None


async def set_deadline(
    session: AsyncSession, poll_id: int, deadline: datetime | None, now: datetime
) -> None:
    """A new deadline (or none). A poll closed by its old deadline opens again."""
    await session.execute(
        update(PollRow)
        .where(PollRow.id == poll_id, PollRow.state.in_(_UNFINISHED))
        .values(deadline=deadline, state=PollState.OPEN.value, updated_at=now)
    )


async def change_candidates(
    session: AsyncSession,
    poll_id: int,
    *,
    add: tuple[Slot, ...],
    remove: tuple[CandidateId, ...],
    now: datetime,
) -> None:
    """Add and remove dates; answers forget the removed dates (their other choices stay)."""
    session.add_all(
        PollCandidateRow(poll_id=poll_id, day=slot.date, start_time=slot.start, end_time=slot.end)
        for slot in add
    )
    if remove:
        await session.execute(
            delete(PollCandidateRow).where(
                PollCandidateRow.poll_id == poll_id, PollCandidateRow.id.in_(remove)
            )
        )
        gone = {str(candidate_id) for candidate_id in remove}
        rows = await session.scalars(
            select(PollAnswerRow).where(PollAnswerRow.poll_id == poll_id).with_for_update()
        )
        for row in rows:
            if gone & row.choices.keys():
                row.choices = {k: v for k, v in row.choices.items() if k not in gone}
    await session.execute(update(PollRow).where(PollRow.id == poll_id).values(updated_at=now))
    await session.flush()


async def finish_poll(
    session: AsyncSession,
    poll_id: int,
    state: PollState,
    now: datetime,
    *,
    decided: CandidateId | None = None,
) -> bool:
    """Open or closed → decided or cancelled; False when it already was decided or cancelled
    (two coordinators pressing at once: only one wins)."""
    done = await session.scalar(
        update(PollRow)
        .where(PollRow.id == poll_id, PollRow.state.in_(_UNFINISHED))
        .values(state=state.value, decided_candidate_id=decided, updated_at=now)
        .returning(PollRow.id)
    )
    return done is not None


async def poll_in_thread(session: AsyncSession, conversation_id: str, thread_id: str) -> int | None:
    """The poll whose card opened this thread of the channel."""
    found = await session.scalar(
        select(PollRow.id)
        .join(OutboxMessage, OutboxMessage.id == PollRow.post_outbox_id)
        .where(
            PollRow.conversation_id == conversation_id,
            OutboxMessage.sent_activity_id == thread_id,
        )
    )
    return int(found) if found is not None else None


def _stored(row: PollRow, candidates: list[PollCandidateRow]) -> StoredPoll:
    poll = Poll(
        id=row.id,
        title=row.title,
        candidates=tuple(
            Candidate(c.id, Slot(c.day, c.start_time, c.end_time)) for c in candidates
        ),
        venue=row.venue,
        capacity=row.capacity,
        deadline=row.deadline,
        results=ResultsVisibility(row.results),
        state=PollState(row.state),
        decided=row.decided_candidate_id,
        created=row.created_at.date() if row.created_at else None,
    )
    return StoredPoll(poll, row.conversation_id, row.post_outbox_id, row.locale)
