"""An IYO WORK day's scheduled work: each registrant is reminded personally at 09:00 on the last
business day before it, and the event card says so when registration closes.

Both are rows in `due_task` (claimed in the DB: they survive restarts and run once), armed when
the event is created, moved when it is edited and dropped when it is cancelled. The reminder's
messages also carry a dedupe key per event, person and day, so a reminder run again (re-armed
for the same day) sends nobody anything twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Catalog, Translator, locale_of
from core.jpcalendar import reminder_moment
from dialogs.attendance.model import Registration, Slot, Status
from dialogs.attendance.store import registrations
from dialogs.context import TaskContext
from dialogs.events.calendar import calendar_url
from dialogs.events.model import Event, EventState
from dialogs.events.store import load_event
from dialogs.events.views import refresh_event_card, when_label
from dialogs.platform.messenger import Messenger
from dialogs.platform.tasks import cancel, schedule
from dialogs.polls.views import moment_label
from dialogs.replies import Message, literal, literal_url
from dialogs.router import Router
from storage.repositories.people import get_person

REMIND_TASK = "event.remind"
CLOSE_TASK = "event.registration_closed"

router = Router()
log = logging.getLogger(__name__)


def task_key(event_id: int) -> str:
    return f"event:{event_id}"


async def arm_event_tasks(session: AsyncSession, event: Event, now: datetime, zone: tzinfo) -> None:
    """Schedule (or move) the event's reminder and the closing of its registration, for the
    event as it is now; a cancelled event gets neither."""
    await disarm_event_tasks(session, event.id)
    if event.state is not EventState.OPEN:
        return
    key = task_key(event.id)
    payload: dict[str, Any] = {"event_id": event.id}
    # A deadline already past (a day decided at short notice) closes at once, so the card
    # says so at once too.
    await schedule(session, CLOSE_TASK, key, max(event.registration_deadline, now), payload)
    remind_at = reminder_moment(event.day, zone)
    # Decided (or moved) at short notice, after that 09:00: no reminder. The announcement or
    # the change notice is only hours old, and a reminder sent late could arrive on the day.
    if now < remind_at:
        await schedule(
            session, REMIND_TASK, key, remind_at, {**payload, "day": event.day.isoformat()}
        )


async def disarm_event_tasks(session: AsyncSession, event_id: int) -> None:
    """The event is cancelled or about to be re-armed: its pending tasks go."""
    key = task_key(event_id)
    await cancel(session, REMIND_TASK, key)
    await cancel(session, CLOSE_TASK, key)


@router.task(REMIND_TASK)
async def remind(ctx: TaskContext, payload: dict[str, Any]) -> None:
    """Each registrant who is coming, or waiting for a seat, gets the day's details in their
    personal chat, in their language (@mentioned in the event's thread when the bot cannot
    write to them personally); those who said 欠席 get nothing. Run once the event has begun
    (the bot was down at 09:00 the day before), it sends nothing: a reminder arriving during the
    day, or with the thank-you afterwards, only confuses."""
    event = await load_event(ctx.session, int(payload["event_id"]))
    if event is None or event.state is not EventState.OPEN:
        return
    if payload.get("day") != event.day.isoformat():
        return  # armed for a date the event no longer has; re-arming moved it
    catalog = ctx.services.catalog
    settings = ctx.services.settings
    now = ctx.clock.now()
    if now >= event.starts_at(settings.zone):
        log.info("event %s: reminder skipped, the event began before it could be sent", event.id)
        return
    thread = await event_thread(ctx.messenger, event)
    for registration in await registrations(ctx.session, event.id):
        if registration.status is Status.ABSENT:
            continue
        key = registration.person_key
        t = await personal_translator(ctx.session, catalog, key, event)
        text = reminder_text(event, registration, t, settings.zone, settings.public_base_url, now)
        await ctx.messenger.send_to_person(
            key,
            Message(text=text),
            dedupe_key=f"event:{event.id}:remind:{key}:{event.day.isoformat()}",
            fallback=(event.conversation_id, thread),
        )


@router.task(CLOSE_TASK)
async def registration_closed(ctx: TaskContext, payload: dict[str, Any]) -> None:
    """The deadline has passed: the event card is rendered again and now says so."""
    event = await load_event(ctx.session, int(payload["event_id"]))
    if event is None or event.state is not EventState.OPEN:
        return
    if ctx.clock.now() < event.registration_deadline:
        return  # the deadline moved later; re-arming scheduled the closing for then
    await refresh_event_card(ctx.messenger, event)


def reminder_text(
    event: Event,
    registration: Registration,
    t: Translator,
    zone: tzinfo,
    base_url: str,
    now: datetime,
) -> str:
    """The reminder for one registrant: when, where, how they take part (the meeting link when
    online, their place in line when waiting), the calendar file and how to change."""
    lines = [
        t("events.reminder.intro", title=literal(event.title)),
        t("events.reminder.when", when=when_label(event, t)),
    ]
    if event.venue:
        lines.append(t("events.reminder.venue", venue=literal(event.venue)))
    lines.append(t("events.reminder.mode", mode=_mode(registration, t)))
    if registration.status is Status.WAITLISTED:
        closed = now >= event.registration_deadline  # no switching to online any more
        lines.append(
            t("events.reminder.waitlisted_closed" if closed else "events.reminder.waitlisted")
        )
    elif registration.status is Status.ONLINE:
        if event.meeting_url:
            lines.append(t("events.reminder.meeting_url", url=literal_url(event.meeting_url)))
        else:
            lines.append(t("events.reminder.no_meeting_url"))
    lines.append(t("events.reminder.calendar", url=calendar_url(base_url, event.token)))
    if now < event.registration_deadline:
        deadline = moment_label(event.registration_deadline, zone, t)
        lines.append(t("events.reminder.change", deadline=deadline))
    else:
        lines.append(t("events.reminder.change_closed"))
    return "\n\n".join(lines)


def _mode(registration: Registration, t: Translator) -> str:
    """`現地`, `現地（午後）`, `現地（キャンセル待ち 2番目）`, `オンライン`."""
    mode = t(f"attendance.modes.{registration.mode.value}")
    details: list[str] = []
    if registration.slot is not Slot.ALLDAY:
        details.append(t(f"attendance.slots.{registration.slot.value}"))
    if registration.status is Status.WAITLISTED:
        details.append(t("events.reminder.position", position=registration.position or 1))
    if not details:
        return mode
    return t(
        "events.reminder.mode_details", mode=mode, details=t("events.reminder.and").join(details)
    )


async def personal_translator(
    session: AsyncSession, catalog: Catalog, person_key: str, event: Event
) -> Translator:
    """The person's language as Teams last told it; the event's when the bot never met them."""
    person = await get_person(session, person_key)
    return catalog.translator(locale_of(person.locale if person else event.locale))


async def event_thread(messenger: Messenger, event: Event) -> str | None:
    """The event thread's root activity id (where people the bot cannot write to personally
    are @mentioned instead); None while its post is not sent yet."""
    if event.thread_outbox_id is None:
        return None
    return (await messenger.delivery(event.thread_outbox_id)).activity_id


__all__ = [
    "CLOSE_TASK",
    "REMIND_TASK",
    "arm_event_tasks",
    "disarm_event_tasks",
    "event_thread",
    "personal_translator",
    "reminder_text",
    "router",
    "task_key",
]
