"""Proactive posts through the Bot Connector: what reaches Teams, and what the outbox is told
when Teams says no."""

from __future__ import annotations

import socket

import pytest

from bot.adapter import build_adapter
from bot.deliverer import ConnectorDeliverer
from core.settings import load_settings
from dialogs.platform.ports import Address, Ambiguous, Member, Refused, RetryLater
from dialogs.replies import Mention, Message
from tests.fakes.connector import FakeConnector, RosterMember
from tests.fixtures.connector import BOT, GUEST, HANAKO, JIRO, TARO, TEAM, TENANT_ID

POLL_CARD = {
    "type": "AdaptiveCard",
    "version": "1.5",
    "body": [{"type": "TextBlock", "text": "忘年会"}],
}


def deliverer(timeout: float = 5.0) -> ConnectorDeliverer:
    return ConnectorDeliverer(build_adapter(load_settings()), "", timeout=timeout)


def channel(connector: FakeConnector, conversation_id: str = TEAM.general) -> Address:
    return Address(
        service_url=connector.url,
        conversation_id=conversation_id,
        tenant_id=TENANT_ID,
        team_id=TEAM.id,
        bot_id=BOT.teams_id,
        bot_name=BOT.name,
    )


async def test_a_poll_posted_to_a_channel_starts_a_thread(connector: FakeConnector) -> None:
    delivered = await deliverer().post_to_channel(
        channel(connector), Message(text="**忘年会の出欠**", card=POLL_CARD)
    )

    [root] = connector.sent
    assert delivered.activity_id == root.activity_id
    assert delivered.conversation_id == f"{TEAM.general};messageid={root.activity_id}"
    assert (root.text, root.card) == ("**忘年会の出欠**", POLL_CARD)
    [created] = connector.created
    assert created.channel_data["channel"] == {"id": TEAM.general}
    assert created.tenant_id == TENANT_ID


async def test_a_reminder_replies_in_the_thread_and_mentions_people(
    connector: FakeConnector,
) -> None:
    message = Message(
        text=f"<at>{HANAKO.name}</at> 回答をお願いします",
        mentions=(Mention(HANAKO.teams_id, HANAKO.name),),
    )
    delivered = await deliverer().send(channel(connector), message, reply_to="1717000000009")

    [reply] = connector.sent
    assert reply.reply_to_id == "1717000000009"
    assert reply.conversation_id == TEAM.general
    assert delivered.activity_id == reply.activity_id
    assert reply.mentioned_ids == [HANAKO.teams_id]
    assert reply.entities[0]["text"] == "<at>今治 花子</at>"
    assert reply.activity["textFormat"] == "markdown"


async def test_a_private_reminder_opens_a_personal_chat_then_sends(
    connector: FakeConnector,
) -> None:
    send = deliverer()
    member = Member(HANAKO.teams_id, HANAKO.aad_object_id, HANAKO.name)

    chat = await send.open_personal_chat(channel(connector), member)
    again = await send.open_personal_chat(channel(connector), member)
    await send.send(chat, Message(text="未回答のアンケートがあります"))

    assert chat == again
    assert chat.conversation_id.startswith("a:") and chat.service_url == connector.url
    assert chat.tenant_id == TENANT_ID and chat.team_id is None
    created = connector.created[0]
    assert [m["id"] for m in created.members] == [HANAKO.teams_id]
    assert created.channel_data == {"tenant": {"id": TENANT_ID}}
    assert created.bot == {"id": BOT.teams_id, "name": BOT.name}
    [sent] = await connector.wait_for_sent(1)
    assert (sent.conversation_id, sent.text) == (
        chat.conversation_id,
        "未回答のアンケートがあります",
    )


async def test_a_live_tally_replaces_the_posted_card(connector: FakeConnector) -> None:
    new_card = {**POLL_CARD, "body": [{"type": "TextBlock", "text": "○8 △2 ×2"}]}
    await deliverer().update(channel(connector), "1717000000042", Message(card=new_card))

    [updated] = connector.updated
    assert (updated.activity_id, updated.card) == ("1717000000042", new_card)
    assert updated.activity["id"] == "1717000000042"


async def test_the_roster_is_read_page_by_page_with_roles(connector: FakeConnector) -> None:
    newcomers = [RosterMember(f"職員 {n}", upn=f"staff{n}@town.example") for n in range(5)]
    connector.set_roster(
        TEAM.id, [u.roster_member() for u in (TARO, HANAKO, JIRO, GUEST)] + newcomers
    )
    connector.page_size = 2

    members = await deliverer().members(channel(connector, f"{TEAM.general};messageid=1"))

    assert len(members) == 9
    assert members[0] == Member(
        teams_id=TARO.teams_id,
        aad_object_id=TARO.aad_object_id,
        name=TARO.name,
        upn=TARO.upn,
        role="owner",
        tenant_id=TENANT_ID,  # each member's own organisation (another one in shared channels)
    )
    assert [m.role for m in members[1:4]] == ["member", "member", "guest"]
    paged = [p for _, p in connector.requests if p.endswith("/pagedmembers")]
    assert len(paged) == 5 and all(p == f"/v3/conversations/{TEAM.id}/pagedmembers" for p in paged)


async def test_throttled_is_retry_later_with_teams_retry_after(connector: FakeConnector) -> None:
    connector.fail_next(1, 429, retry_after=7)
    with pytest.raises(RetryLater) as throttled:
        await deliverer().send(channel(connector), Message(text="hi"))

    assert throttled.value.retry_after == 7
    assert connector.sent == []
    assert len(connector.requests) == 1  # tried once: the outbox owns retries


async def test_unavailable_is_retry_later(connector: FakeConnector) -> None:
    connector.fail_next(1, 503)
    with pytest.raises(RetryLater) as unavailable:
        await deliverer().post_to_channel(channel(connector), Message(text="hi"))

    assert unavailable.value.retry_after is None
    assert len(connector.requests) == 1


async def test_a_connector_that_refuses_connections_is_retry_later() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    nowhere = Address(service_url=f"http://127.0.0.1:{closed_port}", conversation_id=TEAM.general)

    with pytest.raises(RetryLater):
        await deliverer().send(nowhere, Message(text="hi"))


@pytest.mark.parametrize("status", [502, 504])
async def test_a_gateway_error_is_ambiguous(connector: FakeConnector, status: int) -> None:
    connector.fail_next(1, status)
    with pytest.raises(Ambiguous):
        await deliverer().send(channel(connector), Message(text="hi"))

    assert len(connector.requests) == 1  # never resent behind the outbox's back


async def test_no_answer_in_time_is_ambiguous(connector: FakeConnector) -> None:
    connector.fail_next(1, "hang")
    with pytest.raises(Ambiguous):
        await deliverer(timeout=0.3).post_to_channel(channel(connector), Message(text="hi"))

    assert len(connector.requests) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404])
async def test_a_refusal_is_permanent(connector: FakeConnector, status: int) -> None:
    connector.fail_next(1, status)
    with pytest.raises(Refused) as refused:
        await deliverer().update(channel(connector), "1717000000042", Message(text="hi"))

    assert refused.value.status == status


async def test_a_roster_failure_is_reported_like_a_send(connector: FakeConnector) -> None:
    connector.fail_next(1, 403)
    with pytest.raises(Refused):
        await deliverer().members(channel(connector))
