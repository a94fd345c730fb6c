"""What the bot holds about one person, read from every table that names them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.jpcalendar import at
from dialogs.attendance.model import Status
from dialogs.events.model import EventState
from dialogs.polls.model import PollState
from storage.models import (
    AuditEntry,
    ChannelMessageRow,
    EventRow,
    FeedbackRow,
    Person,
    PollAnswerRow,
    PollRow,
    RegistrationRow,
    ThreadResolutionRow,
)
from storage.repositories.conversations import channel_names

# Characters of a thread's first post shown to name it.
THREAD_SNIPPET = 40


@dataclass(frozen=True)
class Profile:
    """The person's row: who they are to Teams, their language, their remembered 所属/部署."""

    name: str
    teams_id: str
    aad_object_id: str | None
    upn: str | None
    tenant_id: str | None
    locale: str
    municipality: str | None
    department: str | None
    personal_chat: bool


@dataclass(frozen=True)
class PollAnswerHeld:
    poll_id: int
    title: str
    open: bool  # still taking answers: deleting removes the answer


@dataclass(frozen=True)
class RegistrationHeld:
    event_id: int
    title: str
    day: date
    status: Status
    upcoming: bool  # the day has not started: deleting cancels the registration


@dataclass(frozen=True)
class FeedbackHeld:
    event_id: int
    title: str
    day: date
    anonymous: bool


@dataclass(frozen=True)
class MessagesHeld:
    """Copies of the person's posts in one channel (the posts themselves stay in Teams)."""

    channel_id: str
    team_name: str | None
    channel_name: str | None
    count: int
    general: bool = False  # the team's General channel (Teams sends no name for it)


@dataclass(frozen=True)
class ResolutionHeld:
    """A thread the person marked 解決済み (or open again) with the button. `thread` is the
    start of its first post (its subject when it has one); None when that post is gone."""

    channel_id: str
    root_id: str
    resolved: bool
    thread: str | None
    team_name: str | None
    channel_name: str | None
    general: bool = False


@dataclass(frozen=True)
class AuditHeld:
    action: str
    count: int


@dataclass(frozen=True)
class Holdings:
    profile: Profile | None
    polls: tuple[PollAnswerHeld, ...]
    registrations: tuple[RegistrationHeld, ...]
    feedback: tuple[FeedbackHeld, ...]
    messages: tuple[MessagesHeld, ...]
    audit: tuple[AuditHeld, ...]
    resolutions: tuple[ResolutionHeld, ...] = ()

    @property
    def message_count(self) -> int:
        return sum(held.count for held in self.messages)


def poll_is_open(row: PollRow, now: datetime) -> bool:
    """Still taking answers: open, and its deadline (if any) not reached."""
    return row.state == PollState.OPEN.value and (row.deadline is None or now < row.deadline)


def event_is_upcoming(row: EventRow, now: datetime, zone: tzinfo) -> bool:
    """Not cancelled and not started yet."""
    return row.state == EventState.OPEN.value and now < at(row.day, row.start_time, zone)


def authored_by(aad_object_id: str) -> ColumnElement[bool]:
    """Channel messages whose author is this Entra object id (any letter case)."""
    return func.lower(ChannelMessageRow.author_aad_id) == aad_object_id.lower()


async def holdings(
    session: AsyncSession,
    person_key: str,
    aad_object_id: str | None,
    now: datetime,
    zone: tzinfo,
) -> Holdings:
    """Everything stored about the person (`person_key`; `aad_object_id` finds their posts)."""
    person = await session.scalar(
        select(Person)
        .where(Person.person_key == person_key)
        .execution_options(populate_existing=True)
    )
    profile = None
    if person is not None:
        profile = Profile(
            name=person.name,
            teams_id=person.teams_id,
            aad_object_id=person.aad_object_id,
            upn=person.upn,
            tenant_id=person.tenant_id,
            locale=person.locale,
            municipality=person.municipality,
            department=person.department,
            personal_chat=person.personal_conversation_id is not None,
        )
    polls = await session.execute(
        select(PollRow)
        .join(PollAnswerRow, PollAnswerRow.poll_id == PollRow.id)
        .where(PollAnswerRow.person_key == person_key)
        .order_by(PollRow.created_at.desc(), PollRow.id.desc())
    )
    events = await session.execute(
        select(EventRow, RegistrationRow.status)
        .join(RegistrationRow, RegistrationRow.event_id == EventRow.id)
        .where(RegistrationRow.person_key == person_key)
        .order_by(EventRow.day.desc(), EventRow.id.desc())
    )
    feedback = await session.execute(
        select(EventRow.id, EventRow.title, EventRow.day, FeedbackRow.anonymous)
        .join(FeedbackRow, FeedbackRow.event_id == EventRow.id)
        .where(FeedbackRow.person_key == person_key)
        .order_by(EventRow.day.desc(), EventRow.id.desc())
    )
    return Holdings(
        profile=profile,
        polls=tuple(
            PollAnswerHeld(row.id, row.title, poll_is_open(row, now)) for row in polls.scalars()
        ),
        registrations=tuple(
            RegistrationHeld(
                row.id, row.title, row.day, Status(status), event_is_upcoming(row, now, zone)
            )
            for row, status in events.tuples()
        ),
        feedback=tuple(
            FeedbackHeld(event_id, title, day, anonymous)
            for event_id, title, day, anonymous in feedback.tuples()
        ),
        messages=await _messages(session, aad_object_id),
        audit=await _audit(session, person_key),
        resolutions=await _resolutions(session, person_key),
    )


async def _messages(session: AsyncSession, aad_object_id: str | None) -> tuple[MessagesHeld, ...]:
    if not aad_object_id:
        return ()
    counts = await session.execute(
        select(ChannelMessageRow.channel_id, func.count())
        .where(authored_by(aad_object_id))
        .group_by(ChannelMessageRow.channel_id)
        .order_by(ChannelMessageRow.channel_id)
    )
    held = []
    for channel_id, count in counts.tuples():
        names = await channel_names(session, channel_id)
        held.append(MessagesHeld(channel_id, names.team, names.channel, int(count), names.general))
    return tuple(held)


async def _resolutions(session: AsyncSession, person_key: str) -> tuple[ResolutionHeld, ...]:
    rows = await session.execute(
        select(ThreadResolutionRow, ChannelMessageRow.subject, ChannelMessageRow.text)
        .outerjoin(
            ChannelMessageRow,
            (ChannelMessageRow.channel_id == ThreadResolutionRow.channel_id)
            & (ChannelMessageRow.message_id == ThreadResolutionRow.root_id)
            & ChannelMessageRow.deleted_at.is_(None),
        )
        .where(ThreadResolutionRow.by_key == person_key)
        .order_by(ThreadResolutionRow.updated_at.desc(), ThreadResolutionRow.id.desc())
    )
    held = []
    for row, subject, text in rows.tuples():
        names = await channel_names(session, row.channel_id)
        thread = _snippet(subject or text or "") or None
        held.append(
            ResolutionHeld(
                row.channel_id,
                row.root_id,
                row.resolved,
                thread,
                names.team,
                names.channel,
                names.general,
            )
        )
    return tuple(held)


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= THREAD_SNIPPET else f"{flat[:THREAD_SNIPPET]}…"


async def _audit(session: AsyncSession, person_key: str) -> tuple[AuditHeld, ...]:
    counts = await session.execute(
        select(AuditEntry.action, func.count())
        .where(AuditEntry.actor_key == person_key)
        .group_by(AuditEntry.action)
        .order_by(AuditEntry.action)
    )
    return tuple(AuditHeld(action, int(count)) for action, count in counts.tuples())
