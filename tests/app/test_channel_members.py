"""Who a poll waits for depends on where it lives, through the real HTTP endpoint.

A poll in one of the team's standard channels is seen by the whole team, so 未回答者 and the
reminders count the team's roster. A private channel (幹事会) holds only some of the team, and a
shared channel (県・市町 情報交換) also holds staff of the municipalities who take part from
their own organisations' tenants and are on no roster of the prefecture's team: there Teams
lists the channel's own members, and the bot waits for them — and only them. Someone of another
organisation is reminded in the poll's thread, since no personal chat can reach them.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.app.test_feedback import sent_matching
from tests.app.test_first_contact import card_text
from tests.app.test_poll_coordination import press
from tests.app.test_polls import answer_activity, invoke_card, open_poll, task_runner
from tests.app.test_shared_channels import PRIVATE, SAIJO, SHARED, in_channel
from tests.fakes.connector import FakeConnector, Posted
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import GUEST, HANAKO, JIRO, TARO, TEAM, Activities

JST = ZoneInfo("Asia/Tokyo")

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


async def nonrespondents(bot: RunningBot, activities: Activities, post: Posted) -> str:
    """What the coordinator reads after pressing 未回答者 on the poll card."""
    return card_text(invoke_card(await press(bot, activities, post, "poll.nonrespondents")))


async def test_in_a_private_channel_only_its_members_are_waited_for(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    """太郎 and 花子 are in the private channel 幹事会; 次郎 and the vendor's guest are in the
    team but not in it, never see its poll, and are neither listed nor @mentioned."""
    private = in_channel(activities, PRIVATE, "private")
    connector.set_channel_members(PRIVATE, [TARO.roster_member(), HANAKO.roster_member()])
    post = await open_poll(bot, private, connector)

    listed = await nonrespondents(bot, private, post)
    assert "未回答者（2名）" in listed
    assert TARO.name in listed and HANAKO.name in listed
    assert JIRO.name not in listed and GUEST.name not in listed

    await bot.send(answer_activity(private, post, HANAKO, choice_1="onsite"))
    listed = await nonrespondents(bot, private, post)
    assert "未回答者（1名）" in listed and HANAKO.name not in listed

    reminded = invoke_card(await press(bot, private, post, "poll.remind"))
    assert "1名に、スレッドでリマインドしました。" in card_text(reminded)
    [reminder] = await sent_matching(connector, lambda p: p.reply_to_id == post.activity_id, 1)
    assert reminder.mentioned_ids == [TARO.teams_id]
    assert reminder.conversation_id.startswith(PRIVATE)


async def test_in_a_shared_channel_someone_of_another_organisation_is_reminded_in_the_thread(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    """四郎 (西条市, his own tenant) takes part in the shared channel; 次郎 and the guest of the
    prefecture's team do not. 四郎 is counted, and the reminder the day before the deadline
    @mentions him in the poll's thread; the bot never asks Teams for a 1:1 chat with him."""
    shared = in_channel(activities, SHARED, "shared")
    connector.set_channel_members(SHARED, [u.roster_member() for u in (TARO, HANAKO, SAIJO)])
    connector.unreachable.add(SAIJO.teams_id)  # Teams would refuse a 1:1 chat (403)
    post = await open_poll(bot, shared, connector)
    await bot.send(answer_activity(shared, post, HANAKO, choice_1="onsite"))

    listed = await nonrespondents(bot, shared, post)
    assert "未回答者（2名）" in listed
    assert SAIJO.name in listed and TARO.name in listed
    assert JIRO.name not in listed and GUEST.name not in listed

    # 締切 12/5 is a Saturday: the reminder goes at 09:00 on Friday 12/4, in the thread.
    bot.clock.set(datetime(2026, 12, 4, 9, 0, tzinfo=JST))
    await task_runner(bot).run_due()
    [reminder] = await sent_matching(connector, lambda p: p.reply_to_id == post.activity_id, 1)
    assert set(reminder.mentioned_ids) == {TARO.teams_id, SAIJO.teams_id}
    assert f"<at>{SAIJO.name}</at>" in (reminder.text or "")
    assert reminder.conversation_id.startswith(SHARED)
    assert [c for c in connector.created if not c.is_group] == [] and connector.refused == []

    # His answer counts like anyone's.
    await bot.send(answer_activity(shared, post, SAIJO, choice_1="online"))
    listed = await nonrespondents(bot, shared, post)
    assert "未回答者（1名）" in listed and SAIJO.name not in listed


async def test_in_a_standard_channel_the_whole_team_is_waited_for(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    """アンケート is a standard channel: everyone in the team sees its poll."""
    [(survey, _)] = TEAM.channels
    standard = in_channel(activities, survey, "standard")
    post = await open_poll(bot, standard, connector)

    listed = await nonrespondents(bot, standard, post)
    assert "未回答者（4名）" in listed
    for person in (TARO, HANAKO, JIRO, GUEST):
        assert person.name in listed
