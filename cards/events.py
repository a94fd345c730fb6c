"""Cards of an IYO WORK day (event): the announcement in its thread, kept current with who
is coming (現地 n/定員, オンライン n, キャンセル待ち n, names by municipality) and the 参加登録
button, which answers the presser with their own registration card."""

from __future__ import annotations

from dataclasses import dataclass

from cards.attendance import VERB_VIEW as VERB_REGISTER_OPEN
from cards.common import Card, Element, card, execute, heading, open_url, paragraph, plain
from cards.event_admin import VERB_COORDINATOR
from core.i18n import Translator

VERB_OWN_CARD = "event.card.own"  # the event card as one registrant sees it (refresh)
MAX_REFRESH_USERS = 60  # Teams' limit for `refresh.userIds`

_LABEL = {"isSubtle": True, "size": "Small"}


@dataclass(frozen=True)
class MunicipalityGroup:
    """Who is coming from one municipality: the first few names (already shortened, online
    ones marked) and how many more."""

    name: str  # the municipality, from the catalog
    count: int
    names: tuple[str, ...]
    more: int = 0


@dataclass(frozen=True)
class AttendanceView:
    seated: int = 0
    online: int = 0
    waitlisted: int = 0
    groups: tuple[MunicipalityGroup, ...] = ()


@dataclass(frozen=True)
class EventView:
    title: str
    when: str  # "12/15(火) 9:00–17:00", written by us
    registration_deadline: str  # formatted
    calendar_url: str
    venue: str | None = None
    capacity: int | None = None
    meeting_url: str | None = None
    # The オンラインで参加 button (the meeting link): only on the card returned to someone
    # registered online. The channel's card says there is a link and that it goes to them.
    join_online: bool = False
    headline: str | None = None  # catalog text above the title, e.g. "日程が決まりました"
    cancelled: bool = False
    event_id: int | None = None  # set: the card has the 参加登録 and コーディネーター用 buttons
    attendance: AttendanceView | None = None  # set: the counts and names are shown
    registration_closed: bool = False  # the deadline has passed: the card says so
    # The viewer's own standing ("現地（席を確保しました）"), on the card returned to them alone.
    own_status: str | None = None
    own_status_color: str = "Good"
    # Teams ids (29:…) whose clients fetch their own view of the card (event.card.own) when
    # they see it: Universal Actions' user-specific views, at most 60.
    refresh_for: tuple[str, ...] = ()


def event_card(view: EventView, t: Translator) -> Card:
    body: list[Element] = []
    if view.headline:
        body.append(heading(view.headline, size="Medium"))
    body.append(plain((view.title, {"size": "Large", "weight": "Bolder"})))
    if view.own_status and not view.cancelled:
        body.append(
            {
                "type": "TextBlock",
                "text": view.own_status,
                "wrap": True,
                "weight": "Bolder",
                "color": view.own_status_color,
            }
        )
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
    if view.registration_closed:
        body.append(_closed(t("events.admin.registration_closed")))
    if view.attendance is not None:
        body.extend(_attendance(view.attendance, view.capacity, t))
    actions: list[Element] = []
    if view.event_id is not None:
        register = {"event_id": view.event_id}
        actions.append(
            execute(t("attendance.event.register"), VERB_REGISTER_OPEN, register, style="positive")
        )
    actions.append(open_url(t("events.card.calendar"), view.calendar_url))
    if view.meeting_url and view.join_online and not view.cancelled:
        actions.append(open_url(t("events.card.join_online"), view.meeting_url))
    if view.event_id is not None:
        # Everyone sees it; the server answers only coordinators (the verb is coordinator-only).
        coordinator = {"event_id": view.event_id}
        actions.append(execute(t("events.admin.coordinator"), VERB_COORDINATOR, coordinator))
    built = card(body, actions)
    if view.refresh_for and view.event_id is not None:
        built["refresh"] = {
            "action": {
                "type": "Action.Execute",
                "verb": VERB_OWN_CARD,
                "data": {"event_id": view.event_id},
            },
            "userIds": list(view.refresh_for[:MAX_REFRESH_USERS]),
        }
    return built


def _closed(text: str) -> Element:
    return {"type": "TextBlock", "text": text, "wrap": True, "weight": "Bolder", "color": "Warning"}


def _fact(label: str, value: str) -> Element:
    return plain((f"{label}: ", _LABEL), (value, {"size": "Small"}))


def _attendance(view: AttendanceView, capacity: int | None, t: Translator) -> list[Element]:
    if capacity is None:
        onsite = t("attendance.event.onsite", count=view.seated)
    else:
        onsite = t("attendance.event.onsite_of", count=view.seated, capacity=capacity)
    parts = [onsite, t("attendance.event.online", count=view.online)]
    if view.waitlisted or capacity is not None:
        parts.append(t("attendance.event.waitlisted", count=view.waitlisted))
    counts: Element = {
        "type": "TextBlock",
        "text": t("attendance.event.count_separator").join(parts),
        "weight": "Bolder",
        "wrap": True,
        "separator": True,
    }
    elements: list[Element] = [counts]
    separator = t("attendance.event.name_separator")
    for group in view.groups:
        more = t("attendance.event.more", count=group.more) if group.more else ""
        elements.append(
            plain(
                (t("attendance.event.group", name=group.name, count=group.count), _LABEL),
                (separator.join(group.names) + more, {"size": "Small"}),
            )
        )
    return elements
