"""The poll's cards built from what is stored: the shared card in the channel (public
information only) and one person's own view, and keeping the shared card current."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from cards.polls import poll_card
from core.i18n import Translator
from core.settings import Settings
from dialogs.events.calendar import calendar_url
from dialogs.events.store import event_for_poll
from dialogs.platform.messenger import Messenger
from dialogs.polls.model import Answer, PollState
from dialogs.polls.store import StoredPoll
from dialogs.polls.tally import tally
from dialogs.polls.views import poll_view
from dialogs.replies import Card

LIVE_CARD = "poll"


def public_card(
    stored: StoredPoll,
    everyone: list[Answer],
    t: Translator,
    zone: tzinfo,
    *,
    calendar_url: str | None = None,
    refresh_for: Sequence[str] = (),
) -> Card:
    """The channel's card; `refresh_for` (Teams ids of people who answered) see their own
    view instead, so pressing 回答する does not lose what they picked when the card is edited."""
    poll = stored.poll
    counted = tally(poll.candidates, everyone, capacity=poll.capacity)
    view = poll_view(poll, counted, t, zone, calendar_url=calendar_url, refresh_for=refresh_for)
    return poll_card(view, t)


def personal_card(
    stored: StoredPoll,
    everyone: list[Answer],
    person_key: str,
    t: Translator,
    zone: tzinfo,
    *,
    saved: bool = False,
    calendar_url: str | None = None,
    teams_id: str | None = None,
) -> Card:
    """What this person sees: their answers preselected, the results once they answered. With
    their `teams_id` the card keeps refreshing to their own view when the poll changes."""
    poll = stored.poll
    counted = tally(poll.candidates, everyone, capacity=poll.capacity)
    own = next((a for a in everyone if a.person_key == person_key), None)
    view = poll_view(
        poll,
        counted,
        t,
        zone,
        viewer=own,
        personal=True,
        saved=saved,
        calendar_url=calendar_url,
        refresh_for=(teams_id,) if teams_id else (),
    )
    return poll_card(view, t)


async def refresh_shared_card(messenger: Messenger, stored: StoredPoll) -> None:
    """Queue an edit of the channel's card; the outbox renders it (`render_poll`) when the
    edit is sent, so many answers in a row cost one build of the card."""
    if stored.post_outbox_id is not None:
        await messenger.refresh_card(stored.post_outbox_id, LIVE_CARD, stored.poll.id)


async def decided_calendar_url(
    session: AsyncSession, stored: StoredPoll, settings: Settings
) -> str | None:
    """The calendar file of the event a decided poll became."""
    if stored.poll.state is not PollState.DECIDED:
        return None
    event = await event_for_poll(session, stored.poll.id)
    return calendar_url(settings.public_base_url, event.token) if event else None
