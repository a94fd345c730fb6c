"""Hostile input through the real HTTP endpoint: whatever a client puts in a message or in any
card verb's data (wrong types, huge strings, control characters, markdown and HTML, `<at>`
tags, forged identities, missing fields), the bot never answers 500 or fails the turn, writes
all of a handler's effect or nothing, and shows what people typed only where Teams reads it
literally (TextRuns, input values), never as markdown.

Every verb the router knows is exercised (new ones automatically); the examples per verb come
from the Hypothesis profile of tests/reliability/conftest.py.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.i18n import default_catalog
from dialogs import build_router
from dialogs.platform.messenger import UPDATE_SPACING
from storage.models import (
    EventRow,
    FeedbackRow,
    OutboxMessage,
    PollAnswerRow,
    PollRow,
    RegistrationRow,
)
from tests.fakes.connector import Posted
from tests.fixtures.connector import GUEST, HANAKO, JIRO, TARO
from tests.reliability.conftest import HOSTILE
from tests.reliability.hostile import INJECTIONS, hostile_data, hostile_text, new_marker
from tests.reliability.world import (
    JST,
    SABURO,
    World,
    changed,
    invoke_answer,
    markdown_texts,
    outbox_settled,
    row_counts,
    texts,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

CATALOG = default_catalog()
APOLOGY = {CATALOG.text(locale, "bot.apology") for locale in ("ja", "en")}
MARKER = re.compile(r"MARK\d{5}Q")
# Pressing these ends the poll or the event the later examples act on: they go last.
FINAL_VERBS = ("poll.cancel.confirm", "poll.decide.confirm", "event.cancel.confirm")
VERBS = sorted(build_router().verbs, key=lambda verb: (verb in FINAL_VERBS, verb))
# TARO is the coordinator: what he types (titles, venues) is held to the same rule as
# everyone's text, since a coordinator's title reaches every member's messages.
PEOPLE = (TARO, HANAKO, SABURO, GUEST)

# What a writing verb says when it has stored something, and the table it stores in.
WRITES: dict[str, tuple[type[Any], tuple[str, ...]]] = {
    "poll.answer": (PollAnswerRow, ("polls.card.saved",)),
    "event.register": (RegistrationRow, ("attendance.flow.saved", "attendance.flow.changed")),
    "event.register.online": (
        RegistrationRow,
        ("attendance.flow.saved", "attendance.flow.changed"),
    ),
    "feedback.submit": (FeedbackRow, ("feedback.card.saved", "feedback.card.changed")),
}


def said(keys: tuple[str, ...]) -> set[str]:
    return {CATALOG.text(locale, key) for key in keys for locale in ("ja", "en")}


def assert_shown_literally(
    cards: list[Any], messages: list[str], marker: str | None = None
) -> None:
    """No card's markdown carries anything someone typed (every hostile text is marked). With
    `marker`, no message's markdown carries a link, mention, HTML or emphasis next to that
    marker (a message may quote what was typed, made inert)."""
    for card in cards:
        for markdown in markdown_texts(card):
            assert not MARKER.search(markdown), f"user text in markdown: {markdown[:300]!r}"
    if marker is None:
        return
    for text in messages:
        for found in re.finditer(re.escape(marker), text):
            near = text[max(0, found.start() - 80) : found.end() + 80]
            assert not INJECTIONS.search(near), f"markup typed by someone in: {near!r}"


async def replies_since(world: World, sent: int) -> list[Posted]:
    return world.connector.sent[sent:]


async def queued_since(world: World, last_id: int) -> tuple[list[Any], list[str]]:
    """The cards and texts of the messages queued after outbox row `last_id`."""
    async with world.database.transaction() as session:
        payloads = (
            await session.scalars(select(OutboxMessage.payload).where(OutboxMessage.id > last_id))
        ).all()
    cards = [p["card"] for p in payloads if isinstance(p.get("card"), dict)]
    messages = [p["text"] for p in payloads if isinstance(p.get("text"), str)]
    return cards, messages


async def last_outbox_id(world: World) -> int:
    async with world.database.transaction() as session:
        return int(await session.scalar(select(func.max(OutboxMessage.id))) or 0)


@pytest.mark.parametrize("verb", VERBS)
@HOSTILE
@given(draw=st.data())
async def test_hostile_card_data_never_breaks_a_turn_nor_writes_half(
    shared_world: World, verb: str, draw: st.DataObject
) -> None:
    world = shared_world
    marker = new_marker()
    data = draw.draw(hostile_data(verb, marker), label="data")
    who = draw.draw(st.sampled_from(PEOPLE), label="who")
    submit = draw.draw(st.booleans(), label="as Action.Submit")
    await world.run_due()
    before = await row_counts(world.database)
    sent, outbox = len(world.connector.sent), await last_outbox_id(world)
    if submit:
        activity = world.activities.submit_action(
            {**data, "verb": verb}, from_=who, card_activity_id=world.post_for(verb).activity_id
        )
    else:
        activity = world.press(verb, data, who)

    answer = await world.bot.send(activity)

    assert answer.status < 500, answer
    after = await row_counts(world.database)
    cards: list[Any] = []
    messages: list[str] = []
    if answer.status == 413:  # larger than an activity may be: refused before anything
        assert after == before
        return
    if submit:
        assert answer.status in (200, 201), answer
        replies = await replies_since(world, sent)
        cards += [p.card for p in replies if p.card is not None]
        messages += [p.text for p in replies if p.text]
    else:
        kind, value = invoke_answer(answer.body)
        (cards if kind == "card" else messages).append(value)
    queued_cards, queued_texts = await queued_since(world, outbox)
    assert_shown_literally(cards + queued_cards, messages + queued_texts, marker)

    assert not APOLOGY & set(messages), f"{verb} failed on {data!r}"
    if not cards:  # a refusal in words (bad data, not a coordinator…): nothing stored
        assert changed(before, after) == {}, messages
    if verb in WRITES:
        table, saved_keys = WRITES[verb]
        stored = any(text in texts(card) for card in cards for text in said(saved_keys))
        if not stored:
            moved = changed(before, after)
            assert table.__tablename__ not in moved and "outbox_messages" not in moved, (
                f"{verb} answered without saving but wrote {moved}"
            )


COMMAND_WORDS = sorted(
    {
        word
        for command in build_router().commands
        for word in CATALOG.words(f"commands.{command}.words")
    }
)


@HOSTILE
@given(draw=st.data())
async def test_hostile_message_text_never_breaks_a_turn(
    shared_world: World, draw: st.DataObject
) -> None:
    world = shared_world
    marker = new_marker()
    word = draw.draw(st.sampled_from(["", *COMMAND_WORDS]), label="command")
    typed = draw.draw(hostile_text(marker), label="text")
    text = f"{word} {typed}" if word else typed
    who = draw.draw(st.sampled_from(PEOPLE), label="who")
    personal = draw.draw(st.booleans(), label="personal chat")
    await world.run_due()
    before = await row_counts(world.database)
    sent, outbox = len(world.connector.sent), await last_outbox_id(world)
    if personal:
        activity = world.activities.personal_message(text, from_=who)
    else:
        activity = world.activities.channel_message(text, from_=who)

    answer = await world.bot.send(activity)

    assert answer.status < 500, answer
    if answer.status == 413:
        assert await row_counts(world.database) == before
        return
    assert answer.status == 201, answer
    replies = await replies_since(world, sent)
    queued_cards, queued_texts = await queued_since(world, outbox)
    cards = [p.card for p in replies if p.card is not None] + queued_cards
    messages = [p.text for p in replies if p.text] + queued_texts
    assert not APOLOGY & set(messages), f"the turn failed on {text[:200]!r}"
    assert_shown_literally(cards, messages, marker)


async def test_what_the_outbox_sent_later_shows_user_text_literally(shared_world: World) -> None:
    """Live cards (the poll's, the events') are rendered when the outbox sends them: after the
    examples above, every card and message that reached Teams is checked once more."""
    world = shared_world
    clock = world.bot.clock
    for _ in range(3):  # edits of one card wait UPDATE_SPACING for each other
        clock.advance(UPDATE_SPACING * 2)
        await outbox_settled(world.database, clock.now())
    cards = [p.card for p in (*world.connector.sent, *world.connector.updated) if p.card]
    messages = [p.text for p in (*world.connector.sent, *world.connector.updated) if p.text]
    assert_shown_literally(cards, messages)


@pytest.mark.parametrize("verb", ["poll.view", "event.view"])
async def test_a_card_naming_an_id_beyond_the_databases_integers_is_bad_data(
    shared_world: World, verb: str
) -> None:
    """Found by the property above (2**63 made SQLite raise OverflowError and PostgreSQL a
    DataError, so the turn failed); card ids are now bounded (dialogs.router.RowId)."""
    key = "poll_id" if verb.startswith("poll.") else "event_id"

    answer = await shared_world.bot.send(shared_world.press(verb, {key: 2**63}, HANAKO))

    assert invoke_answer(answer.body) == ("message", CATALOG.text("ja", "bot.bad_card_data"))


async def test_a_title_is_shown_literally_in_messages(shared_world: World) -> None:
    world = shared_world
    title = "[今すぐログイン](https://evil.example/login)"
    command = world.activities.channel_message(f"イベント作成 {title} 2027/1/21", from_=TARO)

    await world.bot.send(command)

    said = [p.text or "" for p in world.connector.sent if p.reply_to_id == command["id"]]
    assert said and not any(INJECTIONS.search(text) for text in said), said


# What a coordinator typed, and what every member reads in the bot's messages: the same
# characters, with look-alikes where Teams would have made a link, a mention or formatting.
TITLE = "[今すぐログイン](https://evil.example/login)"
TITLE_SHOWN = "［今すぐログイン］(https：//evil.example/login)"
VENUE = "`code`**太字**"
VENUE_SHOWN = "｀code｀＊＊太字＊＊"
NEW_VENUE = "<at>Evil Admin</at> [x](https://evil.example/login)"
NEW_VENUE_SHOWN = "＜at＞Evil Admin＜/at＞ ［x］(https：//evil.example/login)"


def said_with_title(key: str) -> str:
    """The words of catalog sentence `key` up to the title, then the title as shown."""
    before_title = str(CATALOG.raw("ja", key)).split("{title}")[0]
    return before_title.rsplit("}", 1)[-1] + TITLE_SHOWN


async def newest(world: World, row: type[PollRow] | type[EventRow]) -> int:
    async with world.database.transaction() as session:
        return int(await session.scalar(select(func.max(row.id))) or 0)


async def test_a_coordinators_title_and_venue_stay_literal_in_every_message(
    shared_world: World,
) -> None:
    """TARO gives a poll and two days a title and venues full of markup. Through the days'
    lives (created, changed, a seat freed, the poll reminded and cancelled, a day cancelled,
    the reminder the day before, the 感想 request after), every message shows them as typed
    and none carries a link, a mention or formatting from them."""
    world = shared_world
    bot, press = world.bot, world.press
    await world.run_due()
    sent = len(world.connector.sent)
    for command in (
        f"日程調整 {TITLE} 12/20 12/21 会場:{VENUE}",
        f"イベント作成 {TITLE} 12/9 会場:{VENUE} 定員:1",
        f"イベント作成 {TITLE} 12/10 会場:{VENUE}",
    ):
        assert (await bot.send(world.activities.channel_message(command, from_=TARO))).status == 201
    poll, other_day = await newest(world, PollRow), await newest(world, EventRow)
    day = other_day - 1
    for who, event_id in ((HANAKO, day), (JIRO, day), (HANAKO, other_day)):
        data = {"event_id": event_id, "mode": "onsite", "municipality": "imabari"}
        assert (await bot.send(press("event.register", data, who))).status == 200
    edit = {"event_id": day, "title": TITLE, "date": "12/9", "venue": NEW_VENUE, "capacity": "1"}
    steps = [
        press("event.edit.save", {**edit, "meeting_url": "", "deadline": ""}, TARO),
        press("event.register", {"event_id": day, "mode": "absent"}, HANAKO),  # JIRO is seated
        press("poll.remind", {"poll_id": poll}, TARO),
        press("poll.cancel.confirm", {"poll_id": poll}, TARO),
        press("event.cancel.confirm", {"event_id": other_day}, TARO),
    ]
    for step in steps:
        assert (await bot.send(step)).status == 200
    # The working day before 12/9, then the morning after it.
    for moment in (datetime(2026, 12, 8, 9, tzinfo=JST), datetime(2026, 12, 10, 9, tzinfo=JST)):
        bot.clock.set(moment)
        await world.run_due()
        await outbox_settled(world.database, moment)

    said = [p.text for p in world.connector.sent[sent:] if p.text]
    assert [text for text in said if INJECTIONS.search(text)] == []
    expected = [
        said_with_title(key)
        for key in (
            "polls.flow.created",
            "events.create.created",
            "events.admin.changed",
            "attendance.flow.seated",
            "polls.flow.reminder_no_deadline",
            "polls.flow.cancelled",
            "events.admin.cancelled_message",
            "events.reminder.intro",
            "feedback.request.text",
        )
    ]
    expected.append(f"会場: {VENUE_SHOWN} → {NEW_VENUE_SHOWN}")  # the change, to those on site
    expected.append(f"会場: {NEW_VENUE_SHOWN}")  # the reminder the day before
    assert [words for words in expected if not any(words in text for text in said)] == [], said
