"""Teams message bodies (HTML) as clean, readable text.

What people wrote stays as they wrote it; markup becomes plain conventions: mentions are
`@name`, links `text (url)` (or the url alone when it is its own text), inline code in
backticks and code blocks fenced with ```, emoji their character, list items `- ` or `1. `,
quotes `> `, table cells ` | `, paragraphs and `<br>` line breaks. A reply's quote of another
message (a `messageReference` attachment) is dropped: the thread already holds that message.
A file is its name in brackets, a card the text it shows.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_AT_TAG = re.compile(r"<at\b[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)
_ANY_TAG = re.compile(r"<[^>]+>")
_BLANK_LINES = re.compile(r"\n{3,}")
_BLOCKS = frozenset(
    {"div", "p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "hr", "section", "article"}
)
_SKIPPED = frozenset({"script", "style", "head", "title"})
_CARD_TEXT_KEYS = ("title", "subtitle", "text")
# Buttons and choices are not what a card says.
_CARD_SKIPPED = frozenset({"actions", "selectAction", "choices", "refresh"})


@dataclass(frozen=True)
class BodyAttachment:
    """An attachment a body refers to with `<attachment id="…">`."""

    id: str | None
    content_type: str | None
    name: str | None = None
    content: str | None = None


def html_to_text(body: str, attachments: Iterable[BodyAttachment] = ()) -> str:
    """The clean text of an HTML message body."""
    parser = _Cleaner({a.id: a for a in attachments if a.id})
    parser.feed(body)
    parser.close()
    return parser.text()


def plain_to_text(text: str) -> str:
    """A plain-text body (Teams' `text` of an activity): mentions as `@name`, entities decoded,
    line breaks kept."""
    text = _AT_TAG.sub(lambda found: f"@{_ANY_TAG.sub('', found.group(1))}", text)
    text = html.unescape(_ANY_TAG.sub("", text)).replace("\xa0", " ")
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def body_to_text(body: str, body_type: str, attachments: Iterable[BodyAttachment] = ()) -> str:
    """`html_to_text` or `plain_to_text`, as `body_type` (Graph's contentType) says."""
    if body_type.lower() == "html":
        return html_to_text(body, attachments)
    return plain_to_text(body)


class _Cleaner(HTMLParser):
    def __init__(self, attachments: Mapping[str, BodyAttachment]) -> None:
        super().__init__(convert_charrefs=True)
        self._attachments = attachments
        self._buffers: list[list[str]] = [[]]
        self._links: list[str | None] = []
        self._lists: list[list[int]] = []  # per open list: [next number] (0 for bullets)
        self._pre = 0
        self._skip = 0
        self._in_code_block = False
        self._first_cell = True

    # --- output -------------------------------------------------------------------------

    @property
    def _out(self) -> list[str]:
        return self._buffers[-1]

    def _at_line_start(self) -> bool:
        for chunk in reversed(self._out):
            if chunk:
                return chunk.endswith("\n")
        return True

    def _write(self, text: str) -> None:
        self._out.append(text)

    def _break(self) -> None:
        """End the current line unless it is already ended (block boundaries)."""
        self._trim_trailing_spaces()
        if not self._at_line_start():
            self._write("\n")

    def _trim_trailing_spaces(self) -> None:
        out = self._out
        while out and out[-1].endswith((" ", "\t")):
            out[-1] = out[-1].rstrip(" \t")
            if not out[-1]:
                out.pop()

    def text(self) -> str:
        raw = "".join(self._buffers[0]).replace("\xa0", " ")
        lines = [line.rstrip() for line in raw.split("\n")]
        return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()

    # --- parser callbacks ---------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag in _SKIPPED:
            self._skip += 1
        elif tag == "br":
            self._trim_trailing_spaces()
            self._write("\n")
        elif tag in _BLOCKS:
            self._break()
            if tag == "tr":
                self._first_cell = True
        elif tag in ("td", "th"):
            if not self._first_cell:
                self._write(" | ")
            self._first_cell = False
        elif tag in ("ul", "ol"):
            self._break()
            self._lists.append([1 if tag == "ol" else 0])
        elif tag == "li":
            self._start_item()
        elif tag == "blockquote":
            self._break()
            self._buffers.append([])
        elif tag == "a":
            self._links.append(attributes.get("href") or None)
            self._buffers.append([])
        elif tag == "at":
            self._write("@")
        elif tag in ("pre", "codeblock"):
            self._start_code_block(attributes.get("class", ""))
        elif tag == "code" and not self._pre:
            self._write("`")
        elif tag in ("emoji", "img"):
            # Emoji (<emoji> or an <img> of the Skype emoji type) are their character; other
            # images keep only what their alt text says.
            self._write(attributes.get("alt", ""))
        elif tag == "attachment":
            shown = self._attachment_text(attributes.get("id", ""))
            if shown:  # a file or a card stands on its own lines
                self._break()
                self._write(shown)
                self._break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "img", "hr", "emoji", "attachment"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS or tag == "li":
            self._break()
        elif tag in ("ul", "ol"):
            if self._lists:
                self._lists.pop()
            self._break()
        elif tag == "blockquote" and len(self._buffers) > 1:
            quoted = "".join(self._buffers.pop()).strip("\n")
            self._break()
            lines = [f"> {line}".rstrip() for line in quoted.split("\n")]
            self._write("\n".join(lines) + "\n")
        elif tag == "a" and self._links and len(self._buffers) > 1:
            href = self._links.pop()
            label = "".join(self._buffers.pop()).strip()
            self._write(_link(label, href))
        elif tag in ("pre", "codeblock"):
            self._end_code_block()
        elif tag == "code" and not self._pre:
            self._write("`")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._pre:
            self._write(data.replace("\r\n", "\n"))
            return
        text = _SPACES.sub(" ", data)
        if self._at_line_start():
            text = text.lstrip(" ")
        if text:
            self._write(text)

    # --- parts --------------------------------------------------------------------------

    def _start_item(self) -> None:
        self._break()
        depth = max(0, len(self._lists) - 1)
        marker = "- "
        if self._lists and self._lists[-1][0]:
            marker = f"{self._lists[-1][0]}. "
            self._lists[-1][0] += 1
        self._write("  " * depth + marker)

    def _start_code_block(self, css_class: str) -> None:
        if self._pre:  # <pre><code> or <codeblock><code>: one block
            self._pre += 1
            return
        self._break()
        language = css_class.split()[0].removeprefix("language-").lower() if css_class else ""
        self._write(f"```{language}\n")
        self._pre = 1

    def _end_code_block(self) -> None:
        if self._pre > 1:
            self._pre -= 1
            return
        self._pre = 0
        out = self._out
        if out and not out[-1].endswith("\n"):
            self._write("\n")
        self._write("```\n")

    def _attachment_text(self, attachment_id: str) -> str:
        attachment = self._attachments.get(attachment_id)
        if attachment is None:
            return ""
        kind = (attachment.content_type or "").lower()
        if kind == "messagereference":
            return ""
        if kind == "reference" or (attachment.name and not attachment.content):
            return f"[{attachment.name}]" if attachment.name else ""
        return card_text(attachment.content or "")


def _link(label: str, href: str | None) -> str:
    if not href or href.lower().startswith("javascript:"):
        return label
    if not label:
        return href
    bare = href.removeprefix("mailto:")
    if label in (href, bare) or label.rstrip("/") == href.rstrip("/"):
        return label
    return f"{label} ({href})"


def card_text(content: str) -> str:
    """The words a card shows (titles, texts, facts), one per line; '' when it is not JSON."""
    try:
        card = json.loads(content)
    except (ValueError, TypeError):
        return ""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "FactSet":
                for fact in node.get("facts") or []:
                    if isinstance(fact, dict):
                        found.append(f"{fact.get('title', '')}: {fact.get('value', '')}")
                return
            for key in _CARD_TEXT_KEYS:
                value = node.get(key)
                if isinstance(value, str) and value.strip():
                    found.append(value.strip())
            for key, value in node.items():
                if key not in _CARD_TEXT_KEYS and key not in _CARD_SKIPPED:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return "\n".join(found)
