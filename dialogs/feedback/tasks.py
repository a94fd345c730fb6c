"""The scheduled side of 感想 (armed by `dialogs.feedback.schedule.arm_feedback`):

- at the end of the event, each registered participant (seated or online) gets the form in
  their personal chat, and one invitation is posted in the event's thread for those who came
  without registering;
- once, before the deadline, those registered participants who have not answered get it
  again with a reminder;
- at the deadline the summary is posted in the event's thread.

Every message carries a dedupe key (event, person, purpose), so a task run again sends nobody
anything twice. Personal messages have no fallback into the thread: the thread already has
the invitation, and @mentioning the people who have not answered would show who did.
"""

from __future__ import annotations

from typing import Any

from cards.feedback import feedback_card, invitation_card
from core.i18n import Translator, locale_of
from dialogs.context import TaskContext
from dialogs.events.model import Event, EventState
from dialogs.events.store import load_event
from dialogs.events.views import when_label
from dialogs.feedback import store
from dialogs.feedback.publishing import is_closed, participants, say_in_thread, summary_card_of
from dialogs.feedback.schedule import CLOSE_TASK, REMIND_TASK, REQUEST_TASK, arm_feedback
from dialogs.feedback.views import deadline_label, form_view, invitation_view
from dialogs.replies import Message, literal
from dialogs.router import Router
from storage.repositories.people import get_person

router = Router()


@router.task(REQUEST_TASK)
async def ask_for_feedback(ctx: TaskContext, payload: dict[str, Any]) -> None:
    event = await _open_event(ctx, payload)
    zone = ctx.services.settings.zone
    now = ctx.clock.now()
    if event is None or is_closed(event, now, zone):
        return
    if now < event.ends_at(zone):  # the event was moved later without re-arming
        await arm_feedback(ctx.session, event, now, zone)
        return
    messenger = ctx.messenger
    for registration in await participants(ctx.session, event.id):
        t = await _translator(ctx, registration.person_key, event)
        text = t(
            "feedback.request.text",
            title=literal(event.title),
            when=when_label(event, t),
            deadline=deadline_label(event, zone, t),
        )
        card = feedback_card(form_view(event, t, zone), t)
        await messenger.send_to_person(
            registration.person_key,
            Message(text=text, card=card),
            dedupe_key=f"feedback:{event.id}:request:{registration.person_key}",
        )
    t = ctx.translator(event.locale)
    invitation = Message(card=invitation_card(invitation_view(event, t, zone), t))
    await say_in_thread(messenger, event, invitation, dedupe_key=f"feedback:{event.id}:invitation")


@router.task(REMIND_TASK)
async def remind_to_answer(ctx: TaskContext, payload: dict[str, Any]) -> None:
    event = await _open_event(ctx, payload)
    zone = ctx.services.settings.zone
    now = ctx.clock.now()
    if event is None or is_closed(event, now, zone) or now < event.ends_at(zone):
        return
    answered = await store.respondents(ctx.session, event.id)
    for registration in await participants(ctx.session, event.id):
        if registration.person_key in answered:
            continue
        t = await _translator(ctx, registration.person_key, event)
        text = t(
            "feedback.request.reminder",
            title=literal(event.title),
            deadline=deadline_label(event, zone, t),
        )
        card = feedback_card(form_view(event, t, zone), t)
        await ctx.messenger.send_to_person(
            registration.person_key,
            Message(text=text, card=card),
            dedupe_key=f"feedback:{event.id}:reminder:{registration.person_key}",
        )


@router.task(CLOSE_TASK)
async def post_summary(ctx: TaskContext, payload: dict[str, Any]) -> None:
    event = await _open_event(ctx, payload)
    zone = ctx.services.settings.zone
    now = ctx.clock.now()
    if event is None:
        return
    if not is_closed(event, now, zone):  # the event was moved later without re-arming
        await arm_feedback(ctx.session, event, now, zone)
        return
    t = ctx.translator(event.locale)
    card = await summary_card_of(ctx.session, event, t, zone, now)
    await say_in_thread(
        ctx.messenger, event, Message(card=card), dedupe_key=f"feedback:{event.id}:summary"
    )


async def _open_event(ctx: TaskContext, payload: dict[str, Any]) -> Event | None:
    event = await load_event(ctx.session, int(payload["event_id"]))
    if event is None or event.state is EventState.CANCELLED:
        return None
    return event


async def _translator(ctx: TaskContext, person_key: str, event: Event) -> Translator:
    """The person's language as Teams last told it, else the event's."""
    person = await get_person(ctx.session, person_key)
    return ctx.services.catalog.translator(locale_of(person.locale if person else event.locale))
