"""Whose data an action writes comes from the activity's sender, never from the card's data;
what only coordinators may do is refused to everyone else, however the action is sent; and a
button pressed in a personal chat reaches only the polls and days of the sender's own teams.

The tests take the verbs and commands from the router (`dialogs.build_router()`), so a
feature added later is covered without touching this file.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Table, select

from core.i18n import default_catalog
from dialogs import build_router
from storage.models import Base, EventRow, PollRow
from tests.fakes.connector import Posted
from tests.fixtures.connector import GUEST, HANAKO, JIRO, NANAMI, TARO, TeamsUser
from tests.reliability.hostile import valid_data
from tests.reliability.world import (
    POLL_ID,
    SABURO,
    World,
    changed,
    invoke_answer,
    row_counts,
    texts,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

ROUTER = build_router()
CATALOG = default_catalog()
COORDINATORS_ONLY = {CATALOG.text(locale, "bot.coordinator_only") for locale in ("ja", "en")}
# Erasing one's own data ends what the later presses act on: those go last.
LAST = ("mydata.erase",)
OPEN_VERBS = sorted(
    (v.name for v in ROUTER.verbs.values() if not v.coordinator_only),
    key=lambda name: (name in LAST, name),
)
COORDINATOR_VERBS = sorted(v.name for v in ROUTER.verbs.values() if v.coordinator_only)
COORDINATOR_COMMANDS = sorted(c.id for c in ROUTER.commands.values() if c.coordinator_only)

# What each writing verb stores for the person who pressed (table, with a row of theirs after).
STORES_FOR_PRESSER = {
    "poll.answer": "poll_answer",
    "event.register": "registration",
    "event.register.online": "registration",
    "feedback.submit": "feedback",
}


def forged_identity(victim: TeamsUser) -> dict[str, Any]:
    """Every way card data could claim to be someone else."""
    return {
        "person_key": victim.aad_object_id,
        "personKey": victim.aad_object_id,
        "aadObjectId": victim.aad_object_id,
        "aad_object_id": victim.aad_object_id,
        "user_id": victim.teams_id,
        "userId": victim.teams_id,
        "teams_id": victim.teams_id,
        "from": victim.account(),
        "name": victim.name,
        "actor": {"id": victim.teams_id, "aadObjectId": victim.aad_object_id},
    }


def _person_tables() -> list[Table]:
    return [table for table in Base.metadata.sorted_tables if "person_key" in table.c]


async def rows_of(world: World, who: TeamsUser) -> dict[str, list[tuple[Any, ...]]]:
    """Every row keyed on `who` in every table that has a person_key."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    async with world.database.transaction() as session:
        for table in _person_tables():
            query = select(table).where(table.c.person_key == who.aad_object_id)
            found[table.name] = sorted(
                (tuple(row) for row in (await session.execute(query)).all()), key=repr
            )
    return found


@pytest.mark.parametrize("verb", OPEN_VERBS)
async def test_forged_identity_in_card_data_never_changes_whose_data_is_written(
    shared_world: World, verb: str
) -> None:
    world = shared_world
    presser, victim = SABURO, HANAKO
    data = {**valid_data(verb), **forged_identity(victim)}
    victim_before = await rows_of(world, victim)
    await world.run_due()

    answer = await world.bot.send(world.press(verb, data, presser))

    assert answer.status == 200, answer
    invoke_answer(answer.body)  # a card or a sentence, never an error
    assert await rows_of(world, victim) == victim_before, f"{verb} wrote {victim.name}'s data"
    if verb in STORES_FOR_PRESSER:
        table = STORES_FOR_PRESSER[verb]
        assert (await rows_of(world, presser))[table], f"{verb} stored nothing for the presser"


@pytest.mark.parametrize("verb", ["poll.create", "event.create"])
async def test_what_a_coordinator_creates_is_theirs_whatever_the_card_says(
    shared_world: World, verb: str
) -> None:
    world = shared_world
    data = {**valid_data(verb), **forged_identity(HANAKO), "creator_key": HANAKO.aad_object_id}

    answer = await world.bot.send(world.press(verb, data, TARO))

    assert answer.status == 200, answer
    row = PollRow if verb == "poll.create" else EventRow
    async with world.database.transaction() as session:
        creator = await session.scalar(
            select(row.creator_key).order_by(row.id.desc()).limit(1)  # type: ignore[attr-defined]
        )
    assert creator == TARO.aad_object_id


def replies_to(world: World, activity: dict[str, Any]) -> list[Posted]:
    """What the bot answered to `activity` within its turn."""
    return [p for p in world.connector.sent if p.reply_to_id == activity["id"]]


def _command_text(command_id: str) -> str:
    example = CATALOG.raw("ja", f"commands.{command_id}.example")
    if isinstance(example, str) and example:
        return example
    return CATALOG.words(f"commands.{command_id}.words")[0]


async def test_everything_only_coordinators_may_do_is_refused_to_others(
    shared_world: World,
) -> None:
    """Every coordinator verb (pressed on a card as Action.Execute or Action.Submit, with card
    data claiming to be the coordinator) and every coordinator command (in the channel and in
    a personal chat), by two people who are not coordinators: refused in words, nothing
    stored, nothing said to anyone."""
    world = shared_world
    not_allowed: list[str] = []
    await world.run_due()
    before = await row_counts(world.database)
    for who in (HANAKO, GUEST):
        for verb in COORDINATOR_VERBS:
            data = {**valid_data(verb), **forged_identity(TARO)}
            answer = await world.bot.send(world.press(verb, data, who))
            kind, value = invoke_answer(answer.body)
            if kind != "message" or value not in COORDINATORS_ONLY:
                not_allowed.append(f"{who.name} pressed {verb}: {str(value)[:80]}")
            post = world.post_for(verb)
            submitted = world.activities.submit_action(
                {**data, "verb": verb}, from_=who, card_activity_id=post.activity_id
            )
            await world.bot.send(submitted)
            said = [p.text for p in replies_to(world, submitted)]
            if said != [next(iter(COORDINATORS_ONLY & set(said)), None)]:
                not_allowed.append(f"{who.name} submitted {verb}: {said}")
        for command in COORDINATOR_COMMANDS:
            text = _command_text(command)
            for activity in (
                world.activities.channel_message(text, from_=who),
                world.activities.personal_message(text, from_=who),
            ):
                await world.bot.send(activity)
                said = [p.text for p in replies_to(world, activity)]
                cards = [p.card for p in replies_to(world, activity) if p.card]
                if cards or not COORDINATORS_ONLY & set(said):
                    not_allowed.append(f"{who.name} typed {text!r}: {said}")

    assert not_allowed == []
    moved = changed(before, await row_counts(world.database))
    # The commands typed in the channel are kept as channel posts (thread capture), like any.
    assert moved.pop("channel_message", (0, 2 * len(COORDINATOR_COMMANDS))) == (
        before["channel_message"],
        before["channel_message"] + 2 * len(COORDINATOR_COMMANDS),
    )
    assert moved == {}


async def test_the_same_people_may_do_it_once_made_coordinators(shared_world: World) -> None:
    """The refusals above are about who asks: TARO (an owner of the team) is let through."""
    world = shared_world
    answer = await world.bot.send(world.press("poll.coordinator", {"poll_id": 1}, TARO))
    kind, value = invoke_answer(answer.body)
    assert kind == "card", value


# --- personal chats ---------------------------------------------------------------------------

# The open verbs that act on one poll or day named by the card, and what each says when that
# poll or day is not one the presser may see.
NOT_FOUND = {"poll": "polls", "event": "attendance", "feedback": "feedback"}
ON_A_POLL_OR_DAY = {
    verb: f"{NOT_FOUND[verb.split('.')[0]]}.flow.not_found"
    for verb in OPEN_VERBS
    if verb.split(".")[0] in NOT_FOUND
}
DAYS_AND_POLL = ("第1回IYO WORK", "第2回IYO WORK", "第3回IYO WORK")


def pressed_in_personal_chat(world: World, verb: str, who: TeamsUser) -> dict[str, Any]:
    """`verb` pressed on a card in `who`'s 1:1 chat with the bot, with a real card's data."""
    return world.activities.invoke_action(verb, valid_data(verb), from_=who, personal=True)


async def test_a_member_answers_from_cards_in_their_personal_chat(shared_world: World) -> None:
    """Cards reach members in their personal chat (a 感想 form after the day, a registration
    card from 参加登録): pressing them there works as in the channel."""
    world = shared_world
    await world.run_due()

    answered = await world.bot.send(
        world.activities.invoke_action(
            "poll.answer",
            {"poll_id": POLL_ID, "choice_1": "online", "choice_2": "maybe", "choice_3": "no"},
            from_=JIRO,
            personal=True,
        )
    )
    registered = await world.bot.send(pressed_in_personal_chat(world, "event.register", JIRO))
    feedback = await world.bot.send(pressed_in_personal_chat(world, "feedback.submit", JIRO))

    kind, card = invoke_answer(answered.body)
    assert kind == "card" and CATALOG.text("ja", "polls.card.saved") in texts(card)
    kind, card = invoke_answer(registered.body)
    assert kind == "card" and CATALOG.text("ja", "attendance.flow.changed") in texts(card)
    kind, card = invoke_answer(feedback.body)
    assert kind == "card" and CATALOG.text("ja", "feedback.card.saved") in texts(card)
    stored = await rows_of(world, JIRO)
    assert stored["poll_answer"] and stored["registration"] and stored["feedback"]


@pytest.mark.parametrize("verb", sorted(ON_A_POLL_OR_DAY))
async def test_a_forged_card_in_an_outsiders_personal_chat_reaches_nothing(
    shared_world: World, verb: str
) -> None:
    """Nanami coordinates another team and is not in this one's roster. A card forged in her
    personal chat with this team's poll or day id is refused as not found: nothing of the
    poll or day is shown, nothing is stored, nobody is told."""
    world = shared_world
    await world.run_due()
    before = await row_counts(world.database)

    answer = await world.bot.send(pressed_in_personal_chat(world, verb, NANAMI))

    kind, card = invoke_answer(answer.body)
    assert kind == "card", card
    assert CATALOG.text("ja", ON_A_POLL_OR_DAY[verb]) in texts(card)
    assert not [title for title in DAYS_AND_POLL if title in texts(card)]
    assert changed(before, await row_counts(world.database)) == {}
