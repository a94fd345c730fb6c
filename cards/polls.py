"""Cards of the scheduling poll (日程調整): the poll everyone sees, one person's own view, the
creation form, and the coordinators' cards.

Pure functions from view-models (built by dialogs.polls.views) to Adaptive Card 1.5 dicts.
Fixed sentences come from the catalog through the Translator; user text (titles, names,
venues, comments, what was typed) only ever goes into TextRuns or input values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from cards.common import Card, Element, card, execute, heading, open_url, paragraph, plain
from cards.forms import FieldView, error_lines, text_field
from core.i18n import Translator

VERB_ANSWER = "poll.answer"
VERB_VIEW = "poll.view"  # show the person's own view again (e.g. after a coordinator card)
VERB_CREATE = "poll.create"
VERB_COORDINATOR = "poll.coordinator"
VERB_NONRESPONDENTS = "poll.nonrespondents"
VERB_REMIND = "poll.remind"
VERB_DEADLINE = "poll.deadline"
VERB_DEADLINE_SAVE = "poll.deadline.save"
VERB_CANDIDATES = "poll.candidates"
VERB_CANDIDATES_SAVE = "poll.candidates.save"
VERB_CANCEL = "poll.cancel"
VERB_CANCEL_CONFIRM = "poll.cancel.confirm"
VERB_DECIDE = "poll.decide"
VERB_DECIDE_CONFIRM = "poll.decide.confirm"

# Input ids of the coordinators' cards (the creation card uses dialogs.polls FORM_FIELDS).
DECIDE_INPUT = "candidate_id"
DEADLINE_INPUT = "deadline"  # same id and wording as the creation form
ADD_INPUT = "add"
REMOVE_INPUT = "remove"
COMMENT_INPUT = "comment"
COMMENT_MAX_LENGTH = 500
# In the data of 回答する on a card that shows the presser's own answers preselected: what is
# left blank there was cleared on purpose, so their answer is replaced rather than merged. A
# hint about which card was pressed, never identity (who answers comes from the activity).
PREFILLED = "prefilled"

# Between counts on one line: a no-break space and a space, so Teams' renderer (which folds
# runs of plain spaces into one) still shows "○現地 4  ○オンライン 2  △ 1  × 0".
GAP = "\u00a0 "

PollCardState = Literal["open", "closed", "decided", "cancelled"]
_SUBTLE = {"isSubtle": True, "size": "Small"}


@dataclass(frozen=True)
class ChoiceOption:
    value: str  # Choice value: onsite, online, maybe, no
    title: str  # "○ 現地"
    short: str  # "○現地", used in count lines


@dataclass(frozen=True)
class ChoiceCount:
    option: ChoiceOption
    count: int
    names: tuple[str, ...] = ()  # the first few, already capped and shortened
    more: int = 0  # how many names beyond `names`


@dataclass(frozen=True)
class CandidateLine:
    candidate_id: int
    input_id: str
    label: str  # "12/10(木) 13:00–17:00", written by us
    note: str | None = None  # why offices are closed that day: "勤労感謝の日", "年末年始"
    closed_day: bool = False
    counts: tuple[ChoiceCount, ...] = ()  # empty when results are not shown
    selected: str | None = None  # the viewer's own answer (personal view)
    is_best: bool = False


@dataclass(frozen=True)
class PollView:
    poll_id: int
    title: str
    candidates: tuple[CandidateLine, ...]
    choices: tuple[ChoiceOption, ...]
    respondents: int
    state: PollCardState = "open"
    venue: str | None = None
    capacity: int | None = None
    deadline: str | None = None  # formatted
    results_visible: bool = True
    best: str | None = None  # label of the best date so far
    decided: str | None = None  # label of the decided date
    personal: bool = False  # the card returned to one person
    prefilled: bool = False  # it shows their stored answers preselected (they have answered)
    saved: bool = False  # their answer was just stored
    comment: str = ""  # their comment, prefilled
    calendar_url: str | None = None  # the decided date's .ics
    # Teams ids (29:…) whose clients fetch their own view of this card (poll.view) whenever
    # they see it: Universal Actions' user-specific views, at most 60.
    refresh_for: tuple[str, ...] = ()


def poll_card(view: PollView, t: Translator) -> Card:
    """The poll as everyone sees it in the channel, or (personal=True) as one person sees it."""
    body: list[Element] = [_title(view.title)]
    if view.state == "cancelled":
        body.append(paragraph(t("polls.card.cancelled"), size="Medium"))
        return card(body)
    body.extend(_facts(view, t))
    if view.saved:
        body.append(_notice(t("polls.card.saved"), "Good"))
    if view.state == "closed":
        body.append(_notice(t("polls.card.closed"), "Warning"))
    if view.state == "decided" and view.decided:
        body.append(_notice(t("polls.card.decided", date=view.decided), "Good"))
    answering = view.state == "open"
    for line in view.candidates:
        body.append(_candidate(line, view, t, answering=answering))
    body.append(paragraph(t("polls.card.respondents", count=view.respondents), size="Small"))
    if view.results_visible and view.best and view.state == "open":
        body.append(paragraph(t("polls.card.best", date=view.best), size="Small"))
    if not view.results_visible:
        body.append(paragraph(t("polls.card.hidden"), subtle=True, size="Small"))
    data = {"poll_id": view.poll_id}
    coordinator = execute(t("polls.card.coordinator"), VERB_COORDINATOR, data)
    if view.state == "closed":
        return _with_refresh(card(body, [coordinator]), view)
    if view.state == "decided" and view.calendar_url:
        return card(body, [open_url(t("polls.card.calendar"), view.calendar_url)])
    if view.state == "decided":
        return card(body)
    body.append(
        {
            "type": "Input.Text",
            "id": COMMENT_INPUT,
            "label": t("polls.card.comment"),
            "placeholder": t("polls.card.comment_placeholder"),
            "maxLength": COMMENT_MAX_LENGTH,
            "isMultiline": True,
            "value": view.comment,
        }
    )
    # Everyone sees the menu button; the server checks who may use it.
    answer_data: dict[str, Any] = {**data, PREFILLED: True} if view.prefilled else data
    answer = execute(t("polls.card.answer"), VERB_ANSWER, answer_data, style="positive")
    actions = [answer, coordinator]
    return _with_refresh(card(body, actions), view)


MAX_REFRESH_USERS = 60  # Teams' limit for `refresh.userIds`


def _with_refresh(built: Card, view: PollView) -> Card:
    """Those listed see their own view (answers preselected, hidden results once they
    answered) instead of the shared card, fetched by their Teams client."""
    if view.refresh_for:
        built["refresh"] = {
            "action": {
                "type": "Action.Execute",
                "verb": VERB_VIEW,
                "data": {"poll_id": view.poll_id},
            },
            "userIds": list(view.refresh_for[:MAX_REFRESH_USERS]),
        }
    return built


def _title(title: str) -> Element:
    return plain((title, {"size": "Large", "weight": "Bolder"}))


def _facts(view: PollView, t: Translator) -> list[Element]:
    facts: list[Element] = []
    if view.venue:
        facts.append(plain((t("polls.card.venue"), _SUBTLE), (view.venue, {"size": "Small"})))
    if view.capacity is not None:
        facts.append(paragraph(t("polls.card.capacity", capacity=view.capacity), size="Small"))
    if view.deadline:
        facts.append(paragraph(t("polls.card.deadline", deadline=view.deadline), size="Small"))
    return facts


def _field(name: str, view: FieldView, t: Translator, **options: Any) -> list[Element]:
    return text_field(name, view, t, catalog="polls.create", **options)


def _notice(text: str, color: str) -> Element:
    return {"type": "TextBlock", "text": text, "wrap": True, "color": color, "weight": "Bolder"}


def _candidate(line: CandidateLine, view: PollView, t: Translator, *, answering: bool) -> Element:
    label = line.label + (f" {line.note}" if line.note else "")
    if line.is_best and view.results_visible:
        label = t("polls.card.best_mark", label=label)
    header: Element = {"type": "TextBlock", "text": label, "weight": "Bolder", "wrap": True}
    if line.closed_day:
        header["color"] = "Attention"
    items: list[Element] = [header]
    if view.results_visible and line.counts:
        counts = GAP.join(f"{c.option.short} {c.count}" for c in line.counts)
        items.append({"type": "TextBlock", "text": counts, "wrap": True, "spacing": "None"})
        names = _names(line.counts, t)
        if names:
            items.append(names)
    if answering:
        choice_set: Element = {
            "type": "Input.ChoiceSet",
            "id": line.input_id,
            "style": "compact",
            "placeholder": t("polls.card.choose"),
            "choices": [{"title": o.title, "value": o.value} for o in view.choices],
        }
        if line.selected:
            choice_set["value"] = line.selected
        items.append(choice_set)
    return {"type": "Container", "separator": True, "items": items}


def _names(counts: tuple[ChoiceCount, ...], t: Translator) -> Element | None:
    """Who answered what, as one literal run (one run, not one per name: it keeps big polls
    small)."""
    parts: list[str] = []
    for count in counts:
        if not count.names:
            continue
        names = t("polls.card.name_separator").join(count.names)
        more = t("polls.card.more", count=count.more) if count.more else ""
        parts.append(f"{count.option.short}: {names}{more}")
    if not parts:
        return None
    block = plain((GAP.join(parts), _SUBTLE))
    block["spacing"] = "None"
    return block


# --- creation ------------------------------------------------------------------------------

FORM_INPUTS: tuple[str, ...] = ("title", "dates", "venue", "capacity", "deadline", "hide_results")


@dataclass(frozen=True)
class CreationView:
    title: FieldView = field(default_factory=FieldView)
    dates: FieldView = field(default_factory=FieldView)
    venue: FieldView = field(default_factory=FieldView)
    capacity: FieldView = field(default_factory=FieldView)
    deadline: FieldView = field(default_factory=FieldView)
    hide_results: bool = False
    results_errors: tuple[str, ...] = ()


def creation_card(view: CreationView, t: Translator) -> Card:
    """The form behind `日程調整` alone, or shown again with what was typed and what is wrong."""
    body: list[Element] = [heading(t("polls.create.heading"))]
    fields = (view.title, view.dates, view.venue, view.capacity, view.deadline)
    if any(f.errors for f in fields) or view.results_errors:
        body.append(_notice(t("polls.create.fix"), "Attention"))
    body.extend(_field("title", view.title, t, required=True, max_length=100))
    body.extend(_field("dates", view.dates, t, required=True, multiline=True))
    body.extend(_field("venue", view.venue, t, max_length=100))
    body.extend(_field("capacity", view.capacity, t))
    body.extend(_field("deadline", view.deadline, t))
    body.append(
        {
            "type": "Input.Toggle",
            "id": "hide_results",
            "title": t("polls.create.hide_results"),
            "value": "true" if view.hide_results else "false",
            "valueOn": "true",
            "valueOff": "false",
        }
    )
    body.extend(error_lines(view.results_errors))
    return card(body, [execute(t("polls.create.submit"), VERB_CREATE, {}, style="positive")])


# --- coordinators ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateOption:
    candidate_id: int
    label: str


@dataclass(frozen=True)
class CoordinatorView:
    poll_id: int
    title: str
    candidates: tuple[CandidateOption, ...]
    state: PollCardState = "open"
    best_id: int | None = None
    notice: str | None = None  # what the last action did


def coordinator_card(view: CoordinatorView, t: Translator) -> Card:
    """The coordinators' menu, returned to the coordinator alone."""
    data = {"poll_id": view.poll_id}
    body: list[Element] = [_title(view.title), heading(t("polls.coordinator.title"), size="Medium")]
    if view.notice:
        body.append(_notice(view.notice, "Good"))
    if view.state in ("decided", "cancelled"):
        # The notice of what was just done (決定しました) already says the state; "already
        # decided" is for when the menu opens on a poll that was decided before.
        if not view.notice:
            body.append(paragraph(t(f"polls.coordinator.{view.state}")))
        return card(body, [execute(t("polls.coordinator.back"), VERB_VIEW, data)])
    menu = [
        execute(t("polls.coordinator.nonrespondents"), VERB_NONRESPONDENTS, data),
        execute(t("polls.coordinator.remind"), VERB_REMIND, data),
        execute(t("polls.coordinator.deadline"), VERB_DEADLINE, data),
        execute(t("polls.coordinator.candidates"), VERB_CANDIDATES, data),
        execute(t("polls.coordinator.cancel"), VERB_CANCEL, data, style="destructive"),
    ]
    # Two short rows: Teams shows only a few buttons of one ActionSet side by side.
    body.append({"type": "ActionSet", "actions": menu[:3]})
    body.append({"type": "ActionSet", "actions": menu[3:]})
    decide: Element = {
        "type": "Input.ChoiceSet",
        "id": DECIDE_INPUT,
        "label": t("polls.coordinator.decide_label"),
        "style": "compact",
        "isRequired": True,
        "errorMessage": t("polls.coordinator.decide_required"),
        "choices": [{"title": c.label, "value": str(c.candidate_id)} for c in view.candidates],
    }
    if view.best_id is not None:
        decide["value"] = str(view.best_id)
    body.append({"type": "Container", "separator": True, "items": [decide]})
    actions = [
        execute(t("polls.coordinator.decide"), VERB_DECIDE, data, style="positive"),
        execute(t("polls.coordinator.back"), VERB_VIEW, data),
    ]
    return card(body, actions)


def nonrespondents_card(poll_id: int, title: str, names: list[str], t: Translator) -> Card:
    """Team members who have not answered, with a button to remind them in the thread."""
    data = {"poll_id": poll_id}
    body: list[Element] = [
        _title(title),
        heading(t("polls.nonrespondents.title", count=len(names)), size="Medium"),
    ]
    if names:
        body.append(plain(t("polls.card.name_separator").join(names)))
        actions = [execute(t("polls.coordinator.remind"), VERB_REMIND, data)]
    else:
        body.append(paragraph(t("polls.nonrespondents.none")))
        actions = []
    actions.append(execute(t("polls.coordinator.back"), VERB_COORDINATOR, data))
    return card(body, actions)


def deadline_card(
    poll_id: int, title: str, current: str, t: Translator, errors: tuple[str, ...] = ()
) -> Card:
    """Changing the deadline: `current` is the text shown (the present deadline or what was
    typed); blank means no deadline."""
    data = {"poll_id": poll_id}
    body: list[Element] = [_title(title), heading(t("polls.deadline.title"), size="Medium")]
    body.extend(_field(DEADLINE_INPUT, FieldView(current, errors), t))
    actions = [
        execute(t("polls.deadline.save"), VERB_DEADLINE_SAVE, data, style="positive"),
        execute(t("polls.coordinator.back"), VERB_COORDINATOR, data),
    ]
    return card(body, actions)


def candidates_card(
    poll_id: int,
    title: str,
    candidates: tuple[CandidateOption, ...],
    t: Translator,
    *,
    typed: str = "",
    errors: tuple[str, ...] = (),
) -> Card:
    """Adding dates (typed like the creation form) and removing existing ones."""
    data = {"poll_id": poll_id}
    body: list[Element] = [_title(title), heading(t("polls.candidates.title"), size="Medium")]
    body.append(
        {
            "type": "Input.Text",
            "id": ADD_INPUT,
            "label": t("polls.candidates.add"),
            "placeholder": t("polls.create.dates_placeholder"),
            "isMultiline": True,
            "value": typed,
        }
    )
    body.extend(error_lines(errors))
    body.append(
        {
            "type": "Input.ChoiceSet",
            "id": REMOVE_INPUT,
            "label": t("polls.candidates.remove"),
            "isMultiSelect": True,
            "style": "expanded",
            "choices": [{"title": c.label, "value": str(c.candidate_id)} for c in candidates],
        }
    )
    body.append(paragraph(t("polls.candidates.removed_told"), subtle=True, size="Small"))
    actions = [
        execute(t("polls.candidates.save"), VERB_CANDIDATES_SAVE, data, style="positive"),
        execute(t("polls.coordinator.back"), VERB_COORDINATOR, data),
    ]
    return card(body, actions)


ConfirmKind = Literal["cancel", "decide"]


def confirm_card(
    kind: ConfirmKind,
    poll_id: int,
    title: str,
    t: Translator,
    *,
    candidate: CandidateOption | None = None,
) -> Card:
    """Asking once more before cancelling the poll or deciding on a date."""
    data: dict[str, Any] = {"poll_id": poll_id}
    if kind == "decide":
        if candidate is None:
            raise ValueError("deciding needs the candidate")
        data["candidate_id"] = candidate.candidate_id
        question = t("polls.confirm.decide", date=candidate.label)
        verb = VERB_DECIDE_CONFIRM
    else:
        question = t("polls.confirm.cancel")
        verb = VERB_CANCEL_CONFIRM
    body = [_title(title), paragraph(question, size="Medium")]
    style = "positive" if kind == "decide" else "destructive"
    actions = [
        execute(t(f"polls.confirm.{kind}_yes"), verb, data, style=style),
        execute(t("polls.coordinator.back"), VERB_COORDINATOR, {"poll_id": poll_id}),
    ]
    return card(body, actions)


def error_card(message: str, t: Translator, *, poll_id: int | None = None) -> Card:
    """Something went wrong or is not allowed; `message` may quote user text."""
    body = [
        heading(t("polls.error.title"), size="Medium"),
        plain((message, {"color": "Attention"})),
    ]
    if poll_id is None:
        return card(body)
    return card(body, [execute(t("polls.coordinator.back"), VERB_VIEW, {"poll_id": poll_id})])
