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
    from dialogs.attendance import handlers as attendance
    from dialogs.events import handlers as event_creation
    from dialogs.polls import coordinating as poll_coordination
    from dialogs.polls import export as poll_export
    from dialogs.polls import handlers as polls

    return Router().include(
        help_feature.router,
        polls.router,
        poll_coordination.router,
        poll_export.router,
        event_creation.router,
        attendance.router,
        maintenance.router,
    )


def build_exporters() -> Exporters:
    """Every kind of export link, and what builds its file."""
    from dialogs.polls import export as poll_export

    return {poll_export.POLL_EXPORT: poll_export.poll_csv}
