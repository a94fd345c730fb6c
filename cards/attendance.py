"""Cards of registration (参加登録): the registration card, the choice between several open
days, and the refusal.

Pure functions from view-models (built by dialogs.attendance.views) to Adaptive Card 1.5
dicts. Fixed sentences come from the catalog; user text (titles, venues, departments, notes)
only ever goes into TextRuns or input values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cards.common import Card, Element, card, execute, heading, open_url, paragraph, plain
from core.i18n import Translator

VERB_REGISTER = "event.register"  # 登録する: save the inputs
VERB_VIEW = "event.view"  # the presser's own registration card for an event
VERB_REGISTER_FOR = "attendees.edit.save"  # a coordinator saves someone else's registration
VERB_ONLINE = "event.register.online"  # a waitlisted person takes オンライン instead

# The registration card's input ids.
MODE_INPUT = "mode"
SLOT_INPUT = "slot"
MUNICIPALITY_INPUT = "municipality"
DEPARTMENT_INPUT = "department"
NOTE_INPUT = "note"
DEPARTMENT_MAX_LENGTH = 100
NOTE_MAX_LENGTH = 500

_SUBTLE = {"isSubtle": True, "size": "Small"}


@dataclass(frozen=True)
class Option:
    value: str
    title: str


@dataclass(frozen=True)
class FormValues:
    """What the inputs show: the person's own registration, their remembered 所属/部署 (in
    personal chat only), what they typed (after an error), or nothing (a channel post)."""

    mode: str = ""
    slot: str = ""
    municipality: str = ""
    department: str = ""
    note: str = ""


@dataclass(frozen=True)
class Notice:
    text: str  # catalog text
    color: str = "Good"  # Good | Warning | Attention


@dataclass(frozen=True)
class RegistrationView:
    event_id: int
    title: str
    when: str  # written by us
    registration_deadline: str  # formatted
    modes: tuple[Option, ...]
    slots: tuple[Option, ...]
    municipalities: tuple[Option, ...]
    values: FormValues = FormValues()
    venue: str | None = None
    notices: tuple[Notice, ...] = ()  # where the person stands, what just happened
    errors: tuple[str, ...] = ()  # what is wrong with what they sent
    offer_online: bool = False  # waitlisted: the button to take オンライン instead
    calendar_url: str | None = None  # the event's .ics, once registered
    meeting_url: str | None = None  # the meeting link, once registered online
    # A coordinator changing someone else's registration: whose (key and name).
    for_person: str | None = None
    for_name: str | None = None


def registration_card(view: RegistrationView, t: Translator) -> Card:
    """The card to register, change or cancel (欠席): one card for all three."""
    data: dict[str, Any] = {"event_id": view.event_id}
    body: list[Element] = [heading(t("attendance.card.heading"), size="Medium")]
    if view.for_person is not None:
        data["person_key"] = view.for_person
        body[0] = heading(t("attendance.card.heading_for"), size="Medium")
        body.append(plain((view.for_name or "", {"weight": "Bolder"})))
    body += [
        plain((view.title, {"size": "Large", "weight": "Bolder"})),
        _fact(t("attendance.card.when"), view.when),
    ]
    if view.venue:
        body.append(_fact(t("attendance.card.venue"), view.venue))
    body.append(_fact(t("attendance.card.deadline"), view.registration_deadline))
    for notice in view.notices:
        body.append(_notice(notice))
    if view.errors:
        body.append(_notice(Notice(t("attendance.card.fix"), "Attention")))
        body.extend(
            plain((error, {"color": "Attention", "size": "Small"})) for error in view.errors
        )
    if view.offer_online:
        body.append(
            {
                "type": "ActionSet",
                "actions": [execute(t("attendance.card.take_online"), VERB_ONLINE, data)],
            }
        )
    values = view.values
    body.append(
        _choices(
            MODE_INPUT,
            t("attendance.card.mode"),
            view.modes,
            values.mode,
            t,
            required=True,
            expanded=True,
        )
    )
    body.append(
        _choices(
            MUNICIPALITY_INPUT,
            t("attendance.card.municipality"),
            view.municipalities,
            values.municipality,
            t,
        )
    )
    body.append(
        {
            "type": "Input.Text",
            "id": DEPARTMENT_INPUT,
            "label": t("attendance.card.department"),
            "placeholder": t("attendance.card.department_placeholder"),
            "maxLength": max(DEPARTMENT_MAX_LENGTH, len(values.department)),
            "value": values.department,
        }
    )
    body.append(
        _choices(
            SLOT_INPUT,
            t("attendance.card.slot"),
            view.slots,
            values.slot or view.slots[0].value,
            t,
            expanded=True,
        )
    )
    body.append(
        {
            "type": "Input.Text",
            "id": NOTE_INPUT,
            "label": t("attendance.card.note"),
            "placeholder": t("attendance.card.note_placeholder"),
            "isMultiline": True,
            "maxLength": max(NOTE_MAX_LENGTH, len(values.note)),
            "value": values.note,
        }
    )
    body.append(paragraph(t("attendance.card.change_hint"), subtle=True, size="Small"))
    verb = VERB_REGISTER if view.for_person is None else VERB_REGISTER_FOR
    actions = [execute(t("attendance.card.submit"), verb, data, style="positive")]
    if view.calendar_url:
        actions.append(open_url(t("attendance.card.calendar"), view.calendar_url))
    if view.meeting_url:
        actions.append(open_url(t("events.card.join_online"), view.meeting_url))
    return card(body, actions)


@dataclass(frozen=True)
class EventOption:
    event_id: int
    title: str
    when: str
    # Registration has closed for this reader: the note (catalog text) says so in place of
    # the 参加登録 button, which would only lead to a refusal.
    closed_note: str | None = None


def event_choice_card(options: tuple[EventOption, ...], t: Translator) -> Card:
    """The upcoming days: which one to register for; those closed say so, without a button.
    When none takes registrations the heading says that instead of asking to choose."""
    some_open = any(option.closed_note is None for option in options)
    title = t("attendance.choose.heading") if some_open else t("attendance.flow.no_events")
    body: list[Element] = [heading(title, size="Medium")]
    for option in options:
        items: list[Element] = [
            plain((option.title, {"weight": "Bolder"})),
            plain((option.when, {"size": "Small"})),
        ]
        if option.closed_note is not None:
            items.append(paragraph(option.closed_note, subtle=True, size="Small"))
        else:
            button = execute(t("attendance.choose.open"), VERB_VIEW, {"event_id": option.event_id})
            items.append({"type": "ActionSet", "actions": [button]})
        body.append({"type": "Container", "separator": True, "items": items})
    return card(body)


def refusal_card(message: str, t: Translator, *, title: str | None = None) -> Card:
    """Registration is not possible (closed, cancelled, unknown): `message` is catalog text."""
    body: list[Element] = [heading(t("attendance.refusal.heading"), size="Medium")]
    if title:
        body.append(plain((title, {"weight": "Bolder"})))
    body.append({"type": "TextBlock", "text": message, "wrap": True, "color": "Attention"})
    return card(body)


def _choices(
    input_id: str,
    label: str,
    options: tuple[Option, ...],
    value: str,
    t: Translator,
    *,
    required: bool = False,
    expanded: bool = False,
) -> Element:
    element: Element = {
        "type": "Input.ChoiceSet",
        "id": input_id,
        "label": label,
        "style": "expanded" if expanded else "compact",
        "choices": [{"title": o.title, "value": o.value} for o in options],
    }
    if not expanded:
        element["placeholder"] = t("attendance.card.choose")
    if required:
        element["isRequired"] = True
        element["errorMessage"] = t("attendance.card.required")
    if value:
        element["value"] = value
    return element


def _fact(label: str, value: str) -> Element:
    return plain((f"{label}: ", _SUBTLE), (value, {"size": "Small"}))


def _notice(notice: Notice) -> Element:
    return {
        "type": "TextBlock",
        "text": notice.text,
        "wrap": True,
        "color": notice.color,
        "weight": "Bolder",
    }
