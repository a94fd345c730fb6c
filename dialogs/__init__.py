"""The features. Each module registers its commands, card verbs and tasks on its own Router."""

from __future__ import annotations

from dialogs.router import Router


def build_router() -> Router:
    """Every feature's router in one, in help order."""
    from dialogs import help as help_feature
    from dialogs import maintenance
    from dialogs.polls import handlers as polls

    return Router().include(help_feature.router, polls.router, maintenance.router)
