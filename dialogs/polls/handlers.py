"""日程調整 in Teams: create a poll (one line or the form), answer it, close it at the deadline
and remind those who have not answered.

Who answers is always the activity's sender (`ctx.turn.actor.key`); card data only says which
poll and what was chosen. The shared card shows public information only and is updated through
the outbox (coalesced); what is personal goes back in the invoke response.
"""

from __future__ import annotations

import logging
from datetime import tzinfo
from typing import Any

from pydantic import BaseModel

from cards.common import card, plain
from cards.polls import (
    MAX_REFRESH_USERS,
    VERB_ANSWER,
    VERB_CREATE,
    VERB_VIEW,
    CreationView,
    creation_card,
    error_card,
)
from core.i18n import Translator
from dialogs.context import Context, TaskContext
from dialogs.polls import deadlines, store
from dialogs.polls.answers import AnswerError, read_answer
from dialogs.polls.creation import (
    PollDraft,
    PollDraftErrors,
    parse_poll_command,
    validate_poll_form,
)
from dialogs.polls.deadlines import CLOSE_TASK, REMIND_TASK
from dialogs.polls.model import PollState
from dialogs.polls.publishing import (
    LIVE_CARD,
    decided_calendar_url,
    personal_card,
    public_card,
    refresh_shared_card,
)
from dialogs.polls.reminders import remind_nonrespondents
from dialogs.polls.views import creation_view, explain_answer
from dialogs.replies import Card, Message, Reply, literal
from dialogs.router import Router, RowId

log = logging.getLogger(__name__)

router = Router()


class PollRef(BaseModel):
    """What a poll card's buttons carry: which poll. Inputs (choices, comment) ride along and
    are read separately; any identity in the data is ignored."""

    poll_id: RowId


class AnswerRef(PollRef):
    """回答する: which poll, and whether the card showed the presser's own answers preselected
    (`prefilled`, see cards.polls.PREFILLED). That decides only whether their answer replaces
    or is merged into their earlier one; nobody else's answer is touched either way."""

    prefilled: bool = False


@router.command("poll", coordinator_only=True, order=10)
async def create_by_command(ctx: Context) -> Reply:
    """`日程調整 <title> <dates> [会場:…] [定員:…] [締切:…] [結果:回答後]`, or the form alone."""
    zone = ctx.services.settings.zone
    if ctx.turn.place.kind != "channel":  # said before the form is filled in, not after
        return Reply.say(ctx.t("polls.flow.channel_only"))
    if not ctx.args.strip():
        return Reply.show(creation_card(CreationView(), ctx.t))
    now = ctx.clock.now()
    result = parse_poll_command(ctx.args, now.astimezone(zone).date(), zone, now=now)
    if isinstance(result, PollDraftErrors):
        return Reply.show(_creation_errors(result, ctx.t, zone))
    stored = await _publish(ctx, result)
    return Reply.say(ctx.t("polls.flow.created", title=literal(stored.poll.title)))


@router.verb(VERB_CREATE, coordinator_only=True)
async def create_from_form(ctx: Context) -> Reply:
    """The creation card's 作成する: the poll is posted, or the form comes back with errors."""
    zone = ctx.services.settings.zone
    if ctx.turn.place.kind != "channel":
        return Reply.say(ctx.t("polls.flow.channel_only"))
    now = ctx.clock.now()
    result = validate_poll_form(ctx.turn.data, now.astimezone(zone).date(), zone, now=now)
    if isinstance(result, PollDraftErrors):
        return Reply.show(_creation_errors(result, ctx.t, zone))
    stored = await _publish(ctx, result)
    return Reply.show(_notice_card(ctx.t("polls.flow.created", title=stored.poll.title)))


# Why an answer is refused, as the person would want to hear it.
_NOT_OPEN = {
    PollState.DECIDED: "polls.flow.not_open_decided",
    PollState.CANCELLED: "polls.flow.not_open_cancelled",
}


@router.verb(VERB_ANSWER, data=AnswerRef)
async def answer(ctx: Context) -> Reply:
    """回答する: store the sender's answer, return their own view and refresh the shared card.
    From their own view (answers preselected) it replaces their earlier answer; from a card
    without them (the channel's card as most see it, another device) it is merged, so dates
    left blank keep their earlier answer. After the deadline or once closed nothing is stored."""
    assert isinstance(ctx.data, AnswerRef)
    zone = ctx.services.settings.zone
    stored = await store.load_poll(ctx.session, ctx.data.poll_id)
    if stored is None or not await ctx.sees(stored.conversation_id):
        return Reply.show(error_card(ctx.t("polls.flow.not_found"), ctx.t))
    poll = stored.poll
    now = ctx.clock.now()
    if poll.state is not PollState.OPEN or (poll.deadline is not None and now >= poll.deadline):
        return Reply.show(
            error_card(ctx.t(_NOT_OPEN.get(poll.state, "polls.flow.not_open")), ctx.t)
        )
    parsed = read_answer(ctx.turn.data, poll.candidates)
    if isinstance(parsed, AnswerError):
        return Reply.show(error_card(explain_answer(parsed, ctx.t), ctx.t, poll_id=poll.id))
    actor = ctx.turn.actor
    await store.save_answer(
        ctx.session,
        poll.id,
        person_key=actor.key,
        name=actor.name,
        answer=parsed,
        now=now,
        replace=ctx.data.prefilled,
    )
    everyone = await store.answers(ctx.session, poll.id)
    await refresh_shared_card(ctx.messenger, stored)
    own = personal_card(
        stored, everyone, actor.key, ctx.t, zone, saved=True, teams_id=actor.teams_id
    )
    return Reply.show(own)


@router.verb(VERB_VIEW, data=PollRef)
async def view(ctx: Context) -> Reply:
    """The poll as the sender sees it: own answers preselected, results once answered."""
    assert isinstance(ctx.data, PollRef)
    stored = await store.load_poll(ctx.session, ctx.data.poll_id)
    if stored is None or not await ctx.sees(stored.conversation_id):
        return Reply.show(error_card(ctx.t("polls.flow.not_found"), ctx.t))
    everyone = await store.answers(ctx.session, stored.poll.id)
    zone = ctx.services.settings.zone
    calendar = await decided_calendar_url(ctx.session, stored, ctx.services.settings)
    actor = ctx.turn.actor
    card_ = personal_card(
        stored, everyone, actor.key, ctx.t, zone, calendar_url=calendar, teams_id=actor.teams_id
    )
    return Reply.show(card_)


@router.renderer(LIVE_CARD)
async def render_shared_card(ctx: TaskContext, poll_id: int) -> Message | None:
    """The channel's card as it is now, in the poll's language (when an edit is sent)."""
    stored = await store.load_poll(ctx.session, poll_id)
    if stored is None:
        return None
    everyone = await store.answers(ctx.session, poll_id)
    settings = ctx.services.settings
    calendar = await decided_calendar_url(ctx.session, stored, settings)
    t = ctx.translator(stored.locale)
    viewers = await store.recent_respondents(ctx.session, poll_id, MAX_REFRESH_USERS)
    card_ = public_card(
        stored, everyone, t, settings.zone, calendar_url=calendar, refresh_for=viewers
    )
    return Message(card=card_)


@router.task(CLOSE_TASK)
async def close_at_deadline(ctx: TaskContext, payload: dict[str, Any]) -> None:
    """The deadline has come: the poll closes and the shared card says so."""
    poll_id = int(payload["poll_id"])
    if not await store.close_poll(ctx.session, poll_id, ctx.clock.now()):
        return
    stored = await store.load_poll(ctx.session, poll_id)
    if stored is not None:
        await refresh_shared_card(ctx.messenger, stored)


@router.task(REMIND_TASK)
async def remind_before_deadline(ctx: TaskContext, payload: dict[str, Any]) -> None:
    """09:00 on the last business day before the deadline: a reply in the poll's thread
    @mentioning the channel's members who have not answered (once; nothing when everyone
    answered). While the roster is out of reach for a reason that may pass the run fails, to be
    tried again with backoff; when Teams refused it for good, or the bot left, it is skipped."""
    poll_id = int(payload["poll_id"])
    stored = await store.load_poll(ctx.session, poll_id)
    if stored is None or stored.poll.state is not PollState.OPEN or not stored.poll.deadline:
        return
    if ctx.clock.now() >= stored.poll.deadline:
        # The run came late (the bot was down): a reminder after the deadline only confuses.
        log.info("poll %s: automatic reminder skipped, the deadline has passed", poll_id)
        return
    done = await remind_nonrespondents(
        ctx.session, ctx.services, stored, dedupe_key=f"poll:{poll_id}:auto-reminder"
    )
    unreachable = done.out_of_reach
    if unreachable is None:
        return
    if not unreachable.permanent:
        raise RosterUnavailable(f"poll {poll_id}: {unreachable.reason}")
    if unreachable.status is not None:
        log.warning(
            "poll %s: automatic reminder skipped, Teams refused the roster (HTTP %s)",
            poll_id,
            unreachable.status,
        )
    else:
        log.info("poll %s: automatic reminder skipped: %s", poll_id, unreachable.reason)


class RosterUnavailable(Exception):
    """The roster could not be read for a reason that may pass (throttled, 5xx, the network)."""


async def _publish(ctx: Context, draft: PollDraft) -> store.StoredPoll:
    """Store the poll, post it as a new thread in this channel, arm its deadline tasks."""
    zone = ctx.services.settings.zone
    now = ctx.clock.now()
    conversation_id = ctx.turn.place.base_conversation_id
    stored = await store.create_poll(
        ctx.session,
        draft,
        conversation_id=conversation_id,
        creator_key=ctx.turn.actor.key,
        locale=ctx.t.locale,
        now=now,
    )
    public = public_card(stored, [], ctx.t, zone)
    post_id = await ctx.messenger.post_to_channel(conversation_id, Message(card=public))
    await store.set_post(ctx.session, stored.poll.id, post_id)
    await deadlines.arm(ctx.session, stored.poll.id, draft.deadline, now, zone)
    return store.StoredPoll(stored.poll, conversation_id, post_id, stored.locale)


def _creation_errors(result: PollDraftErrors, t: Translator, zone: tzinfo) -> Card:
    return creation_card(creation_view(result.form, result.errors, t, zone), t)


def _notice_card(text: str) -> Card:
    # The sentence holds the poll's title as typed: shown literally, never as markdown.
    return card([plain(text)])


__all__ = ["CLOSE_TASK", "REMIND_TASK", "AnswerRef", "PollRef", "router"]
