"""graph/: channel threads read from Graph (the real GraphServiceClient against a fake Graph on
127.0.0.1) come out as plain dataclasses, a page at a time."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from graph.channels import (
    GraphError,
    GraphRefused,
    delta_page,
    messages_page,
    replies_page,
)
from tests.fakes.graph import FakeChannel, FakeGraph
from tests.fixtures.connector import HANAKO, JIRO, TARO
from tests.threads.scenario import CHANNEL_ID, SMALL_THREADS, TEAM_GROUP, Community


async def test_a_page_of_posts_comes_with_authors_bodies_reactions_and_replies(
    graph: FakeGraph, client: Any, community: Community
) -> None:
    page = await messages_page(client, TEAM_GROUP, CHANNEL_ID)

    by_id = {message.id: message for message in page.messages}
    macro = by_id[community.macro.id]
    assert macro.author_name == TARO.name
    assert macro.author_id == TARO.aad_object_id
    assert macro.author_kind == "user"
    assert macro.subject == "Excelのマクロ"
    assert macro.importance == "high"
    assert macro.body_type == "html"
    assert "VBA リファレンス</a>" in macro.body
    assert macro.created_at == datetime(2026, 11, 10, 0, 30, tzinfo=UTC)
    assert [(r.kind, r.user_id) for r in macro.reactions] == [
        ("like", HANAKO.aad_object_id),
        ("heart", JIRO.aad_object_id),
    ]
    assert macro.web_url and f"groupId={TEAM_GROUP}" in macro.web_url
    replies = {reply.id: reply for reply in macro.replies}
    edited = replies[community.macro_edited.id]
    assert edited.edited_at is not None and edited.modified_at == edited.edited_at
    assert edited.reply_to_id == community.macro.id
    deleted = replies[community.macro_deleted.id]
    assert deleted.deleted_at is not None and deleted.body == ""
    assert by_id[community.joined.id].message_type == "systemEventMessage"
    assert not by_id[community.joined.id].is_message
    assert by_id[community.poll.id].author_kind == "application"
    # Every request carried the token the credential gave.
    assert graph.requests[-1].status == 200


async def test_pages_follow_absolute_next_links_until_the_last(
    graph: FakeGraph, client: Any, community: Community
) -> None:
    first = await messages_page(client, TEAM_GROUP, CHANNEL_ID)
    assert first.next_link and first.next_link.startswith(graph.url)
    second = await messages_page(client, TEAM_GROUP, CHANNEL_ID, first.next_link)

    assert len(first.messages) == 50
    assert second.next_link is None
    assert len(first.messages) + len(second.messages) == SMALL_THREADS + 6
    assert graph.count("messages") == 2
    assert graph.requests[0].query == {"$top": "50", "$expand": "replies"}


async def test_more_replies_than_were_inlined_come_from_the_replies_link(
    client: Any, community: Community
) -> None:
    page = await messages_page(client, TEAM_GROUP, CHANNEL_ID)
    [thread] = [m for m in page.messages if m.id == community.long_thread.id]
    assert len(thread.replies) == 3 and thread.replies_next_link

    rest = await replies_page(client, TEAM_GROUP, CHANNEL_ID, thread.id, thread.replies_next_link)

    assert [r.body for r in rest.messages] == ["<p>返信4</p>", "<p>返信5</p>"]
    assert rest.next_link is None


async def test_a_delta_round_ends_in_a_delta_link_that_later_returns_only_changes(
    graph: FakeGraph, channel: FakeChannel, client: Any, community: Community
) -> None:
    since = datetime(2026, 11, 15, tzinfo=UTC)
    first = await delta_page(client, TEAM_GROUP, CHANNEL_ID, since=since)
    assert {m.id for m in first.messages} == {
        community.rights.id,
        community.long_thread.id,
        community.poll.id,
        community.joined.id,
    }
    assert first.delta_link and first.next_link is None
    assert graph.requests[-1].query["$filter"] == "lastModifiedDateTime gt 2026-11-15T00:00:00Z"

    unchanged = await delta_page(client, TEAM_GROUP, CHANNEL_ID, first.delta_link)
    assert unchanged.messages == ()
    channel.edit(community.macro, "<p>改訂しました</p>", at=since + timedelta(days=5))
    changed = await delta_page(client, TEAM_GROUP, CHANNEL_ID, unchanged.delta_link)
    assert [m.body for m in changed.messages] == ["<p>改訂しました</p>"]


async def test_a_429_is_retried_by_the_sdk_after_the_time_retry_after_says(
    graph: FakeGraph, client: Any, community: Community
) -> None:
    graph.fail_next("messages", 429, retry_after="1")

    started = time.monotonic()
    page = await messages_page(client, TEAM_GROUP, CHANNEL_ID)

    assert len(page.messages) == 50
    throttled, retried = graph.requests
    assert (throttled.status, retried.status) == (429, 200)
    assert retried.at - throttled.at >= 1.0
    assert time.monotonic() - started >= 1.0


async def test_a_503_is_retried_too(graph: FakeGraph, client: Any, community: Community) -> None:
    graph.fail_next("replies", 503, retry_after="1")

    page = await replies_page(client, TEAM_GROUP, CHANNEL_ID, community.rights.id)

    assert [r.status for r in graph.requests] == [503, 200]
    assert len(page.messages) == 1


async def test_a_channel_graph_refuses_raises_graph_refused(
    graph: FakeGraph, channel: FakeChannel, client: Any
) -> None:
    graph.refuse(channel, 403)

    with pytest.raises(GraphRefused) as refused:
        await messages_page(client, TEAM_GROUP, CHANNEL_ID)

    assert refused.value.status == 403
    assert "Forbidden" in str(refused.value)


async def test_a_server_error_is_a_graph_error_with_its_status(
    graph: FakeGraph, client: Any, community: Community
) -> None:
    graph.fail_from(1, 500)

    with pytest.raises(GraphError) as failed:
        await messages_page(client, TEAM_GROUP, CHANNEL_ID)

    assert failed.value.status == 500
    assert graph.count() == 1  # 500 is not retried
