"""From events to the view-models of cards.events, in one reader's language, and keeping the
event's card in its thread current (through the outbox)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from cards.events import MAX_REFRESH_USERS, AttendanceView, EventView, MunicipalityGroup, event_card
from core.i18n import Catalog, Locale, Translator
from core.jpcalendar import format_date_marked, format_time, format_time_range
from core.settings import Settings
from dialogs.attendance.model import MUNICIPALITIES, OTHER, Registration, Status, counts
from dialogs.attendance.store import recent_registrants, registrations
from dialogs.events.calendar import calendar_url
from dialogs.events.model import Event, EventState
from dialogs.events.store import load_event
from dialogs.platform.messenger import Messenger
from dialogs.replies import Message
from dialogs.turn import Person

# Names on the event card, shared among the municipalities (like the poll card's budget):
# with all 22 groups present each still shows 3, and a card of 200 people stays small.
NAMES_BUDGET = 80
MAX_NAMES_PER_GROUP = 10
NAME_MAX_LENGTH = 20
# The event card as a live card of the outbox (Messenger.refresh_card).
LIVE_CARD = "event"


def when_label(event: Event, t: Translator) -> str:
    """`12/15(火) 9:00–17:00`; `2027/11/25(木) 9:00–17:00` for a day far from its creation."""
    day = format_date_marked(event.day, t.locale, catalog=t.catalog, near=event.created_at.date())
    return f"{day} {format_time_range(event.start, event.end)}"


def deadline_label(event: Event, zone: tzinfo, t: Translator) -> str:
    """The registration deadline, `12/14(月) 17:00`, with the year when the day shows one."""
    local = event.registration_deadline.astimezone(zone)
    near = event.created_at.date()
    day = format_date_marked(local.date(), t.locale, catalog=t.catalog, near=near)
    return f"{day} {format_time(local.time())}"


def event_view(
    event: Event,
    t: Translator,
    zone: tzinfo,
    base_url: str,
    *,
    headline: str | None = None,
    registered: Sequence[Registration] = (),
    registration_closed: bool = False,
    refresh_for: Sequence[str] = (),
    own: Registration | None = None,
) -> EventView:
    """The event card's view: facts, the counts and names of those `registered` (nobody yet
    for a new event), whether registration has closed, and the 参加登録 button. The meeting
    link is a button only on the view of someone (`own`) registered online."""
    return EventView(
        title=event.title,
        when=when_label(event, t),
        registration_deadline=deadline_label(event, zone, t),
        calendar_url=calendar_url(base_url, event.token),
        venue=event.venue,
        capacity=event.capacity,
        meeting_url=event.meeting_url,
        join_online=own is not None and own.status is Status.ONLINE,
        headline=headline,
        cancelled=event.state is EventState.CANCELLED,
        event_id=event.id,
        attendance=attendance_view(registered, t),
        registration_closed=registration_closed,
        refresh_for=tuple(refresh_for),
        own_status=own_status(own, t) if own is not None else None,
        own_status_color="Warning"
        if own is not None and own.status is Status.WAITLISTED
        else "Good",
    )


def own_status(own: Registration, t: Translator) -> str:
    """`あなた: 現地参加（席あり）`, `あなた: 現地のキャンセル待ち 2番目`… on one's own card."""
    return t(f"events.card.own_{own.status.value}", position=own.position or 1)


def attendance_view(registered: Sequence[Registration], t: Translator) -> AttendanceView:
    """Counts, and who is coming (seated or online) grouped by municipality in the
    prefecture's order, names capped so that many groups still fit."""
    counted = counts(list(registered))
    coming: dict[str, list[str]] = {}
    for registration in registered:
        if not registration.attending:
            continue
        code = registration.municipality or OTHER
        name = short_name(registration.name)
        if registration.status is Status.ONLINE:
            name += t("attendance.event.online_mark")
        coming.setdefault(code if code in MUNICIPALITIES else OTHER, []).append(name)
    cap = names_per_group(len(coming))
    groups = tuple(
        MunicipalityGroup(
            name=t(f"attendance.municipalities.{code}"),
            count=len(coming[code]),
            names=tuple(coming[code][:cap]),
            more=max(0, len(coming[code]) - cap),
        )
        for code in MUNICIPALITIES
        if code in coming
    )
    return AttendanceView(counted.seated, counted.online, counted.waitlisted, groups)


def names_per_group(groups: int) -> int:
    return max(1, min(MAX_NAMES_PER_GROUP, NAMES_BUDGET // max(1, groups)))


def short_name(name: str) -> str:
    name = " ".join(name.split())
    return name if len(name) <= NAME_MAX_LENGTH else name[: NAME_MAX_LENGTH - 1] + "…"


def card_post(event: Event) -> int | None:
    """The outbox row of the post showing the event card: the decision's reply for a poll's
    event; for an event created directly, its own post (the root of its thread)."""
    if event.card_outbox_id is not None:
        return event.card_outbox_id
    return event.thread_outbox_id if event.poll_id is None else None


async def refresh_event_card(messenger: Messenger, event: Event) -> None:
    """Queue an edit of the event's card; the outbox renders it (`render_event_card`, live card
    LIVE_CARD) when the edit is sent, so a burst of registrations costs one build."""
    post = card_post(event)
    if post is not None:
        await messenger.refresh_card(post, LIVE_CARD, event.id)


async def render_event_card(
    session: AsyncSession,
    catalog: Catalog,
    settings: Settings,
    event_id: int,
    *,
    now: datetime | None = None,
    viewer: Person | None = None,
    viewer_locale: Locale = "ja",
) -> Message | None:
    """The event card as it is now, in the event's language, with who is registered; with
    `now`, it also says whether registration has closed. The channel's card asks the Teams
    clients of the latest registrants to fetch their own view; with `viewer` it is that view:
    the same card in the viewer's language, saying where they stand."""
    event = await load_event(session, event_id)
    if event is None:
        return None
    registered = await registrations(session, event.id)
    if viewer is None:
        t = catalog.translator(event.locale)
        refresh_for = await recent_registrants(session, event.id, MAX_REFRESH_USERS)
        own = None
    else:
        t = catalog.translator(viewer_locale)
        own = next((r for r in registered if r.person_key == viewer.key), None)
        refresh_for = [viewer.teams_id] if own is not None else []
    headline = t("polls.flow.decided") if event.poll_id is not None else None
    view = event_view(
        event,
        t,
        settings.zone,
        settings.public_base_url,
        headline=headline,
        registered=registered,
        registration_closed=now is not None and now >= event.registration_deadline,
        refresh_for=refresh_for,
        own=own,
    )
    return Message(card=event_card(view, t))
