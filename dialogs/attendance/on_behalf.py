"""A coordinator changes someone else's registration — also after the deadline, when the
person can no longer change it themselves (they phoned, say, to cancel their seat).

Reached from the detailed 参加者一覧 (coordinators only, checked on the server for every verb):
pick the person, change their card, save. Only registrations that exist can be changed; the
person is told personally what the coordinator changed, and a freed seat goes to the first in
line as when people change it themselves.
"""

from __future__ import annotations

import unicodedata

from pydantic import BaseModel

from cards.attendance import VERB_REGISTER_FOR, Notice, registration_card
from cards.attendance_lists import (
    PERSON_INPUT,
    PERSON_NAME_INPUT,
    VERB_EDIT_FOR,
    person_picker_card,
)
from core.i18n import locale_of
from dialogs.attendance import store
from dialogs.attendance.inputs import ErrorCode, Form, FormErrors, read_choice
from dialogs.attendance.model import Registration
from dialogs.attendance.notices import tell_seated
from dialogs.attendance.views import (
    form_values,
    municipality_name,
    registration_view,
    status_notice,
)
from dialogs.context import Context
from dialogs.events.model import Event, EventState
from dialogs.events.store import load_event
from dialogs.events.views import refresh_event_card, when_label
from dialogs.replies import Card, Message, Reply, literal
from dialogs.router import Router, RowId
from storage.repositories.people import get_person

router = Router()

MAX_MATCHES = 30  # people offered when several names match what was typed


class EventRef(BaseModel):
    event_id: RowId


class PersonRef(BaseModel):
    """Whose registration: chosen by the coordinator, who is checked; the presser is still
    the activity's sender."""

    event_id: RowId
    person_key: str


@router.verb(VERB_EDIT_FOR, coordinator_only=True, data=EventRef)
async def open_for(ctx: Context) -> Reply:
    """登録を変更: the chosen person's registration card, for the coordinator to change."""
    assert isinstance(ctx.data, EventRef)
    person_key = str(ctx.turn.data.get(PERSON_INPUT) or "")
    if not person_key:
        return await _find_by_name(
            ctx, ctx.data.event_id, str(ctx.turn.data.get(PERSON_NAME_INPUT) or "")
        )
    found = await _registration(ctx, ctx.data.event_id, person_key)
    if isinstance(found, Reply):
        return found
    event, registration = found
    return Reply.show(_card(ctx, event, registration))


async def _find_by_name(ctx: Context, event_id: int, typed: str) -> Reply:
    """The registrations whose name contains what was typed (width and case aside): one opens
    at once, several are offered to pick from, none is said."""
    event = await load_event(ctx.session, event_id)
    if event is None or not await ctx.manages(event.conversation_id):
        return Reply.show(_refusal(ctx, "not_found"))
    wanted = _folded(typed)
    matches = [
        r
        for r in await store.registrations(ctx.session, event.id)
        if wanted and wanted in _folded(r.name)
    ]
    if not matches:
        return Reply.show(_refusal(ctx, "on_behalf.no_match"))
    if len(matches) == 1:
        return Reply.show(_card(ctx, event, matches[0]))
    people = tuple(
        (r.person_key, f"{r.name}（{municipality_name(r.municipality, ctx.t)}）")
        for r in matches[:MAX_MATCHES]
    )
    return Reply.show(person_picker_card(event.id, event.title, people, ctx.t))


def _folded(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


@router.verb(VERB_REGISTER_FOR, coordinator_only=True, data=PersonRef)
async def save_for(ctx: Context) -> Reply:
    """登録する on someone else's card: store it, seat the first in line if a seat came free,
    tell the person what changed, refresh the event card."""
    assert isinstance(ctx.data, PersonRef)
    found = await _registration(ctx, ctx.data.event_id, ctx.data.person_key)
    if isinstance(found, Reply):
        return found
    event, before = found
    choice = read_choice(ctx.turn.data)
    if isinstance(choice, FormErrors):
        return Reply.show(_card(ctx, event, before, typed=choice.form, errors=choice.errors))
    now = ctx.clock.now()
    saved = await store.register(
        ctx.session,
        event.id,
        person_key=before.person_key,
        name=before.name,
        choice=choice,
        now=now,
    )
    if saved is None:
        return Reply.show(_refusal(ctx, "not_found"))
    await tell_seated(
        ctx.session,
        ctx.messenger,
        ctx.services.catalog,
        event,
        saved.seated_others,
        because=ctx.turn.activity_id,
        now=now,
    )
    await _tell_person(ctx, event, saved.registration)
    await refresh_event_card(ctx.messenger, event)
    notice = Notice(ctx.t("attendance.flow.on_behalf.saved", name=literal(before.name)))
    return Reply.show(_card(ctx, event, saved.registration, notices=(notice,)))


async def _registration(
    ctx: Context, event_id: int, person_key: str
) -> tuple[Event, Registration] | Reply:
    event = await load_event(ctx.session, event_id)
    if event is None or not await ctx.manages(event.conversation_id):
        return Reply.show(_refusal(ctx, "not_found"))
    if event.state is EventState.CANCELLED:
        return Reply.show(_refusal(ctx, "cancelled"))
    registration = await store.registration_of(ctx.session, event.id, person_key)
    if registration is None:
        return Reply.show(_refusal(ctx, "on_behalf.not_registered"))
    return event, registration


def _card(
    ctx: Context,
    event: Event,
    registration: Registration,
    *,
    typed: Form | None = None,
    errors: tuple[ErrorCode, ...] = (),
    notices: tuple[Notice, ...] = (),
) -> Card:
    settings = ctx.services.settings
    view = registration_view(
        event,
        ctx.t,
        settings.zone,
        settings.public_base_url,
        own=registration,
        values=form_values(own=registration, typed=typed),
        notices=notices,
        errors=errors,
        for_person=registration,
    )
    return registration_card(view, ctx.t)


async def _tell_person(ctx: Context, event: Event, registration: Registration) -> None:
    """The person hears, in their language, that a coordinator changed their registration and
    where they stand now."""
    person = await get_person(ctx.session, registration.person_key)
    t = ctx.services.catalog.translator(locale_of(person.locale if person else event.locale))
    # Past the deadline the card no longer takes their changes: waiting offers no switch.
    closed = ctx.clock.now() >= event.registration_deadline
    standing = status_notice(registration, t, closed=closed).text
    text = t(
        "attendance.flow.on_behalf.told",
        title=literal(event.title),
        when=when_label(event, t),
        coordinator=literal(ctx.turn.actor.name),
        status=standing,
    )
    await ctx.messenger.send_to_person(
        registration.person_key,
        Message(text=text),
        dedupe_key=f"event:{event.id}:on-behalf:{registration.person_key}:{ctx.turn.activity_id}",
    )


def _refusal(ctx: Context, reason: str) -> Card:
    from cards.attendance import refusal_card

    return refusal_card(ctx.t(f"attendance.flow.{reason}"), ctx.t)


__all__ = ["router"]
