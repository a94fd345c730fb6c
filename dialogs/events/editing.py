"""Coordinators changing an IYO WORK day after it was announced: the menu behind the event card's
「コーディネーター用」 button, 編集 (the creation form, prefilled) and 中止 (asked once more).

Every verb is coordinator-only (checked by the dispatcher on the server, whatever the card
shows) and answers the coordinator alone. Registrants hear personally about what concerns
them: a new date or time (everyone), a new venue (those on site), a new meeting link (those
online), a seat the larger capacity gave them, or the cancellation. A smaller capacity never
moves anyone already seated back to the waitlist (dialogs.attendance.seats).

Registering or changing someone else's registration after the deadline is not here yet: a
coordinator can change only their own (on the registration card), others must re-register
before the deadline or be changed by a later feature.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime, tzinfo

from pydantic import BaseModel
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from cards.event_admin import (
    VERB_CANCEL,
    VERB_CANCEL_CONFIRM,
    VERB_COORDINATOR,
    VERB_EDIT,
    VERB_EDIT_SAVE,
    EventEditView,
    EventMenuView,
    MenuState,
    admin_error_card,
    cancel_confirm_card,
    coordinator_menu_card,
    edit_card,
)
from cards.event_forms import EventCreationView
from cards.forms import FieldView
from core.i18n import Translator
from core.jpcalendar import format_time
from dialogs.attendance.model import Mode, Registration, Status
from dialogs.attendance.notices import tell_seated
from dialogs.attendance.store import fill_free_seats, registrations
from dialogs.context import Context
from dialogs.events.calendar import calendar_url
from dialogs.events.creation import EventDraftErrors, EventForm, FieldName, validate_event_form
from dialogs.events.handlers import closed_day_note, explain
from dialogs.events.model import Event, EventDraft, EventState, default_registration_deadline
from dialogs.events.store import cancel_event, load_event
from dialogs.events.tasks import (
    arm_event_tasks,
    disarm_event_tasks,
    event_thread,
    personal_translator,
)
from dialogs.events.views import refresh_event_card, when_label
from dialogs.feedback.schedule import arm_feedback
from dialogs.polls.views import moment_label, moment_text
from dialogs.replies import Card, Message, Reply, literal, literal_url
from dialogs.router import Router, RowId
from storage.models import EventRow

router = Router()


class EventAdminRef(BaseModel):
    """What the coordinators' buttons carry: which event. The form's inputs ride along."""

    event_id: RowId


async def update_event(
    session: AsyncSession, event_id: int, draft: EventDraft, now: datetime
) -> Event | None:
    """Store the event's new title, date, times, venue, capacity, meeting link and deadline;
    the event as it is now, or None when it is not open (cancelled, or no such event).
    `updated_at` moves, so the calendar file's SEQUENCE grows and calendars update the entry."""
    changed = await session.scalar(
        update(EventRow)
        .where(EventRow.id == event_id, EventRow.state == EventState.OPEN.value)
        .values(
            title=draft.title,
            day=draft.day,
            start_time=draft.start,
            end_time=draft.end,
            venue=draft.venue,
            capacity=draft.capacity,
            meeting_url=draft.meeting_url,
            registration_deadline=draft.registration_deadline,
            updated_at=now,
        )
        .returning(EventRow.id)
    )
    return None if changed is None else await load_event(session, event_id)


# --- verbs ---------------------------------------------------------------------------------


@router.verb(VERB_COORDINATOR, coordinator_only=True, data=EventAdminRef)
async def menu(ctx: Context) -> Reply:
    event = await _event(ctx)
    if event is None:
        return _not_found(ctx)
    return Reply.show(_menu(ctx, event))


@router.verb(VERB_EDIT, coordinator_only=True, data=EventAdminRef)
async def ask_edit(ctx: Context) -> Reply:
    event = await _event(ctx)
    if event is None:
        return _not_found(ctx)
    if _state(ctx, event) != "open":
        return Reply.show(_menu(ctx, event))
    return Reply.show(_edit_card(ctx, event, prefilled(event, ctx.services.settings.zone)))


@router.verb(VERB_EDIT_SAVE, coordinator_only=True, data=EventAdminRef)
async def save_edit(ctx: Context) -> Reply:
    """保存する: the event changes, its card and tasks follow, and registrants hear what changed
    for them (a seat the larger capacity gave them included)."""
    event = await _event(ctx)
    if event is None:
        return _not_found(ctx)
    if _state(ctx, event) != "open":
        return Reply.show(_menu(ctx, event))
    zone = ctx.services.settings.zone
    now = ctx.clock.now()
    result = read_edit(ctx.turn.data, event, now, zone)
    if isinstance(result, EventDraftErrors):
        return Reply.show(_edit_card(ctx, event, result.form, result))
    if _unchanged(event, result):
        return Reply.show(_menu(ctx, event, ctx.t("events.admin.nothing_changed")))
    updated = await update_event(ctx.session, event.id, result, now)
    if updated is None:  # cancelled meanwhile
        return Reply.show(_menu(ctx, await _reload(ctx, event.id)))
    await arm_event_tasks(ctx.session, updated, now, zone)
    await arm_feedback(ctx.session, updated, now, zone)  # 感想 follows the day's end
    # Nobody seated loses the seat when the capacity shrinks; when it grows, the first in line
    # get the new seats.
    seated = await fill_free_seats(ctx.session, updated.id, now)
    services = ctx.services
    await tell_seated(
        ctx.session,
        ctx.messenger,
        services.catalog,
        updated,
        seated,
        because=ctx.turn.activity_id,
        now=now,
    )
    told = await _tell_changed(ctx, event, updated)
    await refresh_event_card(ctx.messenger, updated)
    notice = ctx.t("events.admin.saved_told", count=told) if told else ctx.t("events.admin.saved")
    if _deadline_followed(ctx.turn.data, event, updated, zone):
        deadline = moment_label(updated.registration_deadline, zone, ctx.t)
        notice = f"{notice} {ctx.t('events.admin.deadline_followed', deadline=deadline)}"
    if (note := closed_day_note(updated.day, ctx.t)) is not None:
        notice = f"{notice} {note}"
    return Reply.show(_menu(ctx, updated, notice))


@router.verb(VERB_CANCEL, coordinator_only=True, data=EventAdminRef)
async def ask_cancel(ctx: Context) -> Reply:
    event = await _event(ctx)
    if event is None:
        return _not_found(ctx)
    if _state(ctx, event) != "open":
        return Reply.show(_menu(ctx, event))
    told = len(_to_tell(await registrations(ctx.session, event.id)))
    when = when_label(event, ctx.t)
    return Reply.show(cancel_confirm_card(event.id, event.title, when, told, ctx.t))


@router.verb(VERB_CANCEL_CONFIRM, coordinator_only=True, data=EventAdminRef)
async def confirm_cancel(ctx: Context) -> Reply:
    """中止する: no more registrations or reminders, the card says 中止, the calendar file says
    CANCELLED, and everyone registered (not 欠席) is told personally."""
    event = await _event(ctx)
    if event is None:
        return _not_found(ctx)
    now = ctx.clock.now()
    zone = ctx.services.settings.zone
    if _state(ctx, event) != "open" or not await cancel_event(ctx.session, event.id, now):
        return Reply.show(_menu(ctx, await _reload(ctx, event.id)))
    cancelled = await _reload(ctx, event.id)
    await disarm_event_tasks(ctx.session, event.id)
    await arm_feedback(ctx.session, cancelled, now, zone)  # a cancelled day asks no 感想
    await refresh_event_card(ctx.messenger, cancelled)
    told = await _tell_cancelled(ctx, cancelled)
    return Reply.show(_menu(ctx, cancelled, ctx.t("events.admin.cancelled_notice", count=told)))


# --- reading the form ----------------------------------------------------------------------


def prefilled(event: Event, zone: tzinfo) -> EventForm:
    """The event written the way the form reads it back."""
    return EventForm(
        title=event.title,
        date=f"{event.day.isoformat()} {format_time(event.start)}-{format_time(event.end)}",
        venue=event.venue or "",
        capacity=str(event.capacity) if event.capacity is not None else "",
        meeting_url=event.meeting_url or "",
        deadline=moment_text(event.registration_deadline, zone),
    )


def read_edit(
    fields: Mapping[str, object], event: Event, now: datetime, zone: tzinfo
) -> EventDraft | EventDraftErrors:
    """The edit form's inputs, checked as on creation. The deadline field left as it was:
    a default deadline (what a blank field gives, see `has_default_deadline`) follows a new
    date or time as if the field were blank; a deadline that has passed stays (registration
    stays closed), also when the day moves so close that its new default has passed too.
    A deadline typed by the coordinator stays as typed and is checked against the new date.
    Typing another deadline uses it (reopening registration when it was closed)."""
    typed = fields.get("deadline")
    deadline = typed.strip() if isinstance(typed, str) else ""
    if deadline != moment_text(event.registration_deadline, zone):
        return validate_event_form(fields, now, zone)
    closed = now >= event.registration_deadline
    if not closed and not has_default_deadline(event, zone):
        return validate_event_form(fields, now, zone)
    result = validate_event_form({**fields, "deadline": ""}, now, zone)
    if isinstance(result, EventDraftErrors):
        return dataclasses.replace(result, form=dataclasses.replace(result.form, deadline=deadline))
    moved = (result.day, result.start) != (event.day, event.start)
    follows = moved and has_default_deadline(event, zone)
    if follows and not (closed and default_registration_deadline(result.day, zone) <= now):
        return result  # the new date's default deadline
    return dataclasses.replace(result, registration_deadline=event.registration_deadline)


def has_default_deadline(event: Event, zone: tzinfo) -> bool:
    """Whether the event's deadline is the one a blank deadline field gives for its date: the
    last business day before it at 17:00, or the start for a day created at short notice.
    Nothing stores how the deadline came about; a coordinator who typed exactly the default
    gets the same treatment, which is what they meant anyway."""
    deadline = event.registration_deadline
    return deadline in (default_registration_deadline(event.day, zone), event.starts_at(zone))


def _deadline_followed(
    fields: Mapping[str, object], before: Event, after: Event, zone: tzinfo
) -> bool:
    """The deadline moved although its field was left as it was (it followed the date)."""
    typed = fields.get("deadline")
    left = isinstance(typed, str) and typed.strip() == moment_text(
        before.registration_deadline, zone
    )
    return left and after.registration_deadline != before.registration_deadline


def _unchanged(event: Event, draft: EventDraft) -> bool:
    return (
        event.title,
        event.day,
        event.start,
        event.end,
        event.venue,
        event.capacity,
        event.meeting_url,
        event.registration_deadline,
    ) == (
        draft.title,
        draft.day,
        draft.start,
        draft.end,
        draft.venue,
        draft.capacity,
        draft.meeting_url,
        draft.registration_deadline,
    )


# --- telling registrants -------------------------------------------------------------------


def change_lines(
    before: Event, after: Event, registration: Registration, t: Translator
) -> list[str]:
    """What changed that matters to this registrant: the date or times (everyone), the venue
    (on site), the meeting link (online). Title, capacity and deadline are not news to them."""
    lines: list[str] = []
    if (before.day, before.start, before.end) != (after.day, after.start, after.end):
        lines.append(
            t("events.admin.changed_when", before=when_label(before, t), after=when_label(after, t))
        )
    if before.venue != after.venue and registration.mode is Mode.ONSITE:
        none = t("events.admin.none")
        lines.append(
            t(
                "events.admin.changed_venue",
                before=literal(before.venue) if before.venue else none,
                after=literal(after.venue) if after.venue else none,
            )
        )
    if before.meeting_url != after.meeting_url and registration.mode is Mode.ONLINE:
        url = literal_url(after.meeting_url) if after.meeting_url else t("events.admin.none")
        lines.append(t("events.admin.changed_meeting_url", url=url))
    return lines


async def _tell_changed(ctx: Context, before: Event, after: Event) -> int:
    """A personal message to each registrant for whom something changed; how many."""
    services = ctx.services
    thread = await event_thread(ctx.messenger, after)
    link = calendar_url(services.settings.public_base_url, after.token)
    told = 0
    for registration in _to_tell(await registrations(ctx.session, after.id)):
        key = registration.person_key
        t = await personal_translator(ctx.session, services.catalog, key, after)
        lines = change_lines(before, after, registration, t)
        if not lines:
            continue
        text = "\n\n".join(
            [
                t("events.admin.changed", title=literal(after.title)),
                *lines,
                t("events.admin.changed_calendar", url=link),
            ]
        )
        await ctx.messenger.send_to_person(
            key,
            Message(text=text),
            dedupe_key=f"event:{after.id}:changed:{ctx.turn.activity_id}:{key}",
            fallback=(after.conversation_id, thread),
        )
        told += 1
    return told


async def _tell_cancelled(ctx: Context, event: Event) -> int:
    services = ctx.services
    thread = await event_thread(ctx.messenger, event)
    link = calendar_url(services.settings.public_base_url, event.token)
    everyone = _to_tell(await registrations(ctx.session, event.id))
    for registration in everyone:
        key = registration.person_key
        t = await personal_translator(ctx.session, services.catalog, key, event)
        text = "\n\n".join(
            [
                t(
                    "events.admin.cancelled_message",
                    title=literal(event.title),
                    when=when_label(event, t),
                ),
                t("events.admin.cancelled_calendar", url=link),
            ]
        )
        await ctx.messenger.send_to_person(
            key,
            Message(text=text),
            dedupe_key=f"event:{event.id}:cancelled:{key}",
            fallback=(event.conversation_id, thread),
        )
    return len(everyone)


def _to_tell(registered: list[Registration]) -> list[Registration]:
    """Those who said they would come, or are waiting for a seat (not 欠席)."""
    return [r for r in registered if r.status is not Status.ABSENT]


# --- helpers -------------------------------------------------------------------------------


async def _event(ctx: Context) -> Event | None:
    assert isinstance(ctx.data, EventAdminRef)
    event = await load_event(ctx.session, ctx.data.event_id)
    if event is None or not await ctx.manages(event.conversation_id):
        return None  # another team's day is none of this coordinator's business
    return event


async def _reload(ctx: Context, event_id: int) -> Event:
    event = await load_event(ctx.session, event_id)
    assert event is not None  # it was there a moment ago, in this same transaction
    return event


def _not_found(ctx: Context) -> Reply:
    return Reply.show(admin_error_card(ctx.t("events.admin.not_found"), ctx.t))


def _state(ctx: Context, event: Event) -> MenuState:
    if event.state is EventState.CANCELLED:
        return "cancelled"
    if ctx.clock.now() >= event.starts_at(ctx.services.settings.zone):
        return "started"
    return "open"


def _menu(ctx: Context, event: Event, notice: str | None = None) -> Card:
    zone = ctx.services.settings.zone
    view = EventMenuView(
        event_id=event.id,
        title=event.title,
        when=when_label(event, ctx.t),
        registration_deadline=moment_label(event.registration_deadline, zone, ctx.t),
        state=_state(ctx, event),
        registration_closed=ctx.clock.now() >= event.registration_deadline,
        notice=notice,
    )
    return coordinator_menu_card(view, ctx.t)


def _edit_card(
    ctx: Context, event: Event, form: EventForm, errors: EventDraftErrors | None = None
) -> Card:
    """The edit form showing `form`, each of `errors` next to its field."""
    zone = ctx.services.settings.zone
    problems = errors.errors if errors is not None else ()

    def field_view(name: FieldName, value: str) -> FieldView:
        mine = tuple(explain(e, ctx.t, zone) for e in problems if e.field == name)
        return FieldView(value, mine)

    day = errors.day if errors is not None else None
    view = EventEditView(
        event_id=event.id,
        form=EventCreationView(
            title=field_view("title", form.title),
            date=field_view("date", form.date),
            venue=field_view("venue", form.venue),
            capacity=field_view("capacity", form.capacity),
            meeting_url=field_view("meeting_url", form.meeting_url),
            deadline=field_view("deadline", form.deadline),
            date_note=closed_day_note(day, ctx.t) if day else None,
            other_errors=tuple(explain(e, ctx.t, zone) for e in problems if e.field == "other"),
        ),
    )
    return edit_card(view, ctx.t)


__all__ = [
    "EventAdminRef",
    "change_lines",
    "has_default_deadline",
    "prefilled",
    "read_edit",
    "router",
    "update_event",
]
