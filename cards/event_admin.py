"""The coordinators' cards of an IYO WORK day (event): the menu behind the event card's
「コーディネーター用」 button, the edit form (the creation form's fields, prefilled) and the
question before cancelling. Each is returned to the coordinator alone.

Titles, venues, links and what was typed are user text: they only go into TextRuns and input
values, never into markdown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from cards.attendance import VERB_VIEW as VERB_REGISTRATION
from cards.common import Card, Element, card, execute, heading, paragraph, plain
from cards.event_forms import EventCreationView, event_fields
from core.i18n import Translator

VERB_COORDINATOR = "event.coordinator"
VERB_EDIT = "event.edit"
VERB_EDIT_SAVE = "event.edit.save"
VERB_CANCEL = "event.cancel"
VERB_CANCEL_CONFIRM = "event.cancel.confirm"

# Same ids as the creation form (dialogs.events.creation FORM_FIELDS), so one validation reads
# both.
EDIT_INPUTS: tuple[str, ...] = ("title", "date", "venue", "capacity", "meeting_url", "deadline")

_TITLE_MAX = 100
_VENUE_MAX = 100
_URL_MAX = 2000
_SUBTLE = {"isSubtle": True, "size": "Small"}

MenuState = Literal["open", "started", "cancelled"]


@dataclass(frozen=True)
class EventMenuView:
    event_id: int
    title: str
    when: str  # "12/15(火) 09:00–17:00", written by us
    registration_deadline: str  # formatted
    state: MenuState = "open"
    registration_closed: bool = False
    notice: str | None = None  # what the last action did


@dataclass(frozen=True)
class EventEditView:
    """The edit form: the creation form's fields with the event's values (or what was typed)
    and their errors."""

    event_id: int
    form: EventCreationView = field(default_factory=EventCreationView)


def coordinator_menu_card(view: EventMenuView, t: Translator) -> Card:
    """編集 and 中止 while the day is ahead; otherwise why nothing can change any more."""
    data = {"event_id": view.event_id}
    body: list[Element] = [
        _title(view.title),
        heading(t("events.admin.title"), size="Medium"),
        plain((f"{t('events.card.when')}: ", _SUBTLE), (view.when, {"size": "Small"})),
        plain(
            (f"{t('events.card.registration_deadline')}: ", _SUBTLE),
            (view.registration_deadline, {"size": "Small"}),
        ),
    ]
    if view.notice:
        body.append(_notice(view.notice, "Good"))
    back = execute(t("events.admin.back"), VERB_REGISTRATION, data)
    if view.state != "open":
        body.append(paragraph(t(f"events.admin.{view.state}")))
        return card(body, [back] if view.state == "started" else [])
    if view.registration_closed:
        body.append(paragraph(t("events.admin.closed_note"), subtle=True, size="Small"))
    actions = [
        execute(t("events.admin.edit"), VERB_EDIT, data, style="positive"),
        execute(t("events.admin.cancel"), VERB_CANCEL, data, style="destructive"),
        back,
    ]
    return card(body, actions)


def edit_card(view: EventEditView, t: Translator) -> Card:
    """The creation form's fields with the event's values; saving tells registrants what
    changed for them."""
    body: list[Element] = [heading(t("events.admin.edit_heading"))]
    body.extend(event_fields(view.form, t, capacity_note=t("events.admin.capacity_note")))
    body.append(paragraph(t("events.admin.told_note"), subtle=True, size="Small"))
    data = {"event_id": view.event_id}
    actions = [
        execute(t("events.admin.save"), VERB_EDIT_SAVE, data, style="positive"),
        execute(t("events.admin.back"), VERB_COORDINATOR, data),
    ]
    return card(body, actions)


def cancel_confirm_card(
    event_id: int, title: str, when: str, registered: int, t: Translator
) -> Card:
    """Asking once more before the day is cancelled; `registered` people will be told."""
    data = {"event_id": event_id}
    body: list[Element] = [
        _title(title),
        paragraph(t("events.admin.cancel_question", when=when, count=registered)),
    ]
    actions = [
        execute(t("events.admin.cancel_yes"), VERB_CANCEL_CONFIRM, data, style="destructive"),
        execute(t("events.admin.back"), VERB_COORDINATOR, data),
    ]
    return card(body, actions)


def admin_error_card(text: str, t: Translator) -> Card:
    return card([heading(t("events.admin.title"), size="Medium"), paragraph(text)])


def _title(title: str) -> Element:
    return plain((title, {"size": "Large", "weight": "Bolder"}))


def _notice(text: str, color: str) -> Element:
    """A line that may quote user text (a notice naming the event, say)."""
    return plain((text, {"color": color, "weight": "Bolder"}))
