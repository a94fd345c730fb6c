"""The nightly clean-up (`maintenance.prune`), with the injected clock: what was said through
the outbox is kept a month, except the posts of live cards; what people wrote in their own
words (impressions, poll comments, registration notes) is emptied after RETENTION_MONTHS while
every count stays; a thread's 解決済み mark (who set it) goes with the thread's copy."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from dialogs.maintenance import KEEP_SENT, blank_old_free_text, prune_outbox
from dialogs.platform.messenger import UPDATE_SPACING
from dialogs.summaries.service import clear_cache
from storage.db import Database
from storage.models import (
    ChannelMessageRow,
    EventRow,
    FeedbackRow,
    OutboxMessage,
    PollAnswerRow,
    PollRow,
    RegistrationRow,
    ThreadResolutionRow,
)
from tests.app import test_summaries as summaries
from tests.app.test_feedback import an_answer
from tests.app.test_first_contact import card_text
from tests.app.test_polls import invoke_card, task_runner
from tests.app.test_registration import on_site
from tests.fakes.connector import FakeConnector, Posted
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import HANAKO, JIRO, TARO, Activities, TeamsUser

JST = ZoneInfo("Asia/Tokyo")
AFTER_THE_DAY = datetime(2026, 12, 1, 18, 0, tzinfo=JST)
A_MONTH_LATER = AFTER_THE_DAY + KEEP_SENT + timedelta(days=2)
TWO_YEARS_LATER = datetime(2028, 12, 2, 4, 0, tzinfo=JST)  # RETENTION_MONTHS is 24


async def posted_card(
    bot: RunningBot, activities: Activities, connector: FakeConnector, text: str
) -> Posted:
    before = len(connector.sent)
    await bot.send(activities.channel_message(text, from_=TARO))
    sent = await connector.wait_for_sent(before + 2)
    [card] = [p for p in sent[before:] if p.card is not None]
    return card


def press(
    activities: Activities, card: Posted, verb: str, who: TeamsUser, **data: Any
) -> dict[str, Any]:
    return activities.invoke_action(
        verb, data, from_=who, card_activity_id=card.activity_id, thread=card.activity_id
    )


async def a_day_with_words(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    """A poll with a comment, a day with a registration note, and an impression of it."""
    poll = await posted_card(bot, activities, connector, "日程調整 忘年会 12/10 12/11 締切:11/30")
    answer = press(
        activities, poll, "poll.answer", HANAKO, poll_id=1, choice_1="onsite", comment="午後だけ"
    )
    assert (await bot.send(answer)).status == 200
    day = await posted_card(bot, activities, connector, "イベント作成 第1回IYO WORK 12/1 定員:5")
    for who in (HANAKO, JIRO):
        choice = on_site("imabari", "情報政策課", note="駐車場を使います")
        pressed = press(activities, day, "event.register", who, event_id=1, **choice)
        assert (await bot.send(pressed)).status == 200
    bot.clock.set(AFTER_THE_DAY)
    await task_runner(bot).run_due()  # the day's end: the forms go out personally
    words = an_answer(rating="4", good="楽しかった", trouble="音声が途切れた", issues="network")
    submitted = press(activities, day, "feedback.submit", HANAKO, event_id=1, **words)
    assert "rating" in str(invoke_card(await bot.send(submitted)))


async def settled(bot: RunningBot, database: Database) -> None:
    """Waits (bounded) until the outbox has sent everything; card edits are spaced out, so
    time moves on a little while it waits."""
    for _ in range(100):
        async with database.transaction() as session:
            waiting = await session.scalar(
                select(OutboxMessage.id).where(OutboxMessage.status.in_(("pending", "sending")))
            )
        if waiting is None:
            return
        bot.clock.advance(UPDATE_SPACING)
        await asyncio.sleep(0.1)
    raise AssertionError("the outbox never settled")


async def outbox_ids(database: Database) -> set[int]:
    async with database.transaction() as session:
        return set(await session.scalars(select(OutboxMessage.id)))


async def live_card_posts(database: Database) -> set[int]:
    async with database.transaction() as session:
        poll = await session.scalar(select(PollRow.post_outbox_id))
        posts = select(EventRow.thread_outbox_id, EventRow.card_outbox_id)
        event = (await session.execute(posts)).one()
    return {i for i in (poll, *event) if i is not None}


async def test_after_a_month_only_the_posts_of_live_cards_stay_in_the_outbox(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    await a_day_with_words(bot, activities, connector)
    await settled(bot, database)
    everything = await outbox_ids(database)
    cards = await live_card_posts(database)
    assert len(everything) > len(cards) >= 2  # personal forms, replies and edits were sent too

    bot.clock.set(A_MONTH_LATER)
    await task_runner(bot).run_due()
    await settled(bot, database)

    # Left: the live cards' posts, and what was said since (the impressions' summary).
    async with database.transaction() as session:
        left = list(await session.scalars(select(OutboxMessage)))
    assert cards <= {row.id for row in left}
    assert all(row.created_at >= A_MONTH_LATER for row in left if row.id not in cards)
    # The poll still points at its card, and the words people wrote are still there.
    assert await live_card_posts(database) == cards
    async with database.transaction() as session:
        [answer] = await session.scalars(select(PollAnswerRow))
        [impression] = await session.scalars(select(FeedbackRow))
    assert answer.comment == "午後だけ" and impression.good == "楽しかった"


async def test_after_the_retention_the_words_go_and_the_counts_stay(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    await a_day_with_words(bot, activities, connector)

    bot.clock.set(TWO_YEARS_LATER)
    await task_runner(bot).run_due()

    async with database.transaction() as session:
        [answer] = await session.scalars(select(PollAnswerRow))
        [impression] = await session.scalars(select(FeedbackRow))
        registrations = list(await session.scalars(select(RegistrationRow)))
    assert answer.comment == "" and answer.choices == {"1": "onsite"}
    assert (impression.good, impression.trouble, impression.issue_details) == ("", "", "")
    assert impression.rating == 4 and impression.issues == {"codes": ["network"]}
    assert impression.name == HANAKO.name and impression.municipality == "imabari"
    assert [(r.note, r.status, r.municipality) for r in registrations] == [
        ("", "seated", "imabari"),
        ("", "seated", "imabari"),
    ]


async def test_words_younger_than_the_retention_stay(database: Database) -> None:
    written = datetime(2026, 12, 1, 10, 0, tzinfo=JST)
    async with database.transaction() as session:
        session.add(
            PollRow(
                id=1, conversation_id="19:c", creator_key="k", title="t",
                created_at=written, updated_at=written,
            )
        )  # fmt: skip
        await session.flush()
        session.add_all(
            [
                PollAnswerRow(
                    poll_id=1, person_key="old", name="a", choices={}, comment="古い",
                    created_at=written, updated_at=written,
                ),
                PollAnswerRow(
                    poll_id=1, person_key="new", name="b", choices={}, comment="新しい",
                    created_at=written, updated_at=written + timedelta(seconds=1),
                ),
            ]
        )  # fmt: skip
    async with database.transaction() as session:
        changed = await blank_old_free_text(session, written + timedelta(seconds=1))
    async with database.transaction() as session:
        query = select(PollAnswerRow.comment).order_by(PollAnswerRow.id)
        comments = list(await session.scalars(query))
    assert changed == 1 and comments == ["", "新しい"]


async def test_a_referenced_post_and_a_post_with_an_edit_still_to_send_are_never_deleted(
    database: Database,
) -> None:
    old = datetime(2026, 10, 1, 10, 0, tzinfo=JST)

    def row(kind: str, status: str, target: int | None = None) -> OutboxMessage:
        return OutboxMessage(
            kind=kind, conversation_id="19:c", payload={}, status=status, target_outbox_id=target,
            next_attempt_at=old, created_at=old, updated_at=old,
        )  # fmt: skip

    async with database.transaction() as session:
        poll_post, plain_post, edited_post = (row("post_channel", "sent") for _ in range(3))
        session.add_all([poll_post, plain_post, edited_post])
        await session.flush()
        session.add(row("update", "pending", edited_post.id))
        session.add(row("update", "sent", plain_post.id))
        session.add(
            PollRow(
                conversation_id="19:c", creator_key="k", title="t", post_outbox_id=poll_post.id,
                created_at=old, updated_at=old,
            )
        )  # fmt: skip
        ids = (poll_post.id, plain_post.id, edited_post.id)
    async with database.transaction() as session:
        deleted = await prune_outbox(session, old + timedelta(days=1))
    left = await outbox_ids(database)

    assert ids[0] in left and ids[2] in left and ids[1] not in left
    assert deleted >= 1  # the plain post (its sent edit goes too, counted or by cascade)
    assert len(left) == 3  # the two posts kept, and the edit still to send
    async with database.transaction() as session:
        assert await session.scalar(select(PollRow.post_outbox_id)) == ids[0]


async def summary_for(
    bot: RunningBot, activities: Activities, connector: FakeConnector, command: str, who: TeamsUser
) -> dict[str, Any]:
    before = len(connector.sent)
    await bot.send(activities.channel_message(command, from_=who))
    return await summaries.posted_card(connector, before + 1)


async def marked_solved(
    bot: RunningBot, activities: Activities, connector: FakeConnector, question: str, at: datetime
) -> str:
    """花子 asks in the channel at `at`; the next day she marks it 解決済み from 要約. The
    thread's root id."""
    root = await summaries.Channel(bot, activities).post(HANAKO, question, at)
    bot.clock.set(at + timedelta(days=1))
    card = await summary_for(bot, activities, connector, "要約", HANAKO)
    solve = summaries.button(card, "解決済みにする", near=question[:10])
    pressed = activities.invoke_action(solve["verb"], solve["data"], from_=HANAKO)
    assert "スレッドを解決済みにしました。" in card_text(invoke_card(await bot.send(pressed)))
    return root


async def test_after_the_retention_a_threads_solved_mark_goes_with_the_thread(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    """Two years on, the night's clean-up deletes the copy of a thread that has been quiet
    since, and who marked it solved with it; a thread marked recently keeps its mark."""
    clear_cache()
    old = await marked_solved(
        bot, activities, connector, "複合機のドライバはどこから入手できますか？",
        datetime(2026, 11, 23, 9, 0, tzinfo=JST),
    )  # fmt: skip
    recent = await marked_solved(
        bot, activities, connector, "電子申請の様式はどこに置いてありますか？",
        datetime(2028, 11, 24, 9, 0, tzinfo=JST),
    )  # fmt: skip
    async with database.transaction() as session:
        assert len(list(await session.scalars(select(ThreadResolutionRow)))) == 2

    bot.clock.set(TWO_YEARS_LATER)
    await task_runner(bot).run_due()

    async with database.transaction() as session:
        roots = set(await session.scalars(select(ChannelMessageRow.root_id)))
        [mark] = await session.scalars(select(ThreadResolutionRow))
    assert roots == {recent} and old not in roots
    assert (mark.root_id, mark.resolved, mark.by_name) == (recent, True, HANAKO.name)
    # The summary still counts the recent thread as solved.
    text = card_text(await summary_for(bot, activities, connector, "要約 30日", TARO))
    assert "スレッド 1 件: 未回答 0 件・回答あり 0 件・解決済み 1 件" in text
