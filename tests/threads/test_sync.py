"""History and repair from Graph: the channel's threads are backfilled, kept current, and a
sync that fails keeps what it stored and resumes where it stopped (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.clock import FrozenClock
from dialogs.threads.state import get_state, history_available
from dialogs.threads.store import count_messages, thread_messages, threads
from dialogs.threads.sync import ChannelSync, Progress
from storage.db import Database
from storage.repositories.people import upsert_person
from tests.fakes.graph import FakeChannel, FakeGraph
from tests.fixtures.connector import GUEST, HANAKO, JIRO, TARO
from tests.threads.scenario import CHANNEL_ID, NOW, TEAM_GROUP, Community, author

# Messages the community channel keeps: 4 + 1 + 5 replies and their roots, 60 small threads.
KEPT = (1 + 3) + (1 + 1) + (1 + 5) + 1 + 60


def syncer(
    database: Database, client: Any, clock: FrozenClock | None = None, **options: Any
) -> ChannelSync:
    return ChannelSync(database, client, clock or FrozenClock(NOW), retention_months=24, **options)


async def test_a_backfill_keeps_every_thread_as_people_wrote_it(
    database: Database, graph: FakeGraph, client: Any, community: Community
) -> None:
    seen: list[Progress] = []

    report = await syncer(database, client, on_progress=seen.append).run(TEAM_GROUP, CHANNEL_ID)

    assert report.ok and report.backfill_complete
    assert report.messages == KEPT
    assert report.threads_skipped_as_old == 1  # January 2024
    assert report.events_dropped == 1  # someone joined the team
    async with database.transaction() as session:
        macro = await thread_messages(session, CHANNEL_ID, community.macro.id)
        rights = await thread_messages(session, CHANNEL_ID, community.rights.id)
        long_thread = await thread_messages(session, CHANNEL_ID, community.long_thread.id)
        poll = await thread_messages(session, CHANNEL_ID, community.poll.id)
        old = await thread_messages(session, CHANNEL_ID, community.old.id)
        joined = await thread_messages(session, CHANNEL_ID, community.joined.id)
        assert await count_messages(session, CHANNEL_ID) == KEPT
    question, answer, edited, deleted = macro
    assert question.text == (
        "Excelのマクロ問題って、どうやって解決してます？\n"
        "参考: VBA リファレンス (https://learn.microsoft.com/ja-jp/office/vba/api/overview/excel)"
    )
    assert question.subject == "Excelのマクロ"
    assert [(r["kind"], r["user_id"]) for r in question.reactions] == [
        ("like", HANAKO.aad_object_id),
        ("heart", JIRO.aad_object_id),
    ]
    assert question.web_url and question.source == "graph"
    assert answer.text == (
        "@松山 太郎 うちはこう書いています 😀\n"
        '```visualbasic\nSub Macro1()\n    MsgBox "こんにちは"\nEnd Sub\n```'
    )
    assert edited.text == "マクロは署名付きのものだけ有効にしています" and edited.edited_at
    assert deleted.text == "" and deleted.deleted_at and deleted.author_name == GUEST.name
    assert rights[1].text == "県ではこの表で管理しています\n[権限表.xlsx]"
    assert [m.text for m in long_thread] == ["返信の多いスレッド"] + [
        f"返信{n}" for n in range(1, 6)
    ]
    assert poll[0].author_name == "IYO WORK" and poll[0].author_aad_id is None
    assert poll[0].text == "日程調整: 第2回IYO WORK\n会場: 松前町役場"
    assert old == [] and joined == []
    # Two pages of posts, the long thread's replies link, one delta request to anchor.
    assert (graph.count("messages"), graph.count("replies"), graph.count("delta")) == (2, 1, 1)
    assert [p.phase for p in seen] == ["backfill", "backfill", "delta"]
    async with database.transaction() as session:
        state = await get_state(session, CHANNEL_ID)
    assert state and state.backfilled and state.delta_link and state.cursor is None
    assert state.last_synced_at == NOW and state.history_available


async def test_the_authors_municipality_comes_from_what_they_told_registration(
    database: Database, client: Any, community: Community
) -> None:
    async with database.transaction() as session:
        for user, municipality in ((TARO, "愛媛県"), (HANAKO, "今治市")):
            person = await upsert_person(
                session, person_key=user.aad_object_id, teams_id=user.teams_id,
                aad_object_id=user.aad_object_id, name=user.name, tenant_id=None, locale="ja",
                now=NOW,
            )  # fmt: skip
            person.municipality = municipality  # what they told 参加登録

    await syncer(database, client).run(TEAM_GROUP, CHANNEL_ID)

    async with database.transaction() as session:
        macro = await thread_messages(session, CHANNEL_ID, community.macro.id)
    assert [(m.author_name, m.author_municipality) for m in macro] == [
        (TARO.name, "愛媛県"),
        (HANAKO.name, "今治市"),
        (JIRO.name, None),
        (GUEST.name, None),
    ]


async def test_an_unchanged_channel_costs_one_delta_request_and_the_active_threads(
    database: Database, graph: FakeGraph, client: Any, community: Community
) -> None:
    clock = FrozenClock(NOW)
    await syncer(database, client, clock).run(TEAM_GROUP, CHANNEL_ID)
    before = graph.count()
    clock.advance(timedelta(minutes=15))

    report = await syncer(database, client, clock).run(TEAM_GROUP, CHANNEL_ID)

    assert report.ok
    new = graph.requests[before:]
    # Threads active in the last 14 days: 権限, the long thread and the poll.
    assert [r.kind for r in new] == ["delta", "replies", "replies", "replies"]
    assert report.threads_rechecked == 3
    async with database.transaction() as session:
        assert await count_messages(session, CHANNEL_ID) == KEPT


async def test_edits_new_posts_and_new_replies_reach_the_store_on_the_next_sync(
    database: Database, graph: FakeGraph, channel: FakeChannel, client: Any, community: Community
) -> None:
    clock = FrozenClock(NOW)
    await syncer(database, client, clock).run(TEAM_GROUP, CHANNEL_ID)
    later = NOW + timedelta(hours=1)
    channel.edit(community.rights, "<p>ユーザー権限、どう管理してますか？</p>", at=later)
    fresh = channel.post(author(JIRO), "<p>新しい質問です</p>", at=later)
    channel.reply(fresh, author(TARO), "<p>すぐ答えます</p>", at=later)
    channel.reply(community.long_thread, author(HANAKO), "<p>返信6</p>", at=later)
    channel.delete(channel.replies[community.long_thread.id][0], at=later)
    clock.set(later + timedelta(minutes=5))

    report = await syncer(database, client, clock).run(TEAM_GROUP, CHANNEL_ID)

    assert report.ok
    async with database.transaction() as session:
        rights = await thread_messages(session, CHANNEL_ID, community.rights.id)
        new_thread = await thread_messages(session, CHANNEL_ID, fresh.id)
        long_thread = await thread_messages(session, CHANNEL_ID, community.long_thread.id)
    assert rights[0].text == "ユーザー権限、どう管理してますか？"
    assert [m.text for m in new_thread] == ["新しい質問です", "すぐ答えます"]
    assert long_thread[-1].text == "返信6"
    assert long_thread[1].deleted_at is not None and long_thread[1].text == ""


async def test_a_live_edit_newer_than_what_graph_returns_is_not_undone(
    database: Database, client: Any, community: Community
) -> None:
    from dialogs.threads.capture import LiveMessage, capture_edit

    async with database.transaction() as session:
        await capture_edit(
            session,
            LiveMessage(
                CHANNEL_ID, community.rights.id, community.rights.id, at=NOW,
                team_aad_group_id=TEAM_GROUP, author_name=HANAKO.name, text="いま直した版",
            ),
            NOW,
        )  # fmt: skip

    await syncer(database, client).run(TEAM_GROUP, CHANNEL_ID)

    async with database.transaction() as session:
        rights = await thread_messages(session, CHANNEL_ID, community.rights.id)
    assert rights[0].text == "いま直した版"


async def test_a_sync_that_fails_midway_keeps_its_pages_and_resumes_after_them(
    database: Database, graph: FakeGraph, client: Any, community: Community
) -> None:
    graph.fail_from(3, 500)  # the second page of posts (after page 1 and its replies link)

    failed = await syncer(database, client).run(TEAM_GROUP, CHANNEL_ID)

    assert not failed.ok and failed.error and "500" in failed.error
    assert failed.history_available
    async with database.transaction() as session:
        state = await get_state(session, CHANNEL_ID)
        stored = await count_messages(session, CHANNEL_ID)
    assert stored == failed.messages > 0  # the first page, committed
    assert state and not state.backfilled and state.last_error
    assert state.cursor and "$skiptoken=50" in state.cursor
    assert state.delta_link is None

    graph.heal()
    before = graph.count()
    resumed = await syncer(database, client).run(TEAM_GROUP, CHANNEL_ID)

    assert resumed.ok
    assert graph.requests[before].query.get("$skiptoken") == "50"
    async with database.transaction() as session:
        assert await count_messages(session, CHANNEL_ID) == KEPT
        state = await get_state(session, CHANNEL_ID)
    assert state and state.backfilled and state.delta_link and state.last_error is None


async def test_a_sync_throttled_once_waits_and_completes(
    database: Database, graph: FakeGraph, client: Any, community: Community
) -> None:
    graph.fail_next("messages", 429, retry_after="1")

    report = await syncer(database, client).run(TEAM_GROUP, CHANNEL_ID)

    assert report.ok and report.messages == KEPT
    assert [r.status for r in graph.requests[:2]] == [429, 200]
    assert graph.requests[1].at - graph.requests[0].at >= 1.0


async def test_a_channel_graph_refuses_is_marked_without_losing_what_was_received_live(
    database: Database, graph: FakeGraph, channel: FakeChannel, client: Any, community: Community
) -> None:
    from dialogs.threads.capture import LiveMessage, capture_message

    async with database.transaction() as session:
        await capture_message(
            session,
            LiveMessage(CHANNEL_ID, "live-1", "live-1", at=NOW, text="ライブで受け取った投稿"),
            NOW,
        )
    graph.refuse(channel, 403)

    report = await syncer(database, client).run(TEAM_GROUP, CHANNEL_ID)

    assert not report.ok and not report.history_available
    async with database.transaction() as session:
        assert await history_available(session, CHANNEL_ID) is False
        assert [m.text for m in await thread_messages(session, CHANNEL_ID, "live-1")] == [
            "ライブで受け取った投稿"
        ]
        state = await get_state(session, CHANNEL_ID)
    assert state and state.unavailable_reason and "403" in state.unavailable_reason

    channel.refused = None
    again = await syncer(database, client).run(TEAM_GROUP, CHANNEL_ID)
    assert again.ok
    async with database.transaction() as session:
        assert await history_available(session, CHANNEL_ID) is True


async def test_history_is_available_for_a_channel_never_synced(database: Database) -> None:
    async with database.transaction() as session:
        assert await history_available(session, "19:never@thread.tacv2") is True


async def test_an_expired_delta_link_starts_a_new_round(
    database: Database, graph: FakeGraph, client: Any, community: Community
) -> None:
    clock = FrozenClock(NOW)
    await syncer(database, client, clock).run(TEAM_GROUP, CHANNEL_ID)
    graph.fail_next("delta", 410)
    clock.advance(timedelta(minutes=15))

    report = await syncer(database, client, clock).run(TEAM_GROUP, CHANNEL_ID)

    assert report.ok
    expired, fresh = [r for r in graph.requests if r.kind == "delta"][-2:]
    assert expired.status == 410 and "$deltatoken" in expired.query
    assert fresh.status == 200 and fresh.query["$filter"].startswith("lastModifiedDateTime gt ")


async def test_two_syncs_of_one_channel_do_not_run_together(
    database: Database, client: Any, community: Community
) -> None:
    from dialogs.threads.state import claim, ensure_channel

    async with database.transaction() as session:
        await ensure_channel(session, TEAM_GROUP, CHANNEL_ID, NOW)
        assert await claim(session, CHANNEL_ID, NOW, NOW + timedelta(minutes=30))

    report = await syncer(database, client).run(TEAM_GROUP, CHANNEL_ID)

    assert report.busy and not report.ok and report.messages == 0


async def test_threads_active_recently_are_listed_most_recent_first(
    database: Database, client: Any, community: Community
) -> None:
    await syncer(database, client).run(TEAM_GROUP, CHANNEL_ID)

    async with database.transaction() as session:
        active = await threads(session, CHANNEL_ID, active_since=NOW - timedelta(days=14))
    assert [t.root_id for t in active] == [
        community.poll.id,  # posted 2 hours after the other two began
        community.rights.id,  # answered an hour after it was asked
        community.long_thread.id,  # its last reply came 5 minutes in
    ]
    assert active[2].messages == 6
