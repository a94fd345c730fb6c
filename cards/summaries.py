"""Cards of 要約 / 検索 / 誰に聞く: threads with their status, one-line question, key answer (or
the matching sentence) and a link to the thread in Teams; and the people to ask.

Pure functions from view-models (built by dialogs.summaries.views). Everything people wrote
(questions, answers, names) goes into TextRuns; fixed words come from the catalog. A card
must stay under Teams' 28 KB: `card_size` is what the dialog measures before sending.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cards.common import Card, Element, card, execute, heading, open_url, paragraph, plain

VERB_MORE = "summaries.more"  # もっと見る: the next page of a summary
VERB_RESOLVE = "summaries.resolve"  # 解決済みにする / 未解決に戻す
# Teams refuses bot messages over about 28 KB; leave room for the activity around the card.
MAX_CARD_BYTES = 26_000

_STATUS_COLOR = {"unanswered": "Attention", "answered": "Accent", "solved": "Good"}
_SUBTLE = {"isSubtle": True, "size": "Small"}


@dataclass(frozen=True)
class Button:
    title: str
    verb: str
    data: dict[str, Any]


@dataclass(frozen=True)
class ThreadRow:
    status: str  # unanswered | answered | solved
    status_label: str
    question: str
    detail: str | None  # the key answer, or the sentence that matched a search
    detail_label: str  # 回答 / 該当箇所
    meta: str  # who asked, replies, date (names are people's words: shown plainly)
    url: str | None
    open_label: str
    button: Button | None = None


@dataclass(frozen=True)
class ThreadListView:
    title: str  # catalog text
    summary: str | None  # counts by status
    notices: tuple[str, ...]  # catalog sentences (history unavailable, what a button did)
    rows: tuple[ThreadRow, ...]
    empty: str | None  # when there are no rows
    position: str | None  # 1〜8 件目 / 15 件
    more: Button | None
    query: str | None = None  # what was searched for (shown as typed)


@dataclass(frozen=True)
class PersonRow:
    name: str  # 名前（市町）
    detail: str  # catalog: how many similar questions they answered
    threads: tuple[tuple[str, str | None], ...]  # (question, link)


@dataclass(frozen=True)
class PeopleView:
    title: str
    query: str  # what was asked about (shown as typed)
    intro: str
    notices: tuple[str, ...]
    people: tuple[PersonRow, ...]
    empty: str | None
    open_label: str


def thread_list_card(view: ThreadListView) -> Card:
    body: list[Element] = [heading(view.title, size="Medium")]
    if view.query:
        body.append(plain((view.query, {"weight": "Bolder"})))
    if view.summary:
        body.append(paragraph(view.summary))
    body.extend(paragraph(notice, subtle=True, size="Small") for notice in view.notices)
    if not view.rows and view.empty:
        body.append(paragraph(view.empty))
    for index, row in enumerate(view.rows):
        body.append(_row(row, separator=index > 0 or bool(view.summary)))
    if view.position:
        body.append(paragraph(view.position, subtle=True, size="Small"))
    actions = [execute(view.more.title, view.more.verb, view.more.data)] if view.more else None
    return card(body, actions)


def _row(row: ThreadRow, *, separator: bool) -> Element:
    status = {"isSubtle": False, "weight": "Bolder", "color": _STATUS_COLOR.get(row.status)}
    items: list[Element] = [
        plain((f"[{row.status_label}] ", status), (row.question, {"weight": "Bolder"})),
    ]
    if row.detail:
        items.append(plain((f"{row.detail_label}: ", {"isSubtle": True}), row.detail))
    items.append(plain((row.meta, _SUBTLE)))
    buttons: list[Element] = []
    if row.url:
        buttons.append(open_url(row.open_label, row.url))
    if row.button:
        buttons.append(execute(row.button.title, row.button.verb, row.button.data))
    if buttons:
        items.append({"type": "ActionSet", "actions": buttons})
    return {"type": "Container", "items": items, "separator": separator, "spacing": "Medium"}


def people_card(view: PeopleView) -> Card:
    body: list[Element] = [heading(view.title, size="Medium")]
    body.append(plain((view.query, {"weight": "Bolder"})))
    body.extend(paragraph(notice, subtle=True, size="Small") for notice in view.notices)
    if not view.people:
        body.append(paragraph(view.empty or ""))
        return card(body)
    body.append(paragraph(view.intro))
    for index, person in enumerate(view.people):
        items: list[Element] = [
            plain((person.name, {"weight": "Bolder"})),
            paragraph(person.detail, subtle=True, size="Small"),
        ]
        for question, _ in person.threads:
            items.append(plain(("・", _SUBTLE), (question, {"size": "Small"})))
        links = [open_url(f"{view.open_label} {n + 1}", url) for n, (_, url) in
                 enumerate(person.threads) if url]  # fmt: skip
        if links:
            items.append({"type": "ActionSet", "actions": links})
        body.append({"type": "Container", "items": items, "separator": index > 0})
    return card(body)


def notice_card(text: str) -> Card:
    return card([paragraph(text)])


def card_size(built: Card) -> int:
    """The card's size in bytes as Teams counts it (UTF-8 JSON)."""
    return len(json.dumps(built, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


__all__ = [
    "MAX_CARD_BYTES",
    "VERB_MORE",
    "VERB_RESOLVE",
    "Button",
    "PeopleView",
    "PersonRow",
    "ThreadListView",
    "ThreadRow",
    "card_size",
    "notice_card",
    "people_card",
    "thread_list_card",
]
