"""The creation card of an IYO WORK day (event): the form behind `イベント作成` alone, shown
again with what was typed and what is wrong. Field values and error sentences may contain user
text, so they only go into input values and TextRuns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cards.common import Card, Element, card, execute, heading, paragraph, plain
from cards.forms import FieldView, error_lines, text_field
from core.i18n import Translator

VERB_CREATE = "event.create"

# Input ids (dialogs.events.creation FORM_FIELDS reads the same names).
FORM_INPUTS: tuple[str, ...] = ("title", "date", "venue", "capacity", "meeting_url", "deadline")

_TITLE_MAX = 100
_VENUE_MAX = 100
_URL_MAX = 2000


@dataclass(frozen=True)
class EventCreationView:
    title: FieldView = field(default_factory=FieldView)
    date: FieldView = field(default_factory=FieldView)
    venue: FieldView = field(default_factory=FieldView)
    capacity: FieldView = field(default_factory=FieldView)
    meeting_url: FieldView = field(default_factory=FieldView)
    deadline: FieldView = field(default_factory=FieldView)
    date_note: str | None = None  # the day is a holiday or weekend (allowed, but said)
    other_errors: tuple[str, ...] = ()  # problems that belong to no field


def event_creation_card(view: EventCreationView, t: Translator) -> Card:
    body: list[Element] = [heading(t("events.create.heading")), *event_fields(view, t)]
    return card(body, [execute(t("events.create.submit"), VERB_CREATE, {}, style="positive")])


def event_fields(
    view: EventCreationView, t: Translator, *, capacity_note: str | None = None
) -> list[Element]:
    """The day's fields, shared by the creation and the edit form: what is wrong on top, each
    field with its errors, a note under the date when offices are closed that day."""
    fields = (view.title, view.date, view.venue, view.capacity, view.meeting_url, view.deadline)
    body: list[Element] = []
    if view.other_errors or any(f.errors for f in fields):
        body.append(_notice(t("events.create.fix"), "Attention"))
    body.extend(error_lines(view.other_errors))
    body.extend(_field("title", view.title, t, required=True, max_length=_TITLE_MAX))
    body.extend(_field("date", view.date, t, required=True))
    if view.date_note:
        body.extend(error_lines((view.date_note,), "Warning"))
    body.extend(_field("venue", view.venue, t, max_length=_VENUE_MAX))
    body.extend(_field("capacity", view.capacity, t))
    if capacity_note:
        body.append(paragraph(capacity_note, subtle=True, size="Small"))
    body.extend(_field("meeting_url", view.meeting_url, t, max_length=_URL_MAX, url=True))
    body.extend(_field("deadline", view.deadline, t))
    return body


def _field(name: str, view: FieldView, t: Translator, **options: Any) -> list[Element]:
    return text_field(name, view, t, catalog="events.create", **options)


def _notice(text: str, color: str) -> Element:
    return {"type": "TextBlock", "text": text, "wrap": True, "color": color, "weight": "Bolder"}


def notice_card(text: str) -> Card:
    """A one-sentence answer in place of the form (it may quote user text)."""
    return card([plain(text)])
