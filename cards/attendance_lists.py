"""Cards of the lists: who is registered for one IYO WORK day (参加者一覧), and how each
municipality has taken part so far (参加状況).

Pure functions from view-models (built by dialogs.attendance.listing) to Adaptive Card 1.5
dicts. Names, departments and notes only ever go into TextRuns; headings and counts are ours.
"""

from __future__ import annotations

from dataclasses import dataclass

from cards.common import Card, Element, card, execute, heading, paragraph, plain
from core.i18n import Translator

VERB_DETAILS = "attendees.details"  # a coordinator's own view with 部署 and メモ
VERB_EDIT_FOR = "attendees.edit"  # a coordinator opens someone's registration to change it
PERSON_INPUT = "person"  # a person key, from the picker of several matches
PERSON_NAME_INPUT = "person_name"  # part of a name, typed on the detailed list

_LABEL = {"isSubtle": True, "size": "Small"}
_TEXT = {"size": "Small"}


@dataclass(frozen=True)
class ListLine:
    """One line of a section: a label (a municipality with its count, or a person's name) and
    what follows it (names, or a note)."""

    label: str
    text: str


@dataclass(frozen=True)
class ListSection:
    heading: str  # catalog text with counts: "現地 2/2名"
    lines: tuple[ListLine, ...] = ()
    more: str | None = None  # catalog text: "ほか3名" when the card had no room for all


@dataclass(frozen=True)
class AttendeesView:
    event_id: int
    title: str
    when: str  # written by us
    sections: tuple[ListSection, ...] = ()
    absent: str | None = None  # catalog text: "欠席 2名"
    notices: tuple[str, ...] = ()  # catalog text: cancelled, nobody yet…
    hint: str | None = None  # catalog text under the lists
    detailed: bool = False  # with 部署 and メモ: for a coordinator's eyes only
    offer_details: bool = False  # the 詳細（コーディネーター用） button
    editable: bool = False  # the detailed card offers to change someone's registration


def attendees_card(view: AttendeesView, t: Translator) -> Card:
    """参加者一覧: the counts and names per status (現地 by municipality, オンライン by
    municipality, キャンセル待ち in queue order), 欠席 as a count."""
    key = "heading_detailed" if view.detailed else "heading"
    body: list[Element] = [
        heading(t(f"attendance.lists.{key}"), size="Medium"),
        plain((view.title, {"size": "Large", "weight": "Bolder"})),
        plain((f"{t('attendance.card.when')}: ", _LABEL), (view.when, _TEXT)),
    ]
    body.extend(paragraph(notice) for notice in view.notices)
    for section in view.sections:
        body.append(
            {
                "type": "TextBlock",
                "text": section.heading,
                "weight": "Bolder",
                "wrap": True,
                "separator": True,
            }
        )
        for line in section.lines:
            if line.label:
                body.append(plain((line.label, _LABEL), (line.text, _TEXT)))
            else:
                body.append(plain((line.text, _TEXT)))
        if section.more:
            body.append(paragraph(section.more, subtle=True, size="Small"))
    if view.absent:
        body.append(paragraph(view.absent, subtle=True))
    if view.hint:
        body.append(paragraph(view.hint, subtle=True, size="Small"))
    actions: list[Element] = []
    if view.offer_details:
        data = {"event_id": view.event_id}
        actions.append(execute(t("attendance.lists.details"), VERB_DETAILS, data))
    if view.detailed and view.editable:
        # A name to type rather than a list to pick from: 200 names would not fit the card.
        body.append(
            {
                "type": "Container",
                "separator": True,
                "items": [
                    {
                        "type": "Input.Text",
                        "id": PERSON_NAME_INPUT,
                        "label": t("attendance.lists.edit_label"),
                        "placeholder": t("attendance.lists.edit_placeholder"),
                        "isRequired": True,
                        "errorMessage": t("attendance.lists.edit_required"),
                        "maxLength": 100,
                    },
                    _edit_button(view.event_id, t),
                ],
            }
        )
    return card(body, actions)


def person_picker_card(
    event_id: int, title: str, people: tuple[tuple[str, str], ...], t: Translator
) -> Card:
    """Several registrations match the typed name: which one (key, "name（municipality）")."""
    body: list[Element] = [
        heading(t("attendance.lists.edit_which"), size="Medium"),
        plain((title, {"weight": "Bolder"})),
        {
            "type": "Input.ChoiceSet",
            "id": PERSON_INPUT,
            "style": "expanded",
            "isRequired": True,
            "errorMessage": t("attendance.lists.edit_required"),
            "choices": [{"title": label, "value": key} for key, label in people],
        },
        _edit_button(event_id, t),
    ]
    return card(body)


def _edit_button(event_id: int, t: Translator) -> Element:
    data = {"event_id": event_id}
    return {
        "type": "ActionSet",
        "actions": [execute(t("attendance.lists.edit"), VERB_EDIT_FOR, data)],
    }


@dataclass(frozen=True)
class ParticipationRow:
    name: str  # the municipality, from the catalog
    onsite: int
    online: int
    people: int

    @property
    def joined(self) -> bool:
        return bool(self.onsite or self.online)


@dataclass(frozen=True)
class ParticipationView:
    summary: str  # catalog text: "これまでの IYO WORK: 5回"
    rows: tuple[ParticipationRow, ...] = ()
    never: str | None = None  # catalog text: "まだ参加のない市町: …"
    everyone: str | None = None  # catalog text: every municipality has taken part
    note: str | None = None  # catalog text: what "took part" means


def participation_card(view: ParticipationView, t: Translator) -> Card:
    """参加状況: per municipality, in how many past days it took part on site and online and
    how many different people came; those never seen yet stand out."""
    body: list[Element] = [
        heading(t("attendance.participation.heading"), size="Medium"),
        paragraph(view.summary),
    ]
    if view.never:
        body.append(
            {
                "type": "TextBlock",
                "text": view.never,
                "wrap": True,
                "weight": "Bolder",
                "color": "Attention",
            }
        )
    if view.everyone:
        body.append({"type": "TextBlock", "text": view.everyone, "wrap": True, "color": "Good"})
    if view.rows:
        header = (
            t("attendance.participation.municipality"),
            t("attendance.participation.onsite"),
            t("attendance.participation.online"),
            t("attendance.participation.people"),
        )
        body.append(_row(header, bold=True, separator=True))
        for row in view.rows:
            cells = (row.name, str(row.onsite), str(row.online), str(row.people))
            body.append(_row(cells, subtle=not row.joined))
    if view.note:
        body.append(paragraph(view.note, subtle=True, size="Small"))
    return card(body)


def _row(
    cells: tuple[str, str, str, str],
    *,
    bold: bool = False,
    subtle: bool = False,
    separator: bool = False,
) -> Element:
    columns: list[Element] = []
    for index, text in enumerate(cells):
        block: Element = {"type": "TextBlock", "text": text, "wrap": True, "size": "Small"}
        if index:
            block["horizontalAlignment"] = "Right"
        if bold:
            block["weight"] = "Bolder"
        if subtle:
            block["isSubtle"] = True
        columns.append({"type": "Column", "width": 3 if index == 0 else 2, "items": [block]})
    row: Element = {"type": "ColumnSet", "columns": columns, "spacing": "None"}
    if separator:
        row["separator"] = True
        row["spacing"] = "Medium"
    return row
