"""Cards of the weekly digest (週次ダイジェスト): the digest posted in the channel, the one short
line of a quiet week, and the channel's settings card (設定).

Pure functions from view-models (built by dialogs.digest.views) to Adaptive Card 1.5 dicts.
Headings and notices are catalog text; everything that may come from people (questions, titles,
names, keywords) only ever goes into TextRuns. The digest's marker (a unique text the bot looks
for among the channel's messages when a send's outcome is unknown) rides in `fallbackText`,
which Teams does not show for a 1.5 card but keeps with the message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from cards.common import Card, Element, card, execute, heading, open_url, paragraph, plain
from core.i18n import Translator

VERB_SETTINGS_SAVE = "digest.settings.save"
VERB_PREVIEW = "digest.preview"
VERB_POST_NOW = "digest.post_now"
VERB_ENABLE = "digest.enable"  # the install greeting's button

ENABLED_INPUT = "digest_enabled"
WEEKDAY_INPUT = "digest_weekday"
TIME_INPUT = "digest_time"
LOCALE_INPUT = "digest_locale"
SECTIONS_INPUT = "digest_sections"
DAYS_INPUT = "digest_unanswered_days"
TOGGLE_ON = "true"
TOGGLE_OFF = "false"

# Teams refuses cards over ~28 KB; the digest keeps well under it (bench/digest.py measures).
MAX_CARD_BYTES = 26 * 1024

_SUBTLE = {"isSubtle": True, "size": "Small"}


@dataclass(frozen=True)
class Line:
    """One item of a section: a thread, a poll, an event. `text` may be people's words;
    `badge` (a status) is ours; `hint` is a related item shown under it with `hint_label`."""

    text: str
    url: str | None = None
    badge: str | None = None
    badge_color: str = "Default"
    detail: str | None = None
    hint_label: str | None = None
    hint: Line | None = None


@dataclass(frozen=True)
class Button:
    title: str
    url: str | None = None
    verb: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    positive: bool = False


@dataclass(frozen=True)
class SectionView:
    title: str  # catalog text
    lines: tuple[Line, ...] = ()
    summary: str | None = None  # one line that may hold people's words (keywords)
    buttons: tuple[Button, ...] = ()
    after: str | None = None  # one line after the lines, about them (people's words: themes)


@dataclass(frozen=True)
class DigestView:
    title: str
    period: str
    sections: tuple[SectionView, ...]
    notices: tuple[str, ...] = ()  # catalog text: what is missing or may be missing
    footer: str = ""
    marker: str | None = None
    preview_note: str | None = None


def digest_card(view: DigestView, *, max_bytes: int = MAX_CARD_BYTES) -> Card:
    """The digest's card; sections lose their last lines until it fits in `max_bytes`."""
    built = _digest_card(view)
    while card_size(built) > max_bytes:
        trimmed = _trim(view)
        if trimmed == view:
            break
        view = trimmed
        built = _digest_card(view)
    return built


def quiet_week_card(text: str, marker: str | None) -> Card:
    """A week with nothing to say: one short line."""
    return _marked(card([paragraph(text)]), text, marker)


def card_size(built: Card) -> int:
    """The card's size in bytes as it goes over the wire: JSON with every Japanese character a
    `\\uXXXX` escape (what the connector client sends), about 1.5× its UTF-8 size."""
    return len(json.dumps(built))


def _digest_card(view: DigestView) -> Card:
    body: list[Element] = [heading(view.title), paragraph(view.period, subtle=True)]
    if view.preview_note:
        body.append(_colored(view.preview_note, "Accent"))
    for notice in view.notices:
        body.append(_colored(notice, "Warning"))
    for section in view.sections:
        body.extend(_section(section))
    if view.footer:
        body.append({**paragraph(view.footer, subtle=True, size="Small"), "separator": True})
    return _marked(card(body), f"{view.title} {view.period}", view.marker)


def _marked(built: Card, summary: str, marker: str | None) -> Card:
    built["fallbackText"] = f"{summary} [{marker}]" if marker else summary
    return built


def _section(section: SectionView) -> list[Element]:
    elements: list[Element] = [
        {**heading(section.title, size="Medium"), "separator": True, "spacing": "Medium"}
    ]
    if section.summary:
        elements.append(plain(section.summary))
    elements.extend(_line(line) for line in section.lines)
    if section.after:
        elements.append(plain(section.after))
    if section.buttons:
        elements.append({"type": "ActionSet", "actions": [_button(b) for b in section.buttons]})
    return elements


def _line(line: Line) -> Element:
    runs: list[str | tuple[str, dict[str, Any]]] = []
    if line.badge:
        runs.append((f"{line.badge} ", {"weight": "Bolder", "color": line.badge_color}))
    runs.append((line.text, {"color": "Accent"} if line.url else {}))
    items: list[Element] = [plain(*runs)]
    if line.detail:
        items.append(plain((line.detail, _SUBTLE)))
    container: Element = {"type": "Container", "items": items, "spacing": "Small"}
    if line.url:
        container["selectAction"] = {"type": "Action.OpenUrl", "url": line.url}
    if line.hint is None:
        return container
    label = (f"{line.hint_label or ''} ", _SUBTLE)
    related = (line.hint.text, {"size": "Small", "color": "Accent"})
    hint: Element = {"type": "Container", "items": [plain(label, related)], "spacing": "None"}
    if line.hint.url:
        hint["selectAction"] = {"type": "Action.OpenUrl", "url": line.hint.url}
    return {"type": "Container", "items": [container, hint], "spacing": "Small"}


def _button(button: Button) -> Element:
    if button.url is not None:
        return open_url(button.title, button.url)
    extra = {"style": "positive"} if button.positive else {}
    return execute(button.title, button.verb or "", dict(button.data), **extra)


def _colored(text: str, color: str) -> Element:
    return {"type": "TextBlock", "text": text, "wrap": True, "color": color, "weight": "Bolder"}


def _trim(view: DigestView) -> DigestView:
    longest = max((len(s.lines) for s in view.sections), default=0)
    if longest <= 1:
        return view
    sections = tuple(
        replace(s, lines=s.lines[: longest - 1]) if len(s.lines) == longest else s
        for s in view.sections
    )
    return replace(view, sections=sections)


# --- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: str
    title: str


@dataclass(frozen=True)
class SettingsView:
    channel: str | None  # the channel's name (people's words), when known
    enabled: bool
    weekday: str
    time: str
    locale: str
    sections: tuple[str, ...]
    unanswered_days: str
    weekdays: tuple[Option, ...]
    times: tuple[Option, ...]
    locales: tuple[Option, ...]
    section_options: tuple[Option, ...]
    days: tuple[Option, ...]
    next_post: str | None = None  # catalog sentence: when the next digest goes out
    notice: str | None = None
    notice_color: str = "Good"


def settings_card(view: SettingsView, t: Translator) -> Card:
    body: list[Element] = [heading(t("digest.settings.title"))]
    if view.channel:
        body.append(
            plain((f"{t('digest.settings.channel')}: ", _SUBTLE), (view.channel, {"size": "Small"}))
        )
    if view.notice:
        body.append(_colored(view.notice, view.notice_color))
    body.append(paragraph(t("digest.settings.intro"), subtle=True))
    body.append(
        {
            "type": "Input.Toggle",
            "id": ENABLED_INPUT,
            "title": t("digest.settings.enabled"),
            "valueOn": TOGGLE_ON,
            "valueOff": TOGGLE_OFF,
            "value": TOGGLE_ON if view.enabled else TOGGLE_OFF,
            "wrap": True,
        }
    )
    body.append(_choices(WEEKDAY_INPUT, t("digest.settings.weekday"), view.weekdays, view.weekday))
    body.append(_choices(TIME_INPUT, t("digest.settings.time"), view.times, view.time))
    body.append(_choices(LOCALE_INPUT, t("digest.settings.locale"), view.locales, view.locale))
    body.append(
        _choices(
            SECTIONS_INPUT,
            t("digest.settings.sections"),
            view.section_options,
            ",".join(view.sections),
            multi=True,
        )
    )
    body.append(
        _choices(DAYS_INPUT, t("digest.settings.unanswered_days"), view.days, view.unanswered_days)
    )
    if view.next_post:
        body.append(paragraph(view.next_post, subtle=True, size="Small"))
    actions = [
        execute(t("digest.settings.save"), VERB_SETTINGS_SAVE, {}, style="positive"),
        execute(t("digest.settings.preview"), VERB_PREVIEW, {}),
        execute(t("digest.settings.post_now"), VERB_POST_NOW, {}),
    ]
    return card(body, actions)


def _choices(
    input_id: str, label: str, options: tuple[Option, ...], value: str, *, multi: bool = False
) -> Element:
    element: Element = {
        "type": "Input.ChoiceSet",
        "id": input_id,
        "label": label,
        "style": "expanded" if multi else "compact",
        "wrap": True,
        "value": value,
        "choices": [{"title": o.title, "value": o.value} for o in options],
    }
    if multi:
        element["isMultiSelect"] = True
    return element
