"""The creation card of an IYO WORK day (event): the form behind `イベント作成` alone, shown
again with what was typed and what is wrong. Field values and error sentences may contain user
text, so they only go into input values and TextRuns."""

from __future__ import annotations

from dataclasses import dataclass, field

from cards.common import Card, Element, card, execute, heading, plain
from cards.polls import FieldView
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
    body: list[Element] = [heading(t("events.create.heading"))]
    fields = (view.title, view.date, view.venue, view.capacity, view.meeting_url, view.deadline)
    if view.other_errors or any(f.errors for f in fields):
        body.append(_notice(t("events.create.fix"), "Attention"))
    body.extend(_lines(view.other_errors, "Attention"))
    body.extend(_text_input("title", view.title, t, required=True, max_length=_TITLE_MAX))
    body.extend(_text_input("date", view.date, t, required=True))
    if view.date_note:
        body.extend(_lines((view.date_note,), "Warning"))
    body.extend(_text_input("venue", view.venue, t, max_length=_VENUE_MAX))
    body.extend(_text_input("capacity", view.capacity, t))
    body.extend(_text_input("meeting_url", view.meeting_url, t, max_length=_URL_MAX, url=True))
    body.extend(_text_input("deadline", view.deadline, t))
    return card(body, [execute(t("events.create.submit"), VERB_CREATE, {}, style="positive")])


def _text_input(
    name: str,
    view: FieldView,
    t: Translator,
    *,
    required: bool = False,
    max_length: int | None = None,
    url: bool = False,
) -> list[Element]:
    element: Element = {
        "type": "Input.Text",
        "id": name,
        "label": t(f"events.create.{name}"),
        "placeholder": t(f"events.create.{name}_placeholder"),
        "value": view.value,
    }
    if required:
        element["isRequired"] = True
        element["errorMessage"] = t("events.create.required")
    if url:
        element["style"] = "Url"
    if max_length:
        # Room beyond the limit, so a too-long value typed in the command can be shown again.
        element["maxLength"] = max(max_length, len(view.value))
    return [element, *_lines(view.errors, "Attention")]


def _notice(text: str, color: str) -> Element:
    return {"type": "TextBlock", "text": text, "wrap": True, "color": color, "weight": "Bolder"}


def _lines(messages: tuple[str, ...], color: str) -> list[Element]:
    return [plain((message, {"color": color, "size": "Small"})) for message in messages]


def notice_card(text: str) -> Card:
    """A one-sentence answer in place of the form (it may quote user text)."""
    return card([plain(text)])
