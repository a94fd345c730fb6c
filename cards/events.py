"""Cards of an IYO WORK day (event): the announcement in its thread. Registration (参加登録)
adds its buttons here later."""

from __future__ import annotations

from dataclasses import dataclass

from cards.common import Card, Element, card, heading, open_url, paragraph, plain
from core.i18n import Translator

_LABEL = {"isSubtle": True, "size": "Small"}


@dataclass(frozen=True)
class EventView:
    title: str
    when: str  # "12/15(火) 9:00–17:00", written by us
    registration_deadline: str  # formatted
    calendar_url: str
    venue: str | None = None
    capacity: int | None = None
    meeting_url: str | None = None
    headline: str | None = None  # catalog text above the title, e.g. "日程が決まりました"
    cancelled: bool = False


def event_card(view: EventView, t: Translator) -> Card:
    body: list[Element] = []
    if view.headline:
        body.append(heading(view.headline, size="Medium"))
    body.append(plain((view.title, {"size": "Large", "weight": "Bolder"})))
    if view.cancelled:
        body.append(paragraph(t("events.card.cancelled"), size="Medium"))
        return card(body)
    body.append(_fact(t("events.card.when"), view.when))
    if view.venue:
        body.append(_fact(t("events.card.venue"), view.venue))
    if view.capacity is not None:
        body.append(_fact(t("events.card.capacity"), t("events.card.seats", count=view.capacity)))
    if view.meeting_url:
        body.append(_fact(t("events.card.online"), t("events.card.online_available")))
    body.append(_fact(t("events.card.registration_deadline"), view.registration_deadline))
    actions = [open_url(t("events.card.calendar"), view.calendar_url)]
    if view.meeting_url:
        actions.append(open_url(t("events.card.join_online"), view.meeting_url))
    return card(body, actions)


def _fact(label: str, value: str) -> Element:
    return plain((f"{label}: ", _LABEL), (value, {"size": "Small"}))
