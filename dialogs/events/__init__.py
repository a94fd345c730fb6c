"""IYO WORK days (events): the model, its storage and its calendar file.

A poll's decision creates an event (`draft_for` + `store.create_event`); registration,
reminders and impressions hang on it. The store functions live in `dialogs.events.store`.
"""

from __future__ import annotations

from dialogs.events.calendar import calendar_filename, calendar_path, calendar_url, event_ics
from dialogs.events.model import (
    DEFAULT_END,
    DEFAULT_START,
    MAX_MEETING_URL_LENGTH,
    MAX_TITLE_LENGTH,
    Event,
    EventDraft,
    EventState,
    MeetingUrlError,
    default_registration_deadline,
    draft_for,
    meeting_url_error,
)

__all__ = [
    "DEFAULT_END",
    "DEFAULT_START",
    "MAX_MEETING_URL_LENGTH",
    "MAX_TITLE_LENGTH",
    "Event",
    "EventDraft",
    "EventState",
    "MeetingUrlError",
    "calendar_filename",
    "calendar_path",
    "calendar_url",
    "default_registration_deadline",
    "draft_for",
    "event_ics",
    "meeting_url_error",
]
