"""The features. Each module registers its commands, card verbs and tasks on its own Router."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dialogs.router import Router

if TYPE_CHECKING:
    from dialogs.exports import Exporters


def build_router() -> Router:
    """Every feature's router in one, in help order."""
    from dialogs import help as help_feature
    from dialogs import maintenance
    from dialogs.attendance import export as attendees_export
    from dialogs.attendance import handlers as attendance
    from dialogs.attendance import listing as attendance_lists
    from dialogs.attendance import on_behalf as registrations_on_behalf
    from dialogs.digest import handlers as digest
    from dialogs.events import editing as event_editing
    from dialogs.events import handlers as event_creation
    from dialogs.events import tasks as event_tasks
    from dialogs.feedback import handlers as feedback
    from dialogs.mydata import handlers as mydata
    from dialogs.polls import coordinating as poll_coordination
    from dialogs.polls import export as poll_export
    from dialogs.polls import handlers as polls
    from dialogs.summaries import handlers as summaries
    from dialogs.threads import tasks as thread_sync

    return Router().include(
        help_feature.router,
        polls.router,
        poll_coordination.router,
        poll_export.router,
        event_creation.router,
        attendance.router,
        event_editing.router,
        event_tasks.router,
        attendance_lists.router,
        registrations_on_behalf.router,
        attendees_export.router,
        feedback.router,
        mydata.router,
        summaries.router,
        thread_sync.router,
        digest.router,
        maintenance.router,
    )


def build_exporters() -> Exporters:
    """Every kind of export link, and what builds its file."""
    from dialogs.attendance import export as attendees_export
    from dialogs.feedback import export as feedback_export
    from dialogs.polls import export as poll_export

    return {
        poll_export.POLL_EXPORT: poll_export.poll_csv,
        attendees_export.ATTENDEES_CSV: attendees_export.attendees_csv,
        attendees_export.ATTENDEES_XLSX: attendees_export.attendees_xlsx,
        feedback_export.FEEDBACK_MARKDOWN: feedback_export.feedback_markdown,
        feedback_export.FEEDBACK_XLSX: feedback_export.feedback_xlsx,
    }
