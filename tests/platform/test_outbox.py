"""The outbox: what features enqueue reaches Teams once, at Teams' pace."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.clock import FrozenClock
from dialogs.platform.messenger import Messenger
from dialogs.platform.outbox import STALE_SENDING, OutboxWorker
from dialogs.platform.ports import Ambiguous, Refused, RetryLater
from dialogs.replies import Message
from storage.db import Database
from storage.models import OutboxMessage
from storage.repositories.conversations import get_conversation
from storage.repositories.people import get_person
from tests.platform.conftest import GENERAL, RENRAKU
from tests.platform.doubles import RecordingDeliverer

NOTICE = Message(text="4月の定例会は 4/15 14:00 からです")


async def post(database: Database, clock: FrozenClock, message: Message = NOTICE, **kw: str) -> int:
    async with database.transaction() as session:
        return await Messenger(session, clock).post_to_channel(GENERAL, message, **kw)


async def status_of(database: Database, clock: FrozenClock, outbox_id: int) -> str:
    async with database.transaction() as session:
        return (await Messenger(session, clock).delivery(outbox_id)).status


async def test_an_announcement_is_posted_once_and_its_thread_is_known(
    installed: Database, worker: OutboxWorker, teams: RecordingDeliverer, clock: FrozenClock
) -> None:
    outbox_id = await post(installed, clock)
    assert teams.posted == []  # nothing leaves before the worker runs

    assert await worker.run_once() == 1
    assert await worker.run_once() == 0
    assert [p.text for p in teams.in_conversation(GENERAL)] == [NOTICE.text]
    async with installed.transaction() as session:
        delivery = await Messenger(session, clock).delivery(outbox_id)
    assert delivery.status == "sent"
    assert delivery.activity_id == teams.posted[0].activity_id
    assert delivery.conversation_id == f"{GENERAL};messageid={delivery.activity_id}"


async def test_a_message_enqueued_by_a_turn_that_failed_is_never_sent(
    installed: Database, worker: OutboxWorker, teams: RecordingDeliverer, clock: FrozenClock
) -> None:
    with pytest.raises(RuntimeError):
        async with installed.transaction() as session:
            await Messenger(session, clock).post_to_channel(GENERAL, NOTICE)
            raise RuntimeError("the handler crashed after enqueueing")
    assert await worker.run_once() == 0
    assert teams.posted == []


async def test_a_busy_teams_is_retried_after_the_time_it_asked_for(
    installed: Database, worker: OutboxWorker, teams: RecordingDeliverer, clock: FrozenClock
) -> None:
    teams.fail_next(GENERAL, RetryLater("429 Too Many Requests", retry_after=30))
    outbox_id = await post(installed, clock)

    await worker.run_once()
    assert teams.posted == []
    assert await status_of(installed, clock, outbox_id) == "pending"
    clock.advance(timedelta(seconds=29))
    assert await worker.run_once() == 0
    clock.advance(timedelta(seconds=1))
    assert await worker.run_once() == 1
    assert [p.text for p in teams.posted] == [NOTICE.text]
    assert await status_of(installed, clock, outbox_id) == "sent"


async def test_a_send_that_keeps_failing_is_given_up(
    installed: Database, teams: RecordingDeliverer, clock: FrozenClock
) -> None:
    worker = OutboxWorker(installed, teams, clock, max_attempts=3, rng=random.Random(1))
    teams.fail_next(GENERAL, *(RetryLater("503") for _ in range(3)))
    outbox_id = await post(installed, clock)
    for _ in range(6):
        await worker.run_once()
        clock.advance(timedelta(minutes=10))
    assert await status_of(installed, clock, outbox_id) == "failed"
    assert teams.posted == []


async def test_a_send_whose_answer_was_lost_is_not_posted_twice(
    installed: Database, worker: OutboxWorker, teams: RecordingDeliverer, clock: FrozenClock
) -> None:
    teams.fail_next(GENERAL, Ambiguous("504 Gateway Timeout"))
    outbox_id = await post(installed, clock)
    for _ in range(5):
        await worker.run_once()
        clock.advance(timedelta(minutes=10))
    assert [p.text for p in teams.in_conversation(GENERAL)] == [NOTICE.text]
    assert await status_of(installed, clock, outbox_id) == "ambiguous"


async def test_after_a_crash_mid_round_what_was_only_claimed_is_sent_and_the_one_in_flight_not(
    installed: Database, teams: RecordingDeliverer, clock: FrozenClock
) -> None:
    """One round claims five notices; Teams stalls on the second and the process dies there
    (its round cancelled: nothing recorded on the way out). Started again once the claim is
    stale, it sends the three it had not got to; the one in flight may be in the channel
    already, so it is not sent again."""
    async with installed.transaction() as session:
        await Messenger(session, clock).post_to_channel(RENRAKU, Message(text="連絡 1"))
    notices = [await post(installed, clock, Message(text=f"お知らせ {n}")) for n in range(1, 5)]
    teams.stall_next(GENERAL)
    dead = asyncio.create_task(OutboxWorker(installed, teams, clock).run_once())
    await asyncio.wait_for(teams.stalled.wait(), 5)
    dead.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await dead
    assert [p.text for p in teams.posted] == ["連絡 1"]

    clock.advance(STALE_SENDING + timedelta(minutes=1))
    await OutboxWorker(installed, teams, clock).run_once()
    assert [p.text for p in teams.in_conversation(GENERAL)] == [
        "お知らせ 2",
        "お知らせ 3",
        "お知らせ 4",
    ]
    assert [p.text for p in teams.in_conversation(RENRAKU)] == ["連絡 1"]
    statuses = [await status_of(installed, clock, notice) for notice in notices]
    assert statuses == ["ambiguous", "sent", "sent", "sent"]


async def test_a_round_too_slow_for_its_claim_leaves_the_rest_to_the_instance_that_took_it_over(
    installed: Database, teams: RecordingDeliverer, clock: FrozenClock
) -> None:
    """Teams takes longer than STALE_SENDING to answer the first of three notices. Meanwhile
    another instance recovers the round and claims the two not yet attempted, and Teams is slow
    with the first of those too. When Teams answers the slow instance, it records its notice
    and leaves the other two to the instance that now holds them: each is posted once."""
    notices = [await post(installed, clock, Message(text=f"お知らせ {n}")) for n in range(1, 4)]
    first_answer = teams.stall_next(GENERAL)
    slow = asyncio.create_task(OutboxWorker(installed, teams, clock).run_once())
    await asyncio.wait_for(teams.stalled.wait(), 5)

    clock.advance(STALE_SENDING + timedelta(minutes=1))
    teams.stalled.clear()
    second_answer = teams.stall_next(GENERAL)
    other = asyncio.create_task(OutboxWorker(installed, teams, clock).run_once())
    await asyncio.wait_for(teams.stalled.wait(), 5)
    first_answer.set()
    await asyncio.wait_for(slow, 5)
    second_answer.set()
    await asyncio.wait_for(other, 5)

    texts = [p.text or "" for p in teams.in_conversation(GENERAL)]
    assert sorted(texts) == ["お知らせ 1", "お知らせ 2", "お知らせ 3"]
    assert [await status_of(installed, clock, notice) for notice in notices] == ["sent"] * 3


async def test_fifty_votes_update_the_card_a_few_times_and_it_ends_on_the_last_tally(
    installed: Database, worker: OutboxWorker, teams: RecordingDeliverer, clock: FrozenClock
) -> None:
    poll = await post(installed, clock, Message(text="投票: 0票"))
    async with installed.transaction() as session:  # a vote before the card is even posted
        await Messenger(session, clock).update_card(poll, Message(text="投票: 1票"))
    for vote in range(2, 51):
        async with installed.transaction() as session:
            await Messenger(session, clock).update_card(poll, Message(text=f"投票: {vote}票"))
        if vote % 5 == 0:
            await worker.run_once()
        clock.advance(timedelta(milliseconds=200))
    clock.advance(timedelta(seconds=2))
    await worker.run_once()

    [card] = teams.in_conversation(GENERAL)
    assert card.text == "投票: 50票"
    assert 2 <= card.updates <= 7  # ~10 s of voting, one edit every 2 s at most
    edits = [when for op, _, when in teams.calls if op == "update"]
    assert all(b - a >= timedelta(seconds=2) for a, b in itertools.pairwise(edits))
    async with installed.transaction() as session:
        counted = await session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        statuses = {status: count for status, count in counted.tuples()}
    # Every vote queued its own edit; all but the ones sent were superseded unsent.
    assert statuses == {"sent": 1 + card.updates, "superseded": 50 - card.updates}


async def test_an_update_retries_when_its_outcome_is_unknown(
    installed: Database, worker: OutboxWorker, teams: RecordingDeliverer, clock: FrozenClock
) -> None:
    poll = await post(installed, clock, Message(text="投票: 0票"))
    await worker.run_once()
    teams.fail_next(GENERAL, Ambiguous("timeout"))
    async with installed.transaction() as session:
        await Messenger(session, clock).update_card(poll, Message(text="投票: 1票"))
    await worker.run_once()
    clock.advance(timedelta(minutes=1))
    await worker.run_once()
    [card] = teams.in_conversation(GENERAL)
    assert card.text == "投票: 1票"


async def test_the_same_digest_enqueued_twice_is_posted_once(
    installed: Database, worker: OutboxWorker, teams: RecordingDeliverer, clock: FrozenClock
) -> None:
    first = await post(installed, clock, dedupe_key=f"digest:{GENERAL}:2026-04-01")
    again = await post(installed, clock, dedupe_key=f"digest:{GENERAL}:2026-04-01")
    assert first == again
    await worker.run_once()
    await post(installed, clock, dedupe_key=f"digest:{GENERAL}:2026-04-01")
    await worker.run_once()
    assert len(teams.posted) == 1


async def test_a_burst_into_one_channel_keeps_to_teams_limits_without_holding_up_others(
    installed: Database, worker: OutboxWorker, teams: RecordingDeliverer, clock: FrozenClock
) -> None:
    async with installed.transaction() as session:
        messenger = Messenger(session, clock)
        for n in range(70):
            await messenger.post_to_channel(GENERAL, Message(text=f"お知らせ {n}"))
        await messenger.post_to_channel(RENRAKU, Message(text="連絡事項"))

    await worker.run_once()
    assert len(teams.in_conversation(GENERAL)) == 7
    assert len(teams.in_conversation(RENRAKU)) == 1
    for _ in range(120):
        clock.advance(timedelta(milliseconds=500))
        await worker.run_once()
    general = teams.in_conversation(GENERAL)
    assert [p.text for p in general] == [f"お知らせ {n}" for n in range(70)]
    times = [p.at for p in general]
    for span, limit in ((1, 7), (2, 8), (30, 60)):
        for start in times:
            inside = [t for t in times if start <= t < start + timedelta(seconds=span)]
            assert len(inside) <= limit, (span, limit, start)


async def test_a_channel_the_bot_was_removed_from_is_no_longer_posted_to(
    installed: Database, worker: OutboxWorker, teams: RecordingDeliverer, clock: FrozenClock
) -> None:
    teams.fail_next(GENERAL, Refused("Forbidden: bot not in conversation", status=403))
    first = await post(installed, clock)
    await worker.run_once()
    second = await post(installed, clock)
    await worker.run_once()
    assert teams.posted == []
    assert [c for c in teams.calls if c[0] == "post"] == [teams.calls[0]]
    assert await status_of(installed, clock, first) == "failed"
    assert await status_of(installed, clock, second) == "failed"
    async with installed.transaction() as session:
        conversation = await get_conversation(session, GENERAL)
        assert conversation is not None and conversation.active is False


async def test_a_reminder_opens_a_personal_chat_once_and_reuses_it(
    installed: Database, worker: OutboxWorker, teams: RecordingDeliverer, clock: FrozenClock
) -> None:
    async with installed.transaction() as session:
        messenger = Messenger(session, clock)
        await messenger.send_to_person("aad-tanaka", Message(text="回答をお願いします"))
    await worker.run_once()
    async with installed.transaction() as session:
        await Messenger(session, clock).send_to_person("aad-tanaka", Message(text="締切は明日です"))
    await worker.run_once()

    assert teams.opened_chats == ["29:tanaka"]
    chat = teams.in_conversation("a:1on1-29:tanaka")
    assert [p.text for p in chat] == ["回答をお願いします", "締切は明日です"]
    async with installed.transaction() as session:
        person = await get_person(session, "aad-tanaka")
        assert person is not None and person.personal_conversation_id == "a:1on1-29:tanaka"


async def test_someone_the_bot_cannot_message_is_mentioned_in_the_thread_instead(
    installed: Database, worker: OutboxWorker, teams: RecordingDeliverer, clock: FrozenClock
) -> None:
    teams.unreachable.add("29:ochi")
    async with installed.transaction() as session:
        await Messenger(session, clock).send_to_person(
            "aad-ochi", Message(text="回答をお願いします"), fallback=(GENERAL, "1700000000000")
        )
    await worker.run_once()
    [mention] = teams.posted
    assert mention.conversation_id == GENERAL and mention.reply_to == "1700000000000"
    assert mention.text == "<at>越智 太郎</at> 回答をお願いします"
    assert [(m.teams_id, m.name) for m in mention.message.mentions] == [("29:ochi", "越智 太郎")]


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"])
async def test_two_instances_never_send_the_same_message_twice(
    installed: Database, teams: RecordingDeliverer, clock: FrozenClock
) -> None:
    async with installed.transaction() as session:
        messenger = Messenger(session, clock)
        for n in range(40):
            channel = GENERAL if n % 2 else RENRAKU
            await messenger.post_to_channel(channel, Message(text=f"お知らせ {n}"))
    other = Database(installed.url)
    try:
        workers = [
            OutboxWorker(installed, teams, clock, batch_size=3),
            OutboxWorker(other, teams, clock, batch_size=3),
        ]
        for _ in range(20):
            await asyncio.gather(*(w.run_once() for w in workers))
            clock.advance(timedelta(seconds=1))
    finally:
        await other.dispose()
    texts = sorted(p.text or "" for p in teams.posted)
    assert texts == sorted(f"お知らせ {n}" for n in range(40))
