"""Pieces of the creation and edit forms (日程調整, IYO WORK days): a text field shown again with
what was typed and what is wrong with it. Values and error sentences may quote user text, so
they only go into input values and TextRuns."""

from __future__ import annotations

from dataclasses import dataclass

from cards.common import Element, plain
from core.i18n import Translator


@dataclass(frozen=True)
class FieldView:
    value: str = ""
    errors: tuple[str, ...] = ()  # sentences that may quote what was typed


def text_field(
    name: str,
    view: FieldView,
    t: Translator,
    *,
    catalog: str,
    required: bool = False,
    multiline: bool = False,
    max_length: int | None = None,
    url: bool = False,
) -> list[Element]:
    """The input `name` (label and placeholder from `{catalog}.{name}` and `…_placeholder`)
    with its error lines under it."""
    element: Element = {
        "type": "Input.Text",
        "id": name,
        "label": t(f"{catalog}.{name}"),
        "placeholder": t(f"{catalog}.{name}_placeholder"),
        "value": view.value,
    }
    if required:
        element["isRequired"] = True
        element["errorMessage"] = t(f"{catalog}.required")
    if multiline:
        element["isMultiline"] = True
    if url:
        element["style"] = "Url"
    if max_length:
        # Room beyond the limit, so a too-long value typed in a command can be shown again
        # next to its error.
        element["maxLength"] = max(max_length, len(view.value))
    return [element, *error_lines(view.errors)]


def error_lines(messages: tuple[str, ...], color: str = "Attention") -> list[Element]:
    return [plain((message, {"color": color, "size": "Small"})) for message in messages]
