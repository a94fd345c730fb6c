"""Teams redelivers when the bot answers slowly, people press twice, and a crowd presses at
once: each activity has one effect, and a burst loses nothing and breaks no rule.

On SQLite and PostgreSQL, one community each for the whole module (each test acts with its
own people). The bursts are smaller than the benchmarks' (bench/poll_burst.py: 300 people,
bench/register_burst.py: 200 for 8 seats) to keep `make test` fast; what they check is the
same.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select

from bench.register_burst import seating
from dialogs.attendance.store import registrations
from storage.models import EventRow, FeedbackRow, PollAnswerRow, RegistrationRow
from tests.fixtures.connector import GUEST, HANAKO, JIRO, TARO, TeamsUser
from tests.reliability.world import (
    NEXT_EVENT,
    PAST_EVENT,
    POLL_ID,
    SABURO,
    World,
    invoke_answer,
    outbox_settled,
    row_counts,
    texts,
    walk,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

POLL_PEOPLE = 60
REGISTERING_PEOPLE = 40
SEATS = 8


def crowd(size: int, series: str) -> list[TeamsUser]:
    return [
        TeamsUser(
            f"職員{series}{n:03d}",
            f"29:1crowd{series}{n:04d}",
            f"aad00000-0000-4000-{series}000-{n:012d}",
            f"staff{series}{n}@pref.ehime.example",
        )
        for n in range(size)
    ]


async def newest_event(world: World) -> int:
    async with world.database.transaction() as session:
        return int(await session.scalar(select(func.max(EventRow.id))) or 0)


async def count(world: World, row: type[Any], *where: Any) -> int:
    async with world.database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(row).where(*where)) or 0)


def shown_inputs(body: Any) -> dict[str, str]:
    """The inputs of the card an invoke answered with, as prefilled (what it shows stored)."""
    kind, card = invoke_answer(body)
    assert kind == "card", card
    return {
        str(node["id"]): str(node.get("value", ""))
        for node in walk(card)
        if str(node.get("type", "")).startswith("Input.")
    }


@pytest.fixture
def world(shared_world_on_each_backend: World) -> World:
    return shared_world_on_each_backend


# --- three deliveries of one activity -------------------------------------------------------


async def test_an_activity_delivered_three_times_has_one_effect(world: World) -> None:
    """A command, three card actions (invoke) and a card action sent as Action.Submit, each
    delivered three times as Teams redelivers: stored once, said once, answered alike."""
    command = world.activities.channel_message("日程調整 忘年会 12/21 12/22 締切:12/18", from_=TARO)
    answer = world.press("poll.answer", {"poll_id": POLL_ID, "choice_2": "maybe"}, JIRO)
    register = world.press(
        "event.register",
        {"event_id": NEXT_EVENT, "mode": "online", "municipality": "ehime"},
        GUEST,
    )
    feedback = world.press(
        "feedback.submit", {"event_id": PAST_EVENT, "rating": "5", "good": "よかった"}, JIRO
    )
    [someone] = crowd(1, "f")
    submitted = world.activities.submit_action(
        {"verb": "poll.answer", "poll_id": POLL_ID, "choice_1": "no"},
        from_=someone,
        card_activity_id=world.poll_post.activity_id,
    )
    await world.run_due()
    before = await row_counts(world.database)

    answers: dict[str, list[Any]] = {}
    for name, activity in (
        ("command", command),
        ("answer", answer),
        ("register", register),
        ("feedback", feedback),
        ("submit", submitted),
    ):
        answers[name] = [await world.bot.send(activity) for _ in range(3)]
        await outbox_settled(world.database, world.bot.clock.now())

    after = await row_counts(world.database)
    assert after["poll"] == before["poll"] + 1
    assert after["poll_answer"] == before["poll_answer"] + 2  # JIRO's, someone's
    assert after["registration"] == before["registration"] + 1
    assert after["feedback"] == before["feedback"] + 1
    assert after["processed_activities"] == before["processed_activities"] + 5
    # The command was answered once, and its poll posted once.
    confirmations = [p for p in world.connector.sent if p.reply_to_id == command["id"]]
    assert len(confirmations) == 1
    assert sum(1 for p in world.connector.sent if "忘年会" in texts(p.card or {})) == 1
    # Each redelivered press was answered with the same card, showing what was stored.
    for name in ("answer", "register", "feedback"):
        first, *again = [shown_inputs(a.body) for a in answers[name]]
        assert again == [first, first], name
    assert {a.status for a in answers["submit"]} == {201}
    assert len([p for p in world.connector.sent if p.reply_to_id == submitted["id"]]) == 1
    assert await count(world, FeedbackRow, FeedbackRow.person_key == JIRO.aad_object_id) == 1


async def test_the_same_press_arriving_twice_at_once_has_one_effect(world: World) -> None:
    """Two deliveries of one invoke in flight together (the second before the first has
    committed): one registration, one edit of the event card queued, the same answer."""
    registrant, voter = crowd(2, "g")
    press = world.press(
        "event.register",
        {"event_id": NEXT_EVENT, "mode": "onsite", "municipality": "ehime"},
        registrant,
    )
    vote = world.press("poll.answer", {"poll_id": POLL_ID, "choice_3": "online"}, voter)
    command = world.activities.channel_message("日程調整 新年会 1/8 1/9", from_=TARO)
    await world.run_due()
    before = await row_counts(world.database)

    registered = await asyncio.gather(*(world.bot.send(press) for _ in range(2)))
    voted = await asyncio.gather(*(world.bot.send(vote) for _ in range(2)))
    commanded = await asyncio.gather(*(world.bot.send(command) for _ in range(2)))

    after = await row_counts(world.database)
    assert after["registration"] == before["registration"] + 1
    assert after["poll_answer"] == before["poll_answer"] + 1
    assert after["poll"] == before["poll"] + 1
    assert after["processed_activities"] == before["processed_activities"] + 3
    for pair in (registered, voted):
        assert shown_inputs(pair[0].body) == shown_inputs(pair[1].body)
    assert {a.status for a in commanded} == {201}
    assert len([p for p in world.connector.sent if p.reply_to_id == command["id"]]) == 1
    async with world.database.transaction() as session:
        row = await session.scalar(
            select(RegistrationRow).where(RegistrationRow.person_key == registrant.aad_object_id)
        )
    assert row is not None and row.queue_no is not None  # one place in line


# --- bursts ---------------------------------------------------------------------------------


async def test_a_crowd_answering_one_poll_at_once_loses_nobody(world: World) -> None:
    people = crowd(POLL_PEOPLE, "a")
    presses = [
        world.press(
            "poll.answer",
            {"poll_id": POLL_ID, "choice_1": "onsite", "choice_2": "maybe", "comment": who.name},
            who,
        )
        for who in people
    ]
    await world.run_due()

    answers = await asyncio.gather(*(world.bot.send(press) for press in presses))

    saved = [invoke_answer(a.body) for a in answers]
    assert all(kind == "card" and "回答を保存しました" in texts(card) for kind, card in saved)
    keys = [who.aad_object_id for who in people]
    assert await count(world, PollAnswerRow, PollAnswerRow.person_key.in_(keys)) == POLL_PEOPLE
    async with world.database.transaction() as session:
        per_person = await session.execute(
            select(PollAnswerRow.person_key, func.count())
            .where(PollAnswerRow.poll_id == POLL_ID)
            .group_by(PollAnswerRow.person_key)
            .having(func.count() > 1)
        )
        assert per_person.all() == []  # one answer per person (poll_id, person_key) unique


async def test_a_crowd_registering_for_eight_seats_at_once_seats_exactly_eight(
    world: World,
) -> None:
    await world.bot.send(
        world.activities.channel_message(
            f"イベント作成 第4回IYO WORK 2027/1/20 会場:愛媛県庁 定員:{SEATS}", from_=TARO
        )
    )
    event_id = await newest_event(world)
    people = crowd(REGISTERING_PEOPLE, "b")
    presses = [
        world.press(
            "event.register",
            {"event_id": event_id, "mode": "onsite", "municipality": "matsuyama"},
            who,
        )
        for who in people
    ]
    await world.run_due()

    answers = await asyncio.gather(*(world.bot.send(press) for press in presses))

    assert all(invoke_answer(a.body)[0] == "card" for a in answers)
    async with world.database.transaction() as session:
        rows = list(
            await session.scalars(
                select(RegistrationRow).where(RegistrationRow.event_id == event_id)
            )
        )
        listed = await registrations(session, event_id)
    result = seating(rows, listed, SEATS, REGISTERING_PEOPLE)
    assert result.problems == []
    assert (result.seated, result.waitlisted) == (SEATS, REGISTERING_PEOPLE - SEATS)


async def test_the_last_seat_pressed_by_two_at_once_goes_to_one(world: World) -> None:
    """第3回 has two seats, both taken (HANAKO, JIRO); HANAKO gives hers up while two newcomers
    press for it: the seat goes to the first in line (SABURO), the newcomers wait behind
    everyone already waiting, and the places on the waitlist stay 1, 2, 3… without a gap."""
    async with world.database.transaction() as session:
        waiting_before = [
            r.person_key
            for r in await registrations(session, NEXT_EVENT)
            if r.status.value == "waitlisted"
        ]
    assert waiting_before[0] == SABURO.aad_object_id
    newcomers = crowd(2, "c")
    presses = [
        world.press(
            "event.register",
            {"event_id": NEXT_EVENT, "mode": "onsite", "municipality": "ozu"},
            who,
        )
        for who in newcomers
    ]
    give_up = world.press("event.register", {"event_id": NEXT_EVENT, "mode": "absent"}, HANAKO)

    await asyncio.gather(*(world.bot.send(p) for p in (*presses, give_up)))

    async with world.database.transaction() as session:
        listed = await registrations(session, NEXT_EVENT)
    seated = {r.person_key for r in listed if r.status.value == "seated"}
    waiting = sorted(
        (r for r in listed if r.status.value == "waitlisted"), key=lambda r: r.position or 0
    )
    assert seated == {JIRO.aad_object_id, SABURO.aad_object_id}
    assert [r.position for r in waiting] == list(range(1, len(waiting) + 1))
    assert [r.person_key for r in waiting[: len(waiting_before) - 1]] == waiting_before[1:]
    assert {r.person_key for r in waiting[-2:]} == {who.aad_object_id for who in newcomers}
