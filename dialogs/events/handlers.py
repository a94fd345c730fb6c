"""イベント作成 / event: a coordinator creates an IYO WORK day directly (one line, or the form).

The event is posted in the channel as a new thread; its card is where people look from then
on. What goes wrong comes back as the creation card, every problem next to its field and what
was typed kept. A day on which offices are closed is allowed and pointed out.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, tzinfo

from cards.event_forms import VERB_CREATE, EventCreationView, event_creation_card, notice_card
from cards.events import event_card
from cards.forms import FieldView
from core.i18n import Translator
from core.jpcalendar import format_date_long, format_date_marked, format_time, non_business_reason
from core.jpdates import explain as explain_date_error
from dialogs.context import Context
from dialogs.events import store
from dialogs.events.creation import (
    EventDraftErrors,
    EventError,
    FieldName,
    parse_event_command,
    validate_event_form,
)
from dialogs.events.model import Event, EventDraft
from dialogs.events.tasks import arm_event_tasks
from dialogs.events.views import event_view, when_label
from dialogs.feedback.schedule import arm_feedback
from dialogs.replies import Card, Message, Reply, literal
from dialogs.router import Router

router = Router()


@router.command("event", coordinator_only=True, order=13)
async def create_by_command(ctx: Context) -> Reply:
    """`イベント作成 <title> <date> [time] [会場:…] [定員:…] [URL:…] [締切:…]`, or the form
    alone."""
    zone = ctx.services.settings.zone
    if ctx.turn.place.kind != "channel":  # said before the form is filled in, not after
        return Reply.say(ctx.t("events.create.channel_only"))
    if not ctx.args.strip():
        return Reply.show(event_creation_card(EventCreationView(), ctx.t))
    result = parse_event_command(ctx.args, ctx.clock.now(), zone)
    if isinstance(result, EventDraftErrors):
        return Reply.show(creation_errors_card(result, ctx.t, zone))
    event = await _publish(ctx, result)
    return Reply.say(created_text(event, ctx.t))


@router.verb(VERB_CREATE, coordinator_only=True)
async def create_from_form(ctx: Context) -> Reply:
    """The creation card's 作成する: the event is posted, or the form comes back with errors."""
    zone = ctx.services.settings.zone
    if ctx.turn.place.kind != "channel":
        return Reply.say(ctx.t("events.create.channel_only"))
    result = validate_event_form(ctx.turn.data, ctx.clock.now(), zone)
    if isinstance(result, EventDraftErrors):
        return Reply.show(creation_errors_card(result, ctx.t, zone))
    event = await _publish(ctx, result)
    return Reply.show(notice_card(created_text(event, ctx.t)))


async def _publish(ctx: Context, draft: EventDraft) -> Event:
    """Store the event and post its card as a new thread in this channel."""
    settings = ctx.services.settings
    conversation_id = ctx.turn.place.base_conversation_id
    event = await store.create_event(
        ctx.session,
        draft,
        conversation_id=conversation_id,
        thread_outbox_id=None,
        poll_id=None,
        creator_key=ctx.turn.actor.key,
        locale=ctx.t.locale,
        now=ctx.clock.now(),
    )
    view = event_view(event, ctx.t, settings.zone, settings.public_base_url)
    post_id = await ctx.messenger.post_to_channel(
        conversation_id, Message(card=event_card(view, ctx.t))
    )
    await store.set_thread(ctx.session, event.id, post_id)
    await arm_event_tasks(ctx.session, event, ctx.clock.now(), settings.zone)
    await arm_feedback(ctx.session, event, ctx.clock.now(), settings.zone)
    return dataclasses.replace(event, thread_outbox_id=post_id)


def created_text(event: Event, t: Translator) -> str:
    """`IYO WORK「…」(1/20(水) 10:00–16:00) を投稿しました。`, and why offices are closed
    that day when they are."""
    text = t("events.create.created", title=literal(event.title), when=when_label(event, t))
    note = closed_day_note(event.day, t)
    return f"{text}\n\n{note}" if note else text


def closed_day_note(day: date, t: Translator) -> str | None:
    """`1/11(月・祝) は成人の日で、役所はお休みの日です。`, None on a business day."""
    reason = non_business_reason(day, t.locale, catalog=t.catalog)
    if reason is None:
        return None
    marked = format_date_marked(day, t.locale, catalog=t.catalog)
    return t("events.create.closed_day", date=marked, reason=reason)


def creation_errors_card(result: EventDraftErrors, t: Translator, zone: tzinfo) -> Card:
    """The creation card with what was typed and, next to each field, what is wrong."""

    def field_view(name: FieldName, value: str) -> FieldView:
        return FieldView(value, tuple(explain(e, t, zone) for e in result.for_field(name)))

    form = result.form
    view = EventCreationView(
        title=field_view("title", form.title),
        date=field_view("date", form.date),
        venue=field_view("venue", form.venue),
        capacity=field_view("capacity", form.capacity),
        meeting_url=field_view("meeting_url", form.meeting_url),
        deadline=field_view("deadline", form.deadline),
        date_note=closed_day_note(result.day, t) if result.day else None,
        other_errors=tuple(explain(e, t, zone) for e in result.for_field("other")),
    )
    return event_creation_card(view, t)


def explain(error: EventError, t: Translator, zone: tzinfo) -> str:
    """The error as one sentence for the reader (it may quote what they typed)."""
    if error.date_error is not None:
        return explain_date_error(error.date_error, t)
    params: dict[str, object] = {
        "original": error.original,
        "field": t(f"events.create.fields.{error.field}"),
    }
    for name, value in error.details.items():
        if isinstance(value, datetime):
            local = value.astimezone(zone)
            day = format_date_long(local.date(), t.locale, catalog=t.catalog)
            params[name] = f"{day} {format_time(local.time())}"
        elif isinstance(value, date):
            params[name] = format_date_long(value, t.locale, catalog=t.catalog)
        elif isinstance(value, time):
            params[name] = format_time(value)
        else:
            params[name] = value
    return t(f"events.errors.{error.code}", **params)


__all__ = ["closed_day_note", "created_text", "creation_errors_card", "explain", "router"]
