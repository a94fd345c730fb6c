"""The coordinators' side of a poll: the menu and everything on it (未回答者, リマインド,
締切変更, 候補日を追加/削除, 中止, この日に決定), and `日程決定 12/15` written in the poll's thread.

Every verb here is coordinator-only (checked by the dispatcher on the server, whatever the card
shows) and answers with a card to the coordinator alone. Deciding creates the IYO WORK day.
"""

from __future__ import annotations

from datetime import date, time

from pydantic import BaseModel

from cards.events import event_card
from cards.polls import (
    ADD_INPUT,
    DEADLINE_INPUT,
    REMOVE_INPUT,
    VERB_CANCEL,
    VERB_CANCEL_CONFIRM,
    VERB_CANDIDATES,
    VERB_CANDIDATES_SAVE,
    VERB_COORDINATOR,
    VERB_DEADLINE,
    VERB_DEADLINE_SAVE,
    VERB_DECIDE,
    VERB_DECIDE_CONFIRM,
    VERB_NONRESPONDENTS,
    VERB_REMIND,
    CandidateOption,
    candidates_card,
    confirm_card,
    coordinator_card,
    deadline_card,
    error_card,
    nonrespondents_card,
)
from core.i18n import locale_of
from core.jpdates import DateParseError, parse_date_expression
from core.jpdates import explain as explain_date_error
from dialogs.context import Context
from dialogs.events import store as events
from dialogs.events.model import draft_for
from dialogs.events.tasks import arm_event_tasks
from dialogs.events.views import event_view
from dialogs.feedback.schedule import arm_feedback
from dialogs.polls import deadlines, store
from dialogs.polls.edits import change_candidates, change_deadline
from dialogs.polls.handlers import PollRef
from dialogs.polls.model import Answer, Candidate, PollState, Slot
from dialogs.polls.publishing import refresh_shared_card
from dialogs.polls.reminders import RosterOutOfReach, nonrespondents, remind_nonrespondents
from dialogs.polls.tally import tally
from dialogs.polls.views import (
    candidate_options,
    coordinator_view,
    explain,
    moment_label,
    moment_text,
    slot_label,
)
from dialogs.replies import Card, Message, Reply, literal, quoted
from dialogs.router import Router, RowId
from storage.repositories.people import get_person

router = Router()


class DecideRef(BaseModel):
    """この日に決定 carries the poll and the chosen date (the menu's choice input)."""

    poll_id: RowId
    candidate_id: RowId


@router.verb(VERB_COORDINATOR, coordinator_only=True, data=PollRef)
async def menu(ctx: Context) -> Reply:
    stored = await _poll(ctx)
    if isinstance(stored, Reply):
        return stored
    return Reply.show(await _menu(ctx, stored))


@router.verb(VERB_NONRESPONDENTS, coordinator_only=True, data=PollRef)
async def show_nonrespondents(ctx: Context) -> Reply:
    """Those who can see the poll and have not answered: the channel's members (the team's, for
    a standard channel; see dialogs.polls.reminders)."""
    stored = await _poll(ctx)
    if isinstance(stored, Reply):
        return stored
    missing = await nonrespondents(ctx.session, ctx.services, stored)
    if isinstance(missing, RosterOutOfReach):
        return Reply.show(await _menu(ctx, stored, ctx.t("polls.coordinator.no_roster")))
    names = sorted((m.name for m in missing), key=str.casefold)
    return Reply.show(nonrespondents_card(stored.poll.id, stored.poll.title, names, ctx.t))


@router.verb(VERB_REMIND, coordinator_only=True, data=PollRef)
async def remind(ctx: Context) -> Reply:
    """A reply in the poll's thread @mentioning everyone who has not answered."""
    stored = await _poll(ctx)
    if isinstance(stored, Reply):
        return stored
    if stored.poll.state is not PollState.OPEN:
        return Reply.show(await _menu(ctx, stored, ctx.t("polls.flow.not_open")))
    done = await remind_nonrespondents(
        ctx.session,
        ctx.services,
        stored,
        dedupe_key=f"poll:{stored.poll.id}:{ctx.turn.activity_id}",
    )
    notice = ctx.t(f"polls.coordinator.reminder_{done.outcome}", count=done.count)
    return Reply.show(await _menu(ctx, stored, notice))


@router.verb(VERB_DEADLINE, coordinator_only=True, data=PollRef)
async def ask_deadline(ctx: Context) -> Reply:
    stored = await _changeable(ctx)
    if isinstance(stored, Reply):
        return stored
    poll = stored.poll
    current = moment_text(poll.deadline, ctx.services.settings.zone) if poll.deadline else ""
    return Reply.show(deadline_card(poll.id, poll.title, current, ctx.t))


@router.verb(VERB_DEADLINE_SAVE, coordinator_only=True, data=PollRef)
async def save_deadline(ctx: Context) -> Reply:
    """A new deadline (blank: none). A poll closed by its old deadline opens again."""
    stored = await _changeable(ctx)
    if isinstance(stored, Reply):
        return stored
    zone = ctx.services.settings.zone
    now = ctx.clock.now()
    typed = str(ctx.turn.data.get(DEADLINE_INPUT) or "")
    poll = stored.poll
    result = change_deadline(typed, poll.candidates, now.astimezone(zone).date(), zone, now)
    if isinstance(result, tuple):
        errors = tuple(explain(e, ctx.t, zone) for e in result)
        return Reply.show(deadline_card(poll.id, poll.title, typed, ctx.t, errors))
    await store.set_deadline(ctx.session, poll.id, result, now)
    await deadlines.arm(ctx.session, poll.id, result, now, zone)
    stored = await _reload(ctx, poll.id)
    await _refresh(ctx, stored)
    if result is None:
        notice = ctx.t("polls.coordinator.deadline_removed")
    else:
        notice = ctx.t(
            "polls.coordinator.deadline_changed", deadline=moment_label(result, zone, ctx.t)
        )
    return Reply.show(await _menu(ctx, stored, notice))


@router.verb(VERB_CANDIDATES, coordinator_only=True, data=PollRef)
async def ask_candidates(ctx: Context) -> Reply:
    stored = await _changeable(ctx)
    if isinstance(stored, Reply):
        return stored
    poll = stored.poll
    return Reply.show(candidates_card(poll.id, poll.title, candidate_options(poll, ctx.t), ctx.t))


@router.verb(VERB_CANDIDATES_SAVE, coordinator_only=True, data=PollRef)
async def save_candidates(ctx: Context) -> Reply:
    """Dates added and removed. People who had answered a removed date are told personally;
    added dates are announced in the poll's thread so everyone can answer them."""
    stored = await _changeable(ctx)
    if isinstance(stored, Reply):
        return stored
    zone = ctx.services.settings.zone
    now = ctx.clock.now()
    poll = stored.poll
    typed = str(ctx.turn.data.get(ADD_INPUT) or "")
    remove = _ids(ctx.turn.data.get(REMOVE_INPUT))
    today = now.astimezone(zone).date()
    result = change_candidates(
        typed, remove, poll.candidates, today, deadline=poll.deadline, zone=zone
    )
    if isinstance(result, tuple):
        errors = tuple(explain(e, ctx.t, zone) for e in result)
        options = candidate_options(poll, ctx.t)
        return Reply.show(
            candidates_card(poll.id, poll.title, options, ctx.t, typed=typed, errors=errors)
        )
    if not result.add and not result.remove:
        return Reply.show(await _menu(ctx, stored, ctx.t("polls.coordinator.nothing_changed")))
    before = await store.answers(ctx.session, poll.id)
    removed = [c for c in poll.candidates if c.id in result.remove]
    await store.change_candidates(
        ctx.session, poll.id, add=result.add, remove=result.remove, now=now
    )
    stored = await _reload(ctx, poll.id)
    await _tell_removed(ctx, stored, removed, before)
    if result.add:
        await _announce_added(ctx, stored, result.add)
    await _refresh(ctx, stored)
    notice = ctx.t(
        "polls.coordinator.candidates_changed", added=len(result.add), removed=len(removed)
    )
    return Reply.show(await _menu(ctx, stored, notice))


@router.verb(VERB_CANCEL, coordinator_only=True, data=PollRef)
async def ask_cancel(ctx: Context) -> Reply:
    stored = await _changeable(ctx)
    if isinstance(stored, Reply):
        return stored
    return Reply.show(confirm_card("cancel", stored.poll.id, stored.poll.title, ctx.t))


@router.verb(VERB_CANCEL_CONFIRM, coordinator_only=True, data=PollRef)
async def cancel(ctx: Context) -> Reply:
    """The poll stops: no more answers, the card says so, the thread is told."""
    stored = await _poll(ctx)
    if isinstance(stored, Reply):
        return stored
    if not await store.finish_poll(
        ctx.session, stored.poll.id, PollState.CANCELLED, ctx.clock.now()
    ):
        return await _finished(ctx, stored) or _not_found(ctx)
    await deadlines.disarm(ctx.session, stored.poll.id)
    stored = await _reload(ctx, stored.poll.id)
    await _refresh(ctx, stored)
    t = ctx.services.catalog.translator(locale_of(stored.locale))
    await _say_in_thread(
        ctx, stored, Message(text=t("polls.flow.cancelled", title=literal(stored.poll.title)))
    )
    return Reply.show(await _menu(ctx, stored))


@router.verb(VERB_DECIDE, coordinator_only=True, data=DecideRef)
async def ask_decide(ctx: Context) -> Reply:
    assert isinstance(ctx.data, DecideRef)
    stored = await _changeable(ctx)
    if isinstance(stored, Reply):
        return stored
    candidate = stored.poll.candidate(ctx.data.candidate_id)
    if candidate is None:
        return Reply.show(await _menu(ctx, stored, ctx.t("polls.coordinator.candidate_gone")))
    return Reply.show(_confirm_decision(ctx, stored, candidate))


@router.verb(VERB_DECIDE_CONFIRM, coordinator_only=True, data=DecideRef)
async def decide(ctx: Context) -> Reply:
    """The date is fixed: the poll closes, the card shows the decision, the thread gets the
    announcement, and the IYO WORK day (event) exists with its calendar file."""
    assert isinstance(ctx.data, DecideRef)
    stored = await _poll(ctx)
    if isinstance(stored, Reply):
        return stored
    candidate = stored.poll.candidate(ctx.data.candidate_id)
    if candidate is None:
        return Reply.show(await _menu(ctx, stored, ctx.t("polls.coordinator.candidate_gone")))
    now = ctx.clock.now()
    decided = await store.finish_poll(
        ctx.session, stored.poll.id, PollState.DECIDED, now, decided=candidate.id
    )
    if not decided:
        return await _finished(ctx, stored) or _not_found(ctx)
    await deadlines.disarm(ctx.session, stored.poll.id)
    stored = await _reload(ctx, stored.poll.id)
    settings = ctx.services.settings
    zone = settings.zone
    poll = stored.poll
    draft = draft_for(
        poll.title,
        candidate.slot.date,
        candidate.slot.start,
        candidate.slot.end,
        venue=poll.venue,
        capacity=poll.capacity,
        meeting_url=None,
        zone=zone,
    )
    event = await events.create_event(
        ctx.session,
        draft,
        conversation_id=stored.conversation_id,
        thread_outbox_id=stored.post_outbox_id,
        poll_id=poll.id,
        creator_key=ctx.turn.actor.key,
        locale=stored.locale,
        now=now,
    )
    t = ctx.services.catalog.translator(locale_of(stored.locale))
    view = event_view(event, t, zone, settings.public_base_url, headline=t("polls.flow.decided"))
    card_post = await _say_in_thread(ctx, stored, Message(card=event_card(view, t)))
    await events.set_card_post(ctx.session, event.id, card_post)
    await arm_event_tasks(ctx.session, event, now, zone)
    await arm_feedback(ctx.session, event, now, zone)
    await _refresh(ctx, stored)
    notice = ctx.t("polls.coordinator.decided_notice", date=slot_label(candidate.slot, ctx.t))
    return Reply.show(await _menu(ctx, stored, notice))


@router.command("poll_decide", coordinator_only=True, order=12)
async def decide_by_text(ctx: Context) -> Reply:
    """`日程決定 12/15` as a reply in the poll's thread: asks to confirm, like the button."""
    place = ctx.turn.place
    # Quoting what was typed, so it is clear which message is meant.
    elsewhere = ctx.t("polls.flow.decide_in_thread", text=quoted(ctx.turn.text))
    if place.kind != "channel" or not place.thread_id:
        return Reply.say(elsewhere)
    poll_id = await store.poll_in_thread(ctx.session, place.base_conversation_id, place.thread_id)
    stored = await store.load_poll(ctx.session, poll_id) if poll_id is not None else None
    if stored is None:
        return Reply.say(elsewhere)
    if stored.poll.state in (PollState.DECIDED, PollState.CANCELLED):
        # Said in the thread, where everyone reads it: a sentence, not the menu.
        return Reply.say(ctx.t(f"polls.coordinator.{stored.poll.state.value}"))
    if not ctx.args.strip():
        return Reply.say(ctx.t("polls.flow.decide_no_date"))
    zone = ctx.services.settings.zone
    try:
        wanted = parse_date_expression(ctx.args, ctx.clock.now().astimezone(zone).date())
    except DateParseError as error:
        if error.code == "unrecognised":
            return Reply.say(ctx.t("polls.flow.decide_unreadable", text=quoted(ctx.args)))
        # A date that is wrong, not unreadable: the sentences poll creation uses (曜日が合いま
        # せん, no such date, …), quoting what was typed inertly (this is a message's text).
        inert = DateParseError(error.code, quoted(error.original), **error.details)
        return Reply.say(explain_date_error(inert, ctx.t))
    matches = [c for c in stored.poll.candidates if _same_day(c, wanted.date, wanted.start)]
    if len(matches) != 1:
        key = "polls.flow.decide_ambiguous" if matches else "polls.flow.decide_no_candidate"
        return Reply.say(ctx.t(key, text=quoted(ctx.args)))
    return Reply.show(_confirm_decision(ctx, stored, matches[0]))


# --- helpers -------------------------------------------------------------------------------


async def _poll(ctx: Context) -> store.StoredPoll | Reply:
    """The poll the card's button names, or the card saying it is gone."""
    assert isinstance(ctx.data, PollRef | DecideRef)
    stored = await store.load_poll(ctx.session, ctx.data.poll_id)
    if stored is None or not await ctx.manages(stored.conversation_id):
        return _not_found(ctx)  # another team's poll is none of this coordinator's business
    return stored


async def _changeable(ctx: Context) -> store.StoredPoll | Reply:
    """The poll, if it can still change (open or closed); else the menu saying why not."""
    stored = await _poll(ctx)
    if isinstance(stored, Reply):
        return stored
    return await _finished(ctx, stored) or stored


async def _reload(ctx: Context, poll_id: int) -> store.StoredPoll:
    stored = await store.load_poll(ctx.session, poll_id)
    assert stored is not None  # it was there a moment ago, in this same transaction
    return stored


def _not_found(ctx: Context) -> Reply:
    return Reply.show(error_card(ctx.t("polls.flow.not_found"), ctx.t))


async def _finished(ctx: Context, stored: store.StoredPoll) -> Reply | None:
    """Decided and cancelled polls change no more: the menu says which it is."""
    if stored.poll.state in (PollState.DECIDED, PollState.CANCELLED):
        return Reply.show(await _menu(ctx, stored))
    return None


async def _menu(ctx: Context, stored: store.StoredPoll, notice: str | None = None) -> Card:
    everyone = await store.answers(ctx.session, stored.poll.id)
    counted = tally(stored.poll.candidates, everyone, capacity=stored.poll.capacity)
    return coordinator_card(coordinator_view(stored.poll, counted, ctx.t, notice=notice), ctx.t)


def _confirm_decision(ctx: Context, stored: store.StoredPoll, candidate: Candidate) -> Card:
    option = CandidateOption(candidate.id, slot_label(candidate.slot, ctx.t))
    return confirm_card("decide", stored.poll.id, stored.poll.title, ctx.t, candidate=option)


async def _refresh(ctx: Context, stored: store.StoredPoll) -> None:
    await refresh_shared_card(ctx.messenger, stored)


async def _say_in_thread(ctx: Context, stored: store.StoredPoll, message: Message) -> int:
    """A reply in the poll's thread (sent once the poll's own post is); its outbox id."""
    if stored.post_outbox_id is not None:
        return await ctx.messenger.reply_to_post(stored.post_outbox_id, message)
    return await ctx.messenger.reply_in_thread(stored.conversation_id, None, message)


async def _tell_removed(
    ctx: Context, stored: store.StoredPoll, removed: list[Candidate], before: list[Answer]
) -> None:
    """Everyone who had answered a removed date hears which dates went, in their language."""
    if not removed:
        return
    thread = None
    if stored.post_outbox_id is not None:
        thread = (await ctx.messenger.delivery(stored.post_outbox_id)).activity_id
    for answer in before:
        touched = [c for c in removed if c.id in answer.choices]
        if not touched:
            continue
        person = await get_person(ctx.session, answer.person_key)
        t = ctx.services.catalog.translator(locale_of(person.locale if person else stored.locale))
        dates = t("polls.card.name_separator").join(slot_label(c.slot, t) for c in touched)
        text = t("polls.flow.candidates_removed", title=literal(stored.poll.title), dates=dates)
        await ctx.messenger.send_to_person(
            answer.person_key,
            Message(text=text),
            dedupe_key=f"poll:{stored.poll.id}:removed:{ctx.turn.activity_id}:{answer.person_key}",
            fallback=(stored.conversation_id, thread),
        )


async def _announce_added(ctx: Context, stored: store.StoredPoll, added: tuple[Slot, ...]) -> None:
    t = ctx.services.catalog.translator(locale_of(stored.locale))
    ordered = sorted(added, key=lambda slot: slot.sort_key)
    dates = t("polls.card.name_separator").join(slot_label(slot, t) for slot in ordered)
    text = t("polls.flow.candidates_added", title=literal(stored.poll.title), dates=dates)
    await _say_in_thread(ctx, stored, Message(text=text))


def _ids(raw: object) -> set[int]:
    """A multi-select's value: `"3,5"` (ids that are not numbers are ignored)."""
    if not isinstance(raw, str):
        return set()
    # isdecimal, not isdigit: "²" is a digit that int() cannot read.
    return {int(part) for part in raw.split(",") if part.strip().isdecimal()}


def _same_day(candidate: Candidate, day: date, start: time | None) -> bool:
    if candidate.slot.date != day:
        return False
    return start is None or candidate.slot.start == start


__all__ = ["DecideRef", "router"]
