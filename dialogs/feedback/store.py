"""Impressions in the database: rows in, plain `Feedback` values out. Functions flush; the
turn or task that calls them commits."""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.events.model import Event, EventState
from dialogs.events.store import load_event
from dialogs.feedback.model import Answer, Feedback, Intent, Issue, Participation
from dialogs.platform.scope import Scope
from storage.models import EventRow, FeedbackRow
from storage.repositories.dialect import insert

# How many recent days are looked at to find the latest event that has ended.
_RECENT_EVENTS = 20


async def save_feedback(
    session: AsyncSession,
    event_id: int,
    *,
    person_key: str,
    name: str,
    municipality: str | None,
    department: str,
    participation: Participation,
    answer: Answer,
    now: datetime,
) -> bool:
    """Store the person's answer, replacing an earlier one (one row per person and event,
    safe against the same person pressing twice at once). True when it replaced one. An
    anonymous answer is stored without name, municipality and department."""
    earlier = await session.scalar(
        select(FeedbackRow.id).where(
            FeedbackRow.event_id == event_id, FeedbackRow.person_key == person_key
        )
    )
    if answer.anonymous:
        name, municipality, department = "", None, ""
    values = {
        "name": name,
        "municipality": municipality,
        "department": department,
        "participation": participation.value,
        "rating": answer.rating,
        "good": answer.good,
        "trouble": answer.trouble,
        "issues": {"codes": [issue.value for issue in answer.issues]},
        "issue_details": answer.issue_details,
        "next_themes": answer.next_themes,
        "again": answer.again.value if answer.again else None,
        "recommend": answer.recommend.value if answer.recommend else None,
        "anonymous": answer.anonymous,
        "updated_at": now,
    }
    stmt = insert(session, FeedbackRow).values(
        event_id=event_id, person_key=person_key, created_at=now, **values
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[FeedbackRow.event_id, FeedbackRow.person_key],
        set_={column: stmt.excluded[column] for column in values},
    )
    await session.execute(stmt)
    return earlier is not None


async def feedback_of(session: AsyncSession, event_id: int, person_key: str) -> Feedback | None:
    row = await session.scalar(
        select(FeedbackRow)
        .where(FeedbackRow.event_id == event_id, FeedbackRow.person_key == person_key)
        .execution_options(populate_existing=True)
    )
    return None if row is None else _feedback(row)


async def feedbacks(session: AsyncSession, event_id: int) -> list[Feedback]:
    """Every answer for the event, in the order people first answered."""
    rows = await session.scalars(
        select(FeedbackRow)
        .where(FeedbackRow.event_id == event_id)
        .order_by(FeedbackRow.created_at, FeedbackRow.id)
        .execution_options(populate_existing=True)
    )
    return [_feedback(row) for row in rows]


async def respondents(session: AsyncSession, event_id: int) -> set[str]:
    """The person keys of those who answered."""
    keys = await session.scalars(
        select(FeedbackRow.person_key).where(FeedbackRow.event_id == event_id)
    )
    return set(keys)


async def themes_since(session: AsyncSession, since: datetime) -> list[tuple[str, str]]:
    """(person key, 次回やってみたいこと) of every answer given or changed since `since`."""
    rows = await session.execute(
        select(FeedbackRow.person_key, FeedbackRow.next_themes)
        .where(FeedbackRow.updated_at >= since, FeedbackRow.next_themes != "")
        .order_by(FeedbackRow.updated_at, FeedbackRow.id)
    )
    return [(key, text) for key, text in rows.tuples()]


async def latest_ended_event(
    session: AsyncSession, now: datetime, zone: tzinfo, *, within: Scope | None = None
) -> Event | None:
    """The event (not cancelled) that ended most recently by `now`; only among those `within`
    the scope when one is given (team separation)."""
    today = now.astimezone(zone).date()
    query = select(EventRow.id).where(
        EventRow.state == EventState.OPEN.value, EventRow.day <= today
    )
    if within is not None:
        query = query.where(within.where(EventRow.conversation_id))
    ids = await session.scalars(
        query.order_by(EventRow.day.desc(), EventRow.end_time.desc(), EventRow.id.desc()).limit(
            _RECENT_EVENTS
        )
    )
    for event_id in list(ids):
        event = await load_event(session, event_id)
        if event is not None and event.ends_at(zone) <= now:
            return event
    return None


def _feedback(row: FeedbackRow) -> Feedback:
    codes = row.issues.get("codes", []) if isinstance(row.issues, dict) else []
    issues = tuple(issue for issue in Issue if issue.value in codes)
    return Feedback(
        event_id=row.event_id,
        person_key=row.person_key,
        name=row.name,
        municipality=row.municipality,
        department=row.department,
        participation=Participation(row.participation),
        answer=Answer(
            rating=row.rating,
            good=row.good,
            trouble=row.trouble,
            issues=issues,
            issue_details=row.issue_details,
            next_themes=row.next_themes,
            again=Intent(row.again) if row.again else None,
            recommend=Intent(row.recommend) if row.recommend else None,
            anonymous=row.anonymous,
        ),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
