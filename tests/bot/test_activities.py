"""Our replies as Teams sees them, and the shared activity builders as botbuilder reads them."""

from __future__ import annotations

from typing import Any

import aiohttp
from botbuilder.core.teams import teams_get_channel_id, teams_get_team_info
from botbuilder.schema import Activity

from bot.activities import ADAPTIVE_CARD, message_to_activity
from bot.adapter import build_adapter
from core.settings import load_settings
from dialogs.replies import Mention, Message
from tests.bot.conftest import RecordingBot, running_bot
from tests.fixtures.connector import BOT, HANAKO, TEAM, TENANT_ID, Activities


def test_a_reply_with_a_mention_and_a_card_becomes_one_teams_message() -> None:
    card = {"type": "AdaptiveCard", "version": "1.5", "body": []}
    message = Message(
        text=f"<at>{HANAKO.name}</at> 締切は明日です",
        card=card,
        mentions=(Mention(HANAKO.teams_id, HANAKO.name),),
    )

    assert message_to_activity(message).serialize() == {
        "type": "message",
        "text": "<at>今治 花子</at> 締切は明日です",
        "textFormat": "markdown",
        "entities": [
            {
                "type": "mention",
                "text": "<at>今治 花子</at>",
                "mentioned": {"id": HANAKO.teams_id, "name": "今治 花子"},
            }
        ],
        "attachments": [{"contentType": ADAPTIVE_CARD, "content": card}],
    }


def test_a_card_only_reply_has_no_text() -> None:
    serialized = message_to_activity(Message(card={"type": "AdaptiveCard"})).serialize()
    assert "text" not in serialized and len(serialized["attachments"]) == 1


def test_a_channel_message_reads_as_teams_to_botbuilder(activities: Activities) -> None:
    body = activities.channel_message("投票 忘年会", thread="1716000000777")
    activity = Activity().deserialize(body)

    assert activity.text == f"<at>{BOT.name}</at> 投票 忘年会"
    assert activity.conversation.id == f"{TEAM.general};messageid=1716000000777"
    # Teams writes conversation.tenantId, botbuilder's model reads tenantID: use channelData.
    assert activity.conversation.tenant_id is None
    assert activity.channel_data["tenant"]["id"] == TENANT_ID
    assert teams_get_team_info(activity).aad_group_id == TEAM.aad_group_id
    assert teams_get_channel_id(activity) == TEAM.general
    assert activity.from_property.aad_object_id.startswith("aad")
    assert activity.recipient.id == BOT.teams_id


async def test_every_builder_is_accepted_by_the_adapter(activities: Activities) -> None:
    bodies: list[dict[str, Any]] = [
        activities.channel_message("help"),
        activities.channel_message("返信", mention_bot=False, thread="1716000000001"),
        activities.personal_message("help", from_=HANAKO, locale="en-US"),
        activities.invoke_action("attend", {"event": 1}, personal=True),
        activities.submit_action({"verb": "vote", "choice": "○"}),
        activities.conversation_update_bot_added(),
        activities.installation_update("add", scope="personal"),
        activities.installation_update("remove"),
    ]
    bot = RecordingBot()
    adapter = build_adapter(load_settings())
    async with running_bot(adapter, bot) as url, aiohttp.ClientSession() as http:
        statuses = []
        for body in bodies:
            async with http.post(f"{url}/api/messages", json=body) as response:
                statuses.append(response.status)

    assert statuses == [201, 201, 201, 200, 201, 201, 201, 201]
    assert [a.type for a in bot.received] == [b["type"] for b in bodies]
    assert bot.received[4].value == {"verb": "vote", "choice": "○"} and not bot.received[4].text
