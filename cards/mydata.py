"""Cards of 私のデータ: what the bot holds about the person, the question before deleting,
and what the deletion did. Pure functions from view-models (built by dialogs.mydata.views) to
Adaptive Card 1.5 dicts; names, titles and ids only ever go into TextRuns.

These cards are only ever shown in the person's own chat (or as the answer to their own
press), never on a card a channel sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from cards.common import Card, Element, card, execute, heading, paragraph, plain

VERB_SHOW = "mydata.show"  # the card again, as it is now
VERB_DELETE = "mydata.delete"  # 削除する: asks to confirm
VERB_ERASE = "mydata.erase"  # 削除する on the confirmation: deletes

_LABEL = {"weight": "Bolder"}


@dataclass(frozen=True)
class Fact:
    label: str  # catalog text
    value: str  # stored data, shown literally


@dataclass(frozen=True)
class Section:
    """One kind of data: a title with the count, facts (label: value) or lines, and what
    deleting does to it."""

    title: str
    facts: tuple[Fact, ...] = ()
    lines: tuple[str, ...] = ()
    empty: str | None = None  # shown when there are neither facts nor lines
    note: str | None = None  # catalog text


@dataclass(frozen=True)
class MyDataView:
    title: str
    intro: str
    sections: tuple[Section, ...]
    explanation: str
    kept: str
    delete_label: str


@dataclass(frozen=True)
class ConfirmView:
    title: str
    paragraphs: tuple[str, ...]
    confirm_label: str
    cancel_label: str


@dataclass(frozen=True)
class ErasedView:
    title: str
    lines: tuple[str, ...]
    note: str
    show_label: str


def mydata_card(view: MyDataView) -> Card:
    body: list[Element] = [heading(view.title), paragraph(view.intro, subtle=True)]
    for section in view.sections:
        body.append(_section_title(section.title))
        body.extend(plain((f"{fact.label}: ", _LABEL), fact.value) for fact in section.facts)
        body.extend(plain(f"・{line}") for line in section.lines)
        if not section.facts and not section.lines and section.empty:
            body.append(paragraph(section.empty, subtle=True))
        if section.note:
            body.append(paragraph(section.note, subtle=True, size="Small"))
    body.append({**paragraph(view.explanation, size="Small"), "separator": True})
    body.append(paragraph(view.kept, subtle=True, size="Small"))
    return card(body, [execute(view.delete_label, VERB_DELETE, style="destructive")])


def confirm_card(view: ConfirmView) -> Card:
    body: list[Element] = [heading(view.title, size="Medium")]
    body.extend(paragraph(text) for text in view.paragraphs)
    return card(
        body,
        [
            execute(view.confirm_label, VERB_ERASE, style="destructive"),
            execute(view.cancel_label, VERB_SHOW),
        ],
    )


def erased_card(view: ErasedView) -> Card:
    body: list[Element] = [heading(view.title, size="Medium")]
    body.extend(plain(f"・{line}") for line in view.lines)
    body.append(paragraph(view.note, subtle=True, size="Small"))
    return card(body, [execute(view.show_label, VERB_SHOW)])


def _section_title(text: str) -> Element:
    return {**heading(text, size="Medium"), "separator": True, "spacing": "Medium"}
