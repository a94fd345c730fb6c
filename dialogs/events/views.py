"""From events to the view-models of cards.events, in one reader's language."""

from __future__ import annotations

from datetime import tzinfo

from cards.events import EventView
from core.i18n import Translator
from core.jpcalendar import format_date_marked, format_time_range
from dialogs.events.calendar import calendar_url
from dialogs.events.model import Event, EventState
from dialogs.polls.views import moment_label


def when_label(event: Event, t: Translator) -> str:
    """`12/15(火) 9:00–17:00`."""
    day = format_date_marked(event.day, t.locale, catalog=t.catalog)
    return f"{day} {format_time_range(event.start, event.end)}"


def event_view(
    event: Event, t: Translator, zone: tzinfo, base_url: str, *, headline: str | None = None
) -> EventView:
    return EventView(
        title=event.title,
        when=when_label(event, t),
        registration_deadline=moment_label(event.registration_deadline, zone, t),
        calendar_url=calendar_url(base_url, event.token),
        venue=event.venue,
        capacity=event.capacity,
        meeting_url=event.meeting_url,
        headline=headline,
        cancelled=event.state is EventState.CANCELLED,
    )
