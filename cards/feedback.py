"""Cards of impressions (感想): the form, the invitation posted in the event's thread, the
closed and refusal cards, and the summary.

Pure functions from view-models (built by dialogs.feedback.views) to Adaptive Card 1.5
dicts. Only plain elements that Teams mobile renders: TextBlock/RichTextBlock, Input.Text,
Input.ChoiceSet (expanded: radio buttons and checkboxes), Input.Toggle and Action.Execute.
Fixed sentences come from the catalog; user text (titles, answers, names) only ever goes
into TextRuns or input values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cards.common import Card, Element, card, execute, heading, paragraph, plain
from core.i18n import Translator

VERB_OPEN = "feedback.open"  # the presser's own form for an event
VERB_SUBMIT = "feedback.submit"  # 送信する: save the inputs

RATING_INPUT = "rating"
GOOD_INPUT = "good"
TROUBLE_INPUT = "trouble"
ISSUES_INPUT = "issues"
ISSUE_DETAILS_INPUT = "issue_details"
NEXT_THEMES_INPUT = "next_themes"
AGAIN_INPUT = "again"
RECOMMEND_INPUT = "recommend"
ANONYMOUS_INPUT = "anonymous"
TOGGLE_ON = "true"
TOGGLE_OFF = "false"

_SUBTLE = {"isSubtle": True, "size": "Small"}


@dataclass(frozen=True)
class Option:
    value: str
    title: str


@dataclass(frozen=True)
class Notice:
    text: str  # catalog text
    color: str = "Good"  # Good | Warning | Attention


@dataclass(frozen=True)
class FormValues:
    """What the inputs show: the person's own answer, what they sent (after an error), or
    nothing."""

    rating: str = ""
    good: str = ""
    trouble: str = ""
    issues: tuple[str, ...] = ()
    issue_details: str = ""
    next_themes: str = ""
    again: str = ""
    recommend: str = ""
    anonymous: bool = False


@dataclass(frozen=True)
class FormView:
    """The form for one reader. `errors` are (input id, sentence) shown under that input;
    `max_length` is the limit of every text field."""

    event_id: int
    title: str
    when: str  # written by us
    deadline: str  # formatted
    ratings: tuple[Option, ...]
    issues: tuple[Option, ...]
    intents: tuple[Option, ...]
    max_length: int
    values: FormValues = FormValues()
    notices: tuple[Notice, ...] = ()
    errors: tuple[tuple[str, str], ...] = ()


def feedback_card(view: FormView, t: Translator) -> Card:
    """The impressions form: one card to answer and to change the answer until the deadline."""
    values = view.values
    errors = dict(view.errors)
    body: list[Element] = [
        heading(t("feedback.card.heading"), size="Medium"),
        plain((view.title, {"size": "Large", "weight": "Bolder"})),
        _fact(t("feedback.card.when"), view.when),
        _fact(t("feedback.card.deadline"), view.deadline),
        paragraph(t("feedback.card.intro"), subtle=True, size="Small"),
    ]
    body.extend(_notice(notice) for notice in view.notices)
    if errors:
        body.append(_notice(Notice(t("feedback.card.fix"), "Attention")))

    def text_input(input_id: str, label: str, placeholder: str, value: str) -> list[Element]:
        element: Element = {
            "type": "Input.Text",
            "id": input_id,
            "label": label,
            "placeholder": placeholder,
            "isMultiline": True,
            # Never shorter than what is shown: an over-long text comes back whole.
            "maxLength": max(view.max_length, len(value)),
            "value": value,
        }
        return [element, *_error(errors.get(input_id))]

    body.append(
        _choices(
            RATING_INPUT,
            t("feedback.card.rating"),
            view.ratings,
            values.rating,
            required_message=t("feedback.card.rating_required"),
        )
    )
    body.extend(_error(errors.get(RATING_INPUT)))
    body.extend(
        text_input(
            GOOD_INPUT, t("feedback.card.good"), t("feedback.card.good_placeholder"), values.good
        )
    )
    body.extend(
        text_input(
            TROUBLE_INPUT,
            t("feedback.card.trouble"),
            t("feedback.card.trouble_placeholder"),
            values.trouble,
        )
    )
    body.append(
        _choices(
            ISSUES_INPUT,
            t("feedback.card.issues"),
            view.issues,
            ",".join(values.issues),
            multi=True,
        )
    )
    body.extend(
        text_input(
            ISSUE_DETAILS_INPUT,
            t("feedback.card.issue_details"),
            t("feedback.card.issue_details_placeholder"),
            values.issue_details,
        )
    )
    body.extend(
        text_input(
            NEXT_THEMES_INPUT,
            t("feedback.card.next_themes"),
            t("feedback.card.next_themes_placeholder"),
            values.next_themes,
        )
    )
    body.append(_choices(AGAIN_INPUT, t("feedback.card.again"), view.intents, values.again))
    body.append(
        _choices(RECOMMEND_INPUT, t("feedback.card.recommend"), view.intents, values.recommend)
    )
    body.append(
        {
            "type": "Input.Toggle",
            "id": ANONYMOUS_INPUT,
            "title": t("feedback.card.anonymous"),
            "valueOn": TOGGLE_ON,
            "valueOff": TOGGLE_OFF,
            "value": TOGGLE_ON if values.anonymous else TOGGLE_OFF,
            "wrap": True,
        }
    )
    body.append(paragraph(t("feedback.card.anonymous_hint"), subtle=True, size="Small"))
    data = {"event_id": view.event_id}
    return card(body, [execute(t("feedback.card.submit"), VERB_SUBMIT, data, style="positive")])


@dataclass(frozen=True)
class InvitationView:
    event_id: int
    title: str
    when: str
    deadline: str


def invitation_card(view: InvitationView, t: Translator) -> Card:
    """Posted in the event's thread when it ends: everyone (registered or not) opens their
    own form from it. It carries nobody's answer."""
    body: list[Element] = [
        heading(t("feedback.invitation.heading"), size="Medium"),
        plain((view.title, {"size": "Large", "weight": "Bolder"})),
        _fact(t("feedback.card.when"), view.when),
        _fact(t("feedback.card.deadline"), view.deadline),
        paragraph(t("feedback.invitation.body")),
    ]
    open_form = execute(
        t("feedback.invitation.open"), VERB_OPEN, {"event_id": view.event_id}, style="positive"
    )
    return card(body, [open_form])


def refusal_card(
    message: str, t: Translator, *, title: str | None = None, event_id: int | None = None
) -> Card:
    """Answering is not possible (closed, not ended, cancelled, unknown) or the action was
    not a real card's: `message` is catalog text. With `event_id`, a button opens the form
    again."""
    body: list[Element] = [heading(t("feedback.refusal.heading"), size="Medium")]
    if title:
        body.append(plain((title, {"weight": "Bolder"})))
    body.append({"type": "TextBlock", "text": message, "wrap": True, "color": "Attention"})
    if event_id is None:
        return card(body)
    again = execute(t("feedback.refusal.reopen"), VERB_OPEN, {"event_id": event_id})
    return card(body, [again])


@dataclass(frozen=True)
class Quote:
    text: str  # what someone wrote
    attribution: str | None = None  # "今治市 今治 花子"; None for an anonymous answer


@dataclass(frozen=True)
class QuoteGroup:
    heading: str  # catalog text
    quotes: tuple[Quote, ...]
    more: str | None = None  # "ほか 12 件" (catalog text)


@dataclass(frozen=True)
class SummaryView:
    """The summary: `lines` are catalog sentences (counts, averages…) with numbers filled
    in; `rows` are (label, value) lines such as a rating and its bar."""

    title: str
    when: str
    status: str  # catalog text: collecting until … / closed
    responses: str  # catalog text: "回答 10名（…）"
    sections: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # heading, rows
    quotes: tuple[QuoteGroup, ...] = ()
    note: str | None = None  # catalog text: too few answers to show more


def summary_card(view: SummaryView, t: Translator) -> Card:
    body: list[Element] = [
        heading(t("feedback.summary.heading"), size="Medium"),
        plain((view.title, {"size": "Large", "weight": "Bolder"})),
        plain((view.when, {"size": "Small"})),
        paragraph(view.status, subtle=True, size="Small"),
        {"type": "TextBlock", "text": view.responses, "wrap": True, "weight": "Bolder"},
    ]
    if view.note:
        body.append(paragraph(view.note))
    for section_heading, rows in view.sections:
        body.append(_section_heading(section_heading))
        body.extend(
            plain((f"{label}: ", _SUBTLE), (value, {"size": "Small"})) for label, value in rows
        )
    for group in view.quotes:
        body.append(_section_heading(group.heading))
        for quote in group.quotes:
            runs: list[str | tuple[str, dict[str, Any]]] = [(quote.text, {"size": "Small"})]
            if quote.attribution:
                runs.append((f"（{quote.attribution}）", _SUBTLE))
            body.append(plain(*runs))
        if group.more:
            body.append(paragraph(group.more, subtle=True, size="Small"))
    return card(body)


def _section_heading(text: str) -> Element:
    return {
        "type": "TextBlock",
        "text": text,
        "weight": "Bolder",
        "wrap": True,
        "separator": True,
        "spacing": "Medium",
    }


def _choices(
    input_id: str,
    label: str,
    options: tuple[Option, ...],
    value: str,
    *,
    multi: bool = False,
    required_message: str | None = None,
) -> Element:
    element: Element = {
        "type": "Input.ChoiceSet",
        "id": input_id,
        "label": label,
        "style": "expanded",
        "wrap": True,
        "choices": [{"title": o.title, "value": o.value} for o in options],
    }
    if multi:
        element["isMultiSelect"] = True
    if required_message:
        element["isRequired"] = True
        element["errorMessage"] = required_message
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


def _error(message: str | None) -> list[Element]:
    if not message:
        return []
    return [plain((message, {"color": "Attention", "size": "Small"}))]


def preview_card(title: str, text: str) -> Card:
    """The beginning of a report, shown as it is written (monospace, no markdown read)."""
    return card(
        [
            heading(title, size="Medium"),
            {
                "type": "RichTextBlock",
                "inlines": [{"type": "TextRun", "text": text, "fontType": "Monospace"}],
            },
        ]
    )
