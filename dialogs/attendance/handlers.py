"""参加登録: registering for an IYO WORK day, changing it or cancelling it (欠席), on one card.

Who registers is always the activity's sender (`ctx.turn.actor.key`); card data only says
which event and what was chosen. What is personal (the person's registration, their
remembered 所属/部署) goes back in the invoke response or into their personal chat, never onto
a card the channel sees. The event's card in its thread is updated through the outbox.
"""

from __future__ import annotations

from pydantic import BaseModel

from cards.attendance import (
    VERB_ONLINE,
    VERB_REGISTER,
    VERB_VIEW,
    FormValues,
    Notice,
    event_choice_card,
    refusal_card,
    registration_card,
)
from cards.events import VERB_OWN_CARD
from dialogs.attendance import store
from dialogs.attendance.inputs import ErrorCode, Form, FormErrors, read_choice
from dialogs.attendance.model import Choice, Mode, Registration
from dialogs.attendance.notices import tell_seated
from dialogs.attendance.profile import load_profile, remember_profile
from dialogs.attendance.views import event_options, form_values, registration_view, status_notice
from dialogs.context import Context, TaskContext
from dialogs.events.model import Event, EventState
from dialogs.events.store import load_event, open_events
from dialogs.events.views import LIVE_CARD, refresh_event_card, render_event_card
from dialogs.platform.scope import turn_scope
from dialogs.replies import Card, Message, Reply
from dialogs.router import Router, RowId

router = Router()


class EventRef(BaseModel):
    """What the registration buttons carry: which event. Inputs ride along and are read
    separately; any identity in the data is ignored."""

    event_id: RowId


@router.command("register", order=20)
async def register_command(ctx: Context) -> Reply:
    """`参加登録`: the next day's registration card, or the choice when several are ahead.
    In a channel the card is posted for everyone to use, so it carries nobody's data. Only the
    days of this team (in a personal chat: of the person's teams) are offered; a day that is
    over is not, and one whose registration has closed is listed as closed, without the button
    that would only lead to a refusal (a coordinator keeps it in their own chat)."""
    zone = ctx.services.settings.zone
    now = ctx.clock.now()
    today = now.astimezone(zone).date()
    upcoming = await open_events(ctx.session, today, within=await turn_scope(ctx))
    events = [event for event in upcoming if now < event.ends_at(zone)]
    if not events:
        return Reply.say(ctx.t("attendance.flow.no_events"))
    personal = ctx.turn.place.kind == "personal"
    if len(events) == 1 and (personal or now < events[0].registration_deadline):
        event = events[0]
        if not personal:
            return Reply.show(_card(ctx, event))
        if (refusal := await _closed(ctx, event)) is not None:
            return refusal
        return Reply.show(await _own_card(ctx, event))
    # A closed day is listed rather than left out: someone looking for it should not take the
    # next day's card for its own.
    closed: set[int] = set()
    for event in events:
        if now >= event.registration_deadline and not (
            personal and await ctx.manages(event.conversation_id)
        ):
            closed.add(event.id)
    options = event_options(events, ctx.t, closed=frozenset(closed))
    return Reply.show(event_choice_card(options, ctx.t))


@router.verb(VERB_VIEW, data=EventRef)
async def view(ctx: Context) -> Reply:
    """The presser's own registration card for the event (the 参加登録 button)."""
    event = await _event(ctx)
    if isinstance(event, Reply):
        return event
    if (refusal := await _closed(ctx, event)) is not None:
        return refusal
    return Reply.show(await _own_card(ctx, event))


@router.verb(VERB_OWN_CARD, data=EventRef)
async def own_event_card(ctx: Context) -> Reply:
    """The event card as the sender sees it: where they stand on top. Teams fetches it by
    itself (the card's refresh) for those who registered, so their standing stays in view
    when the card changes for everyone."""
    event = await _event(ctx)
    if isinstance(event, Reply):
        return event
    rendered = await render_event_card(
        ctx.session,
        ctx.services.catalog,
        ctx.services.settings,
        event.id,
        now=ctx.clock.now(),
        viewer=ctx.turn.actor,
        viewer_locale=ctx.t.locale,
    )
    if rendered is None or rendered.card is None:
        return _refuse(ctx, "not_found")
    return Reply.show(rendered.card)


@router.verb(VERB_REGISTER, data=EventRef)
async def save(ctx: Context) -> Reply:
    """登録する: store the sender's choice, decide their seat, tell whoever got a seat because
    of it, refresh the event card, and show the sender where they stand."""
    event = await _event(ctx)
    if isinstance(event, Reply):
        return event
    if (refusal := await _closed(ctx, event)) is not None:
        return refusal
    choice = read_choice(ctx.turn.data)
    if isinstance(choice, FormErrors):
        return Reply.show(await _own_card(ctx, event, typed=choice.form, errors=choice.errors))
    return await _register(ctx, event, choice)


@router.verb(VERB_ONLINE, data=EventRef)
async def take_online(ctx: Context) -> Reply:
    """A waitlisted person takes オンライン instead: they leave the waitlist, the rest of
    their registration stays."""
    event = await _event(ctx)
    if isinstance(event, Reply):
        return event
    if (refusal := await _closed(ctx, event)) is not None:
        return refusal
    own = await store.registration_of(ctx.session, event.id, ctx.turn.actor.key)
    if own is None:
        return Reply.show(await _own_card(ctx, event))
    online = Choice(Mode.ONLINE, own.slot, own.municipality, own.department, own.note)
    return await _register(ctx, event, online)


@router.renderer(LIVE_CARD)
async def render_live_event_card(ctx: TaskContext, event_id: int) -> Message | None:
    """The event card in its thread as it is when the outbox sends the edit."""
    services = ctx.services
    return await render_event_card(
        ctx.session, services.catalog, services.settings, event_id, now=ctx.clock.now()
    )


async def _register(ctx: Context, event: Event, choice: Choice) -> Reply:
    actor = ctx.turn.actor
    now = ctx.clock.now()
    saved = await store.register(
        ctx.session, event.id, person_key=actor.key, name=actor.name, choice=choice, now=now
    )
    if saved is None:
        return _refuse(ctx, "not_found")
    if choice.municipality is not None:
        await remember_profile(
            ctx.session,
            actor.key,
            municipality=choice.municipality,
            department=choice.department,
            now=now,
        )
    services = ctx.services
    await tell_seated(
        ctx.session,
        ctx.messenger,
        services.catalog,
        event,
        saved.seated_others,
        because=ctx.turn.activity_id,
        now=now,
    )
    before, after = saved.previous, saved.registration
    unchanged = before is not None and _standing(before) == _standing(after)
    # 登録する pressed again with the same choice: the card everyone sees stays as it is.
    if not unchanged or before is None or before.name != after.name or saved.seated_others:
        await refresh_event_card(ctx.messenger, event)
    key = "saved" if before is None else "unchanged" if unchanged else "changed"
    notices = (Notice(ctx.t(f"attendance.flow.{key}")),)
    return Reply.show(await _own_card(ctx, event, notices=notices))


# --- helpers -------------------------------------------------------------------------------


def _standing(registration: Registration) -> tuple[object, ...]:
    """What the person chose and what the bot decided (not when, nor their display name)."""
    return (registration.choice(), registration.status, registration.position)


async def _event(ctx: Context) -> Event | Reply:
    """The event the card is about, or the refusal when it is gone or cancelled."""
    assert isinstance(ctx.data, EventRef)
    event = await load_event(ctx.session, ctx.data.event_id)
    if event is None or not await ctx.sees(event.conversation_id):
        return _refuse(ctx, "not_found")
    if event.state is EventState.CANCELLED:
        return _refuse(ctx, "cancelled", event)
    return event


async def _closed(ctx: Context, event: Event) -> Reply | None:
    """After the registration deadline only the day's coordinators may still register or
    change their own (others' through dialogs/attendance/on_behalf.py). Others are told so,
    with where they stand; once the day is over, just that it is over."""
    now = ctx.clock.now()
    if now < event.registration_deadline or await ctx.manages(event.conversation_id):
        return None
    if now >= event.ends_at(ctx.services.settings.zone):
        return _refuse(ctx, "over", event)
    own = await store.registration_of(ctx.session, event.id, ctx.turn.actor.key)
    message = ctx.t("attendance.flow.closed")
    if own is not None:
        message = f"{message}\n\n{status_notice(own, ctx.t, closed=True).text}"
    return Reply.show(refusal_card(message, ctx.t, title=event.title))


def _refuse(ctx: Context, reason: str, event: Event | None = None) -> Reply:
    title = event.title if event else None
    return Reply.show(refusal_card(ctx.t(f"attendance.flow.{reason}"), ctx.t, title=title))


def _card(
    ctx: Context,
    event: Event,
    *,
    values: FormValues | None = None,
    notices: tuple[Notice, ...] = (),
    errors: tuple[ErrorCode, ...] = (),
    own: Registration | None = None,
) -> Card:
    settings = ctx.services.settings
    view = registration_view(
        event,
        ctx.t,
        settings.zone,
        settings.public_base_url,
        own=own,
        values=values,
        notices=notices,
        errors=errors,
    )
    return registration_card(view, ctx.t)


async def _own_card(
    ctx: Context,
    event: Event,
    *,
    notices: tuple[Notice, ...] = (),
    typed: Form | None = None,
    errors: tuple[ErrorCode, ...] = (),
) -> Card:
    """The card as the sender alone sees it: their registration; in their personal chat and
    before they registered, their remembered 所属/部署."""
    key = ctx.turn.actor.key
    own = await store.registration_of(ctx.session, event.id, key)
    profile = None
    if own is None and typed is None and ctx.turn.place.kind == "personal":
        profile = await load_profile(ctx.session, key)
    if ctx.clock.now() >= event.registration_deadline:
        notices = (Notice(ctx.t("attendance.flow.closed_coordinator"), "Warning"), *notices)
    values = form_values(own=own, profile=profile, typed=typed)
    return _card(ctx, event, values=values, notices=notices, errors=errors, own=own)


__all__ = ["EventRef", "router"]
