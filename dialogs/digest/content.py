"""What a digest says, gathered from the database for one channel and one period: plain values,
free of language (dialogs/digest/views.py words them).

Polls and events are those the channel's people may see: its own and its team's standard
channels' (team separation, and private channels kept apart: dialogs/platform/scope.py);
threads are the channel's own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.attendance.model import counts
from dialogs.attendance.store import registrations
from dialogs.digest.links import ChannelPlace, channel_place, post_link
from dialogs.digest.settings import THREAD_SECTIONS, DigestSettings, Section
from dialogs.digest.store import Digest
from dialogs.digest.threads import ThreadsContent, gather_threads
from dialogs.events.model import Event
from dialogs.events.store import open_events
from dialogs.events.views import card_post
from dialogs.feedback import store as feedback_store
from dialogs.feedback.publishing import participants
from dialogs.feedback.summary import Summary, summarise
from dialogs.feedback.themes import count_themes
from dialogs.platform.scope import Scope, channel_scope
from dialogs.polls.model import PollState
from storage.models import PollAnswerRow, PollRow

# The feedback of an event is worth showing for this long after it ended.
FEEDBACK_SHOWN_FOR = dt.timedelta(days=28)
MAX_POLLS = 5
MAX_THEMES = 5


@dataclass(frozen=True)
class PollItem:
    title: str
    answers: int
    deadline: dt.datetime | None
    url: str | None


@dataclass(frozen=True)
class EventItem:
    event: Event
    seated: int
    online: int
    waitlisted: int
    registration_open: bool
    url: str | None

    @property
    def seats_left(self) -> int | None:
        capacity = self.event.capacity
        return None if capacity is None else max(0, capacity - self.seated)


@dataclass(frozen=True)
class FeedbackItem:
    event: Event
    summary: Summary
    themes: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class DigestContent:
    """Everything one digest of one channel shows. `problems` are earlier digests that may
    be missing (not sent, or not known to be sent), for a line saying so."""

    conversation_id: str
    period_start: dt.datetime
    period_end: dt.datetime
    settings: DigestSettings
    threads: ThreadsContent | None = None
    event: EventItem | None = None
    polls: tuple[PollItem, ...] = ()
    feedback: FeedbackItem | None = None
    problems: tuple[Digest, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        """Nothing at all to say: one short line instead of a card."""
        threads_say_something = self.threads is not None and not self.threads.empty
        return not (
            threads_say_something or self.event or self.polls or self.feedback or self.problems
        )


async def gather(
    session: AsyncSession,
    settings: DigestSettings,
    *,
    period_start: dt.datetime,
    period_end: dt.datetime,
    zone: dt.tzinfo,
    problems: tuple[Digest, ...] = (),
) -> DigestContent:
    """The digest of the channel for (period_start, period_end], as it stands at period_end."""
    place = await channel_place(session, settings.conversation_id)
    scope = await team_scope(session, place)
    threads = None
    if any(settings.shows(section) for section in THREAD_SECTIONS):
        threads = await gather_threads(
            session, place, settings, since=period_start, until=period_end, zone=zone
        )
    event = await _next_event(session, place, scope, period_end, zone)
    polls = await _open_polls(session, place, scope, period_end)
    feedback = await _feedback(session, scope, period_end, zone)
    return DigestContent(
        conversation_id=settings.conversation_id,
        period_start=period_start,
        period_end=period_end,
        settings=settings,
        threads=threads,
        event=event if settings.shows(Section.EVENT) else None,
        polls=polls if settings.shows(Section.POLLS) else (),
        feedback=feedback if settings.shows(Section.FEEDBACK) else None,
        problems=problems,
    )


async def team_scope(session: AsyncSession, place: ChannelPlace) -> Scope:
    """What the channel's people may see: its own, and its team's standard channels (not
    another private or shared channel's; the rule of dialogs/platform/scope.py)."""
    return await channel_scope(session, place.conversation_id, place.team_id)


async def _next_event(
    session: AsyncSession, place: ChannelPlace, scope: Scope, now: dt.datetime, zone: dt.tzinfo
) -> EventItem | None:
    upcoming = await open_events(session, now.astimezone(zone).date(), within=scope)
    upcoming = [event for event in upcoming if event.ends_at(zone) > now]
    if not upcoming:
        return None
    event = upcoming[0]
    counted = counts(await registrations(session, event.id))
    url = await post_link(session, place, card_post(event), root_outbox_id=event.thread_outbox_id)
    return EventItem(
        event=event,
        seated=counted.seated,
        online=counted.online,
        waitlisted=counted.waitlisted,
        registration_open=now < event.registration_deadline,
        url=url,
    )


async def _open_polls(
    session: AsyncSession, place: ChannelPlace, scope: Scope, now: dt.datetime
) -> tuple[PollItem, ...]:
    answers = (
        select(func.count())
        .where(PollAnswerRow.poll_id == PollRow.id)
        .correlate(PollRow)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(PollRow.title, PollRow.deadline, PollRow.post_outbox_id, answers)
        .where(
            PollRow.state == PollState.OPEN.value,
            scope.where(PollRow.conversation_id),
            (PollRow.deadline.is_(None)) | (PollRow.deadline > now),
        )
        .order_by(PollRow.created_at, PollRow.id)
        .limit(MAX_POLLS)
    )
    items = []
    for title, deadline, post_outbox_id, answered in rows.tuples():
        url = await post_link(session, place, post_outbox_id)
        items.append(PollItem(title, int(answered or 0), deadline, url))
    return tuple(items)


async def _feedback(
    session: AsyncSession, scope: Scope, now: dt.datetime, zone: dt.tzinfo
) -> FeedbackItem | None:
    event = await feedback_store.latest_ended_event(session, now, zone, within=scope)
    if event is None or now - event.ends_at(zone) > FEEDBACK_SHOWN_FOR:
        return None
    answers = await feedback_store.feedbacks(session, event.id)
    expected = [registration.person_key for registration in await participants(session, event.id)]
    summary = summarise(answers, expected)
    themes = count_themes(
        ((answer.person_key, answer.answer.next_themes) for answer in answers), limit=MAX_THEMES
    )
    if summary.responses == 0 and summary.registered == 0:
        return None
    return FeedbackItem(event, summary, tuple(themes))
