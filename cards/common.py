"""Small pieces every card uses. User text goes into `TextRun`s, which Teams never reads as
markdown, so a name or comment cannot inject links, mentions or formatting."""

from __future__ import annotations

from typing import Any

Card = dict[str, Any]
Element = dict[str, Any]
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"


def card(body: list[Element], actions: list[Element] | None = None, **extra: Any) -> Card:
    built: Card = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": body}
    if actions:
        built["actions"] = actions
    built.update(extra)
    return built


def heading(text: str, *, size: str = "Large") -> Element:
    """A title written by us (catalog text): markdown allowed."""
    return {"type": "TextBlock", "text": text, "size": size, "weight": "Bolder", "wrap": True}


def paragraph(text: str, *, subtle: bool = False, size: str | None = None) -> Element:
    """Catalog text: markdown allowed."""
    block: Element = {"type": "TextBlock", "text": text, "wrap": True}
    if subtle:
        block["isSubtle"] = True
    if size:
        block["size"] = size
    return block


def plain(*runs: str | tuple[str, dict[str, Any]]) -> Element:
    """Text that may contain user input, shown literally (no markdown)."""
    inlines: list[Element] = []
    for run in runs:
        if isinstance(run, tuple):
            text, style = run
            inlines.append({"type": "TextRun", "text": text, **style})
        else:
            inlines.append({"type": "TextRun", "text": run})
    return {"type": "RichTextBlock", "inlines": inlines}


def submit(title: str, data: dict[str, Any]) -> Element:
    """Action.Submit: in a channel it arrives as a message with `value` (routed by `verb`)."""
    return {"type": "Action.Submit", "title": title, "data": data}


def execute(title: str, verb: str, data: dict[str, Any] | None = None, **extra: Any) -> Element:
    """Action.Execute (Universal Actions): arrives as an `adaptiveCard/action` invoke."""
    action: Element = {"type": "Action.Execute", "title": title, "verb": verb, "data": data or {}}
    action.update(extra)
    return action


def open_url(title: str, url: str) -> Element:
    return {"type": "Action.OpenUrl", "title": title, "url": url}


def show_card(title: str, inner: Card) -> Element:
    return {"type": "Action.ShowCard", "title": title, "card": inner}
