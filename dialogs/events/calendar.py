"""An event as an iCalendar file (RFC 5545), for Outlook, Google and Apple calendars.

The file is served at a secret URL (`calendar_path`), so one "add to calendar" link works in
every client. The UID stays the same and SEQUENCE grows with every change, so opening the
link again after an edit or a cancellation updates the entry instead of adding a second one.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, vCalAddress
from icalendar import Event as VEvent

from core.i18n import Catalog, default_catalog
from core.jpcalendar import format_date_long, format_time
from dialogs.events.model import Event, EventState

PRODID = "-//IYO WORK//IYO WORK bot//JA"
UID_DOMAIN = "iyowork"
# RFC 5546 wants an ORGANIZER on a published event; the bot has no mailbox, and the
# reserved .invalid domain makes sure no client ever mails this address.
ORGANISER_ADDRESS = "mailto:noreply@iyowork.invalid"


def calendar_path(token: str) -> str:
    return f"/events/{token}.ics"


def calendar_url(base_url: str, token: str) -> str:
    """The file's absolute URL under `settings.public_base_url`."""
    return base_url.rstrip("/") + calendar_path(token)


def calendar_filename(event: Event) -> str:
    """`iyowork-2026-12-10.ics`: what the downloaded file is called."""
    return f"iyowork-{event.day.isoformat()}.ics"


def event_uid(token: str) -> str:
    return f"iyowork-event-{token}@{UID_DOMAIN}"


def event_ics(
    event: Event,
    *,
    zone: ZoneInfo,
    now: datetime,
    organiser_name: str = "IYO WORK bot",
    catalog: Catalog | None = None,
) -> bytes:
    """The VCALENDAR (UTF-8, CRLF, folded lines) with the zone's VTIMEZONE and one VEVENT;
    the description's sentences are in the event's language."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")

    vevent = VEvent()
    vevent.add("uid", event_uid(event.token))
    vevent.add("dtstamp", now)
    vevent.add("created", event.created_at)
    vevent.add("last-modified", event.updated_at)
    # Seconds since creation: grows with every edit and, unlike a Unix time, fits the 32-bit
    # integers some clients keep SEQUENCE in.
    vevent.add("sequence", max(0, int((event.updated_at - event.created_at).total_seconds())))
    vevent.add("dtstart", event.starts_at(zone))
    vevent.add("dtend", event.ends_at(zone))
    vevent.add("summary", event.title)
    if event.venue:
        vevent.add("location", event.venue)
    if event.meeting_url:
        vevent.add("url", event.meeting_url)
    vevent.add("description", _description(event, zone, catalog or default_catalog()))
    vevent.add("status", "CANCELLED" if event.state is EventState.CANCELLED else "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    organiser = vCalAddress(ORGANISER_ADDRESS)
    organiser.params["cn"] = organiser_name
    vevent.add("organizer", organiser)
    calendar.add_component(vevent)

    calendar.add_missing_timezones()
    ics: bytes = calendar.to_ical()
    return ics


def _description(event: Event, zone: ZoneInfo, catalog: Catalog) -> str:
    locale = event.locale
    lines: list[str] = []
    if event.state is EventState.CANCELLED:
        lines.append(catalog.text(locale, "events.ics.cancelled"))
    if event.venue:
        lines.append(catalog.text(locale, "events.ics.venue", venue=event.venue))
    if event.meeting_url:
        lines.append(catalog.text(locale, "events.ics.meeting_url", url=event.meeting_url))
    deadline = event.registration_deadline.astimezone(zone)
    when = (
        f"{format_date_long(deadline.date(), locale, catalog=catalog)} "
        f"{format_time(deadline.time())}"
    )
    lines.append(catalog.text(locale, "events.ics.registration_deadline", deadline=when))
    return "\n".join(lines)
