"""感想 in Teams: the form after an IYO WORK day, answered and changed until the deadline, and
感想まとめ, the summary so far.

Who answers is always the activity's sender (`ctx.turn.actor.key`); card data only says which
event and what was filled in. The form with someone's answer goes back in the invoke response
or into their personal chat, never onto a card the channel sees. Anyone may answer, registered
or not; those not registered to come are counted as 未登録.
"""

from __future__ import annotations

from pydantic import BaseModel

from cards.feedback import (
    VERB_OPEN,
    VERB_SUBMIT,
    Notice,
    feedback_card,
    invitation_card,
    refusal_card,
)
from dialogs.attendance.profile import load_profile
from dialogs.attendance.store import registration_of
from dialogs.context import Context
from dialogs.events.model import Event, EventState
from dialogs.events.store import load_event
from dialogs.feedback import export, store, tasks
from dialogs.feedback.inputs import FieldError, Forged, Form, FormErrors, read_answer
from dialogs.feedback.publishing import is_closed, participation_of, summary_card_of
from dialogs.feedback.views import deadline_label, form_view, invitation_view
from dialogs.platform.scope import turn_scope
from dialogs.replies import Card, Reply
from dialogs.router import Router, RowId

router = Router()


class EventRef(BaseModel):
    """What the feedback buttons carry: which event. Inputs ride along and are read
    separately; any identity in the data is ignored."""

    event_id: RowId


@router.command("feedback", order=30)
async def feedback_command(ctx: Context) -> Reply:
    """`感想`: the form of the latest IYO WORK day that has ended. In a channel the card is
    posted for everyone, so it is the invitation that opens each person's own form."""
    zone = ctx.services.settings.zone
    scope = await turn_scope(ctx)
    event = await store.latest_ended_event(ctx.session, ctx.clock.now(), zone, within=scope)
    if event is None:
        return Reply.say(ctx.t("feedback.flow.no_events"))
    if (refusal := _refusal(ctx, event)) is not None:
        return refusal
    if ctx.turn.place.kind != "personal":
        return Reply.show(invitation_card(invitation_view(event, ctx.t, zone), ctx.t))
    return Reply.show(await _own_card(ctx, event))


@router.command("feedback_summary", order=31)
async def summary_command(ctx: Context) -> Reply:
    """`感想まとめ`: the latest ended day's summary so far (counts only from 3 answers)."""
    zone = ctx.services.settings.zone
    now = ctx.clock.now()
    event = await store.latest_ended_event(ctx.session, now, zone, within=await turn_scope(ctx))
    if event is None:
        return Reply.say(ctx.t("feedback.flow.no_events"))
    return Reply.show(await summary_card_of(ctx.session, event, ctx.t, zone, now))


@router.verb(VERB_OPEN, data=EventRef)
async def open_form(ctx: Context) -> Reply:
    """感想を書く: the presser's own form, with their answer when they gave one."""
    event = await _event(ctx)
    if isinstance(event, Reply):
        return event
    if (refusal := _refusal(ctx, event)) is not None:
        return refusal
    return Reply.show(await _own_card(ctx, event))


@router.verb(VERB_SUBMIT, data=EventRef)
async def submit(ctx: Context) -> Reply:
    """送信する: store the sender's answer (replacing an earlier one) and show it back. After
    the deadline, or with a value no real card sends, nothing is stored."""
    event = await _event(ctx)
    if isinstance(event, Reply):
        return event
    if (refusal := _refusal(ctx, event)) is not None:
        return refusal
    parsed = read_answer(ctx.turn.data)
    if isinstance(parsed, Forged):
        message = ctx.t("feedback.errors.forged")
        return Reply.show(refusal_card(message, ctx.t, title=event.title, event_id=event.id))
    if isinstance(parsed, FormErrors):
        return Reply.show(_card(ctx, event, form=parsed.form, errors=parsed.errors))
    actor = ctx.turn.actor
    registration = await registration_of(ctx.session, event.id, actor.key)
    municipality: str | None
    if registration is not None and registration.municipality:
        municipality, department = registration.municipality, registration.department
    else:
        profile = await load_profile(ctx.session, actor.key)
        municipality, department = profile.municipality, profile.department
    edited = await store.save_feedback(
        ctx.session,
        event.id,
        person_key=actor.key,
        name=actor.name,
        municipality=municipality,
        department=department,
        participation=participation_of(registration),
        answer=parsed,
        now=ctx.clock.now(),
    )
    notice = Notice(ctx.t("feedback.card.changed" if edited else "feedback.card.saved"))
    return Reply.show(_card(ctx, event, form=Form.of(parsed), notices=(notice,)))


# --- helpers -------------------------------------------------------------------------------


async def _event(ctx: Context) -> Event | Reply:
    """The event the card is about, or the refusal when it is gone or cancelled."""
    assert isinstance(ctx.data, EventRef)
    event = await load_event(ctx.session, ctx.data.event_id)
    if event is None or not await ctx.sees(event.conversation_id):
        return Reply.show(refusal_card(ctx.t("feedback.flow.not_found"), ctx.t))
    if event.state is EventState.CANCELLED:
        message = ctx.t("feedback.flow.cancelled")
        return Reply.show(refusal_card(message, ctx.t, title=event.title))
    return event


def _refusal(ctx: Context, event: Event) -> Reply | None:
    """Answers are taken from the end of the event until the deadline."""
    zone = ctx.services.settings.zone
    now = ctx.clock.now()
    if now < event.ends_at(zone):
        message = ctx.t("feedback.flow.not_ended")
    elif is_closed(event, now, zone):
        message = ctx.t("feedback.flow.closed", deadline=deadline_label(event, zone, ctx.t))
    else:
        return None
    return Reply.show(refusal_card(message, ctx.t, title=event.title))


async def _own_card(ctx: Context, event: Event) -> Card:
    own = await store.feedback_of(ctx.session, event.id, ctx.turn.actor.key)
    return _card(ctx, event, form=Form.of(own.answer) if own else None)


def _card(
    ctx: Context,
    event: Event,
    *,
    form: Form | None = None,
    notices: tuple[Notice, ...] = (),
    errors: tuple[FieldError, ...] = (),
) -> Card:
    view = form_view(
        event, ctx.t, ctx.services.settings.zone, form=form, notices=notices, errors=errors
    )
    return feedback_card(view, ctx.t)


router.include(tasks.router, export.router)

__all__ = ["EventRef", "router"]
