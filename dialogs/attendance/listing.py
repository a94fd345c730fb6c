"""参加者一覧 / attendees and 参加状況 / participation: who is registered for one IYO WORK day,
and how each municipality has taken part so far.

Anyone may ask for the list: it shows names and municipalities, which the event's card shows
in its thread anyway. 部署 and メモ are for coordinators only and only on a card seen by them
alone: in their personal chat, or as the answer to the 詳細（コーディネーター用） button of a
list a coordinator asked for in a channel (a command's answer there is read by everyone).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel

from cards.attendance_lists import (
    VERB_DETAILS,
    AttendeesView,
    ListLine,
    ListSection,
    ParticipationRow,
    ParticipationView,
    attendees_card,
    participation_card,
)
from core.i18n import Translator
from dialogs.attendance import store
from dialogs.attendance.model import MUNICIPALITIES, OTHER, Registration, Slot
from dialogs.attendance.roster import (
    Participation,
    Roster,
    find_event,
    participation,
    past_attendance,
    roster,
)
from dialogs.attendance.views import municipality_name
from dialogs.context import Context
from dialogs.events.model import Event, EventState
from dialogs.events.store import load_event
from dialogs.events.views import short_name, when_label
from dialogs.platform.scope import turn_scope
from dialogs.replies import Card, Reply, quoted
from dialogs.router import Router, RowId

router = Router()

# Teams refuses a card above ~28 KB as sent (JSON, where a kanji escaped as \uXXXX takes 6
# bytes). The lines of a list share this many bytes; the rest of the card stays well under 4 KB.
LIST_BUDGET = 20_000
# What one line costs besides its text: a RichTextBlock with two styled TextRuns.
LINE_COST = 130
DEPARTMENT_MAX_LENGTH = 20
NOTE_MAX_LENGTH = 80


class EventRef(BaseModel):
    """What the 詳細 button carries: which event."""

    event_id: RowId


@router.command("attendees", order=21)
async def attendees_command(ctx: Context) -> Reply:
    """`参加者一覧 [number or title]`: who is registered. A coordinator gets 部署 and メモ in
    their personal chat; in a channel, the public list with a button to see them alone."""
    event = await event_asked_for(ctx)
    if event is None:
        return not_found(ctx)
    coordinator = await ctx.is_coordinator()
    personal = ctx.turn.place.kind == "personal"
    return Reply.show(
        await attendees_list(
            ctx,
            event,
            detailed=coordinator and personal,
            offer_details=coordinator and not personal,
        )
    )


@router.verb(VERB_DETAILS, coordinator_only=True, data=EventRef)
async def details(ctx: Context) -> Reply:
    """詳細（コーディネーター用）: the list with 部署 and メモ, as the presser's own card."""
    assert isinstance(ctx.data, EventRef)
    event = await load_event(ctx.session, ctx.data.event_id)
    if event is None or not await ctx.manages(event.conversation_id):
        return Reply.say(ctx.t("attendance.flow.not_found"))
    return Reply.show(await attendees_list(ctx, event, detailed=True))


@router.command("participation", order=22)
async def participation_command(ctx: Context) -> Reply:
    """`参加状況`: per municipality, how often it took part in past days, on site and online,
    and which municipalities have not taken part yet."""
    today = ctx.clock.now().astimezone(ctx.services.settings.zone).date()
    held, attended = await past_attendance(ctx.session, today, within=await turn_scope(ctx))
    view = participation_view(participation(held, attended), ctx.t)
    return Reply.show(participation_card(view, ctx.t))


# --- shared with the export ----------------------------------------------------------------


async def event_asked_for(ctx: Context) -> Event | None:
    """The event named after the command, else the one of this thread, else the next open
    one, else the latest past one, else the latest cancelled one (see `roster.find_event`)."""
    place = ctx.turn.place
    in_channel = place.kind != "personal"
    return await find_event(
        ctx.session,
        today=ctx.clock.now().astimezone(ctx.services.settings.zone).date(),
        reference=ctx.args,
        conversation_id=place.base_conversation_id if in_channel else None,
        thread_id=place.thread_id if in_channel else None,
        within=await turn_scope(ctx),
    )


def not_found(ctx: Context) -> Reply:
    reference = ctx.args.strip()
    if reference:
        return Reply.say(ctx.t("attendance.lists.not_found", reference=quoted(reference)))
    return Reply.say(ctx.t("attendance.lists.none"))


async def attendees_list(
    ctx: Context, event: Event, *, detailed: bool, offer_details: bool = False
) -> Card:
    registered = await store.registrations(ctx.session, event.id)
    view = attendees_view(event, roster(registered), ctx.t, detailed=detailed)
    if offer_details:
        view = dataclasses.replace(view, offer_details=True)
    if detailed and registered:
        view = dataclasses.replace(view, editable=True)
    return attendees_card(view, ctx.t)


# --- views ---------------------------------------------------------------------------------


@dataclass
class _Draft:
    """A section before it is fitted into the card: lines of (label, entries)."""

    heading: str
    lines: list[tuple[str, list[str]]] = field(default_factory=list)
    unit: str = "people"  # what "ほか n" counts: people | notes

    def need(self, separator: int) -> int:
        return sum(_line_cost(label, entries, separator) for label, entries in self.lines)


def attendees_view(event: Event, listed: Roster, t: Translator, *, detailed: bool) -> AttendeesView:
    """The list in one reader's language. `detailed` adds 部署 and メモ (coordinators only).
    However many registered, the lines fit LIST_BUDGET: space is shared among the sections,
    and what does not fit is counted as "ほか n名"."""
    drafts = [
        _Draft(
            _onsite_heading(event, len(listed.seated), t),
            _by_municipality(listed.seated, t, detailed),
        ),
        _Draft(
            t("attendance.event.online", count=len(listed.online)),
            _by_municipality(listed.online, t, detailed),
        ),
    ]
    if listed.waitlisted or event.capacity is not None:
        waiting = [
            t(
                "attendance.lists.position",
                position=r.position or place,
                entry=_entry(r, t, detailed, municipality=True),
            )
            for place, r in enumerate(listed.waitlisted, start=1)
        ]
        drafts.append(
            _Draft(
                t("attendance.event.waitlisted", count=len(listed.waitlisted)),
                [("", waiting)] if waiting else [],
            )
        )
    if detailed:
        noted = [r for r in (*listed.seated, *listed.online, *listed.waitlisted) if r.note.strip()]
        if noted:
            lines = [
                (
                    t("attendance.lists.note_label", name=short_name(r.name)),
                    [_shorten(r.note, NOTE_MAX_LENGTH)],
                )
                for r in noted
            ]
            drafts.append(_Draft(t("attendance.lists.notes", count=len(noted)), lines, "notes"))
    separator = t("attendance.event.name_separator")
    sections = _fit(drafts, separator, t)
    notices: list[str] = []
    if event.state is EventState.CANCELLED:
        notices.append(t("attendance.lists.cancelled"))
    if listed.empty:
        notices.append(t("attendance.lists.nobody"))
    return AttendeesView(
        event_id=event.id,
        title=event.title,
        when=when_label(event, t),
        sections=sections,
        absent=t("attendance.lists.absent", count=listed.absent) if listed.absent else None,
        notices=tuple(notices),
        hint=None if listed.empty else t("attendance.lists.slot_hint"),
        detailed=detailed,
    )


def participation_view(record: Participation, t: Translator) -> ParticipationView:
    """参加状況 in one reader's language."""
    if record.events == 0:
        return ParticipationView(summary=t("attendance.participation.no_events"))
    separator = t("attendance.event.name_separator")
    never = separator.join(municipality_name(code, t) for code in record.never)
    return ParticipationView(
        summary=t("attendance.participation.summary", events=record.events),
        rows=tuple(
            ParticipationRow(
                name=municipality_name(r.code, t),
                onsite=r.onsite_events,
                online=r.online_events,
                people=r.people,
            )
            for r in record.records
        ),
        never=t("attendance.participation.never", names=never) if record.never else None,
        everyone=None if record.never else t("attendance.participation.everyone"),
        note=t("attendance.participation.note"),
    )


def _onsite_heading(event: Event, seated: int, t: Translator) -> str:
    if event.capacity is None:
        return t("attendance.event.onsite", count=seated)
    return t("attendance.event.onsite_of", count=seated, capacity=event.capacity)


def _by_municipality(
    registered: Sequence[Registration], t: Translator, detailed: bool
) -> list[tuple[str, list[str]]]:
    """One line per municipality in the prefecture's order: `今治市（2）: ` and its people."""
    groups: dict[str, list[str]] = {}
    for registration in registered:
        code = registration.municipality if registration.municipality in MUNICIPALITIES else OTHER
        groups.setdefault(code, []).append(_entry(registration, t, detailed, municipality=False))
    return [
        (
            t("attendance.event.group", name=municipality_name(code, t), count=len(groups[code])),
            groups[code],
        )
        for code in MUNICIPALITIES
        if code in groups
    ]


def _entry(registration: Registration, t: Translator, detailed: bool, *, municipality: bool) -> str:
    """`今治 花子（今治市・デジタル推進課・午前）`: the name, then what the line does not say
    already; 終日 goes without saying, 部署 only for coordinators."""
    parts: list[str] = []
    if municipality:
        parts.append(municipality_name(registration.municipality, t))
    if detailed and registration.department.strip():
        parts.append(_shorten(registration.department, DEPARTMENT_MAX_LENGTH))
    if registration.slot is not Slot.ALLDAY:
        parts.append(t(f"attendance.slots.{registration.slot.value}"))
    name = short_name(registration.name)
    if not parts:
        return name
    joined = t("attendance.lists.parts_separator").join(parts)
    return name + t("attendance.lists.detail", parts=joined)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _size(text: str) -> int:
    """Bytes `text` takes in the card as sent (JSON-escaped)."""
    return len(json.dumps(text)) - 2


def _line_cost(label: str, entries: Sequence[str], separator: int) -> int:
    if not entries:
        return 0
    return (
        LINE_COST
        + _size(label)
        + sum(_size(entry) for entry in entries)
        + separator * (len(entries) - 1)
    )


def _allot(needs: Sequence[int], budget: int) -> list[int]:
    """Shares of `budget`: the smallest needs are met in full, the rest split what is left."""
    allotted = [0] * len(needs)
    left = budget
    order = sorted(range(len(needs)), key=lambda index: needs[index])
    for done, index in enumerate(order):
        allotted[index] = min(needs[index], left // (len(order) - done))
        left -= allotted[index]
    return allotted


def _fit(drafts: Sequence[_Draft], separator_text: str, t: Translator) -> tuple[ListSection, ...]:
    separator = _size(separator_text)
    shares = _allot([draft.need(separator) for draft in drafts], LIST_BUDGET)
    return tuple(
        _fitted(draft, share, separator_text, t)
        for draft, share in zip(drafts, shares, strict=True)
    )


def _fitted(draft: _Draft, share: int, separator_text: str, t: Translator) -> ListSection:
    """The section with as many entries as `share` bytes hold, the rest counted."""
    separator = _size(separator_text)
    lines: list[ListLine] = []
    left = share
    hidden = 0
    for label, entries in draft.lines:
        shown: list[str] = []
        for entry in entries:
            cost = _size(entry) + (separator if shown else LINE_COST + _size(label))
            if hidden or cost > left:
                hidden += 1
                continue
            shown.append(entry)
            left -= cost
        if shown:
            lines.append(ListLine(label, separator_text.join(shown)))
    more = None
    if hidden:
        more = t(f"attendance.lists.more_{draft.unit}", count=hidden)
    return ListSection(draft.heading, tuple(lines), more)
