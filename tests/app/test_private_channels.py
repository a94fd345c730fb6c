"""What lives in a private or shared channel stays in it, through the real HTTP endpoint.

The prefecture's team (太郎, 花子, 次郎 and a vendor's guest) has its General channel and a
private channel 幹事会 where only 太郎 and 花子 are. The organisers plan their own meeting
there: its poll, its day and its questions are seen in 幹事会, not in General, and not from
the personal chat of someone who is not in it (次郎). From her personal chat 花子 finds what she
wrote there, because she has acted in the channel and its own roster lists her; once she has
left the channel, she no longer does. A shared channel, whose people need not be the team's,
sees only its own.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from dialogs.summaries.service import clear_cache
from tests.app.test_attendees import ask
from tests.app.test_first_contact import card_text
from tests.app.test_polls import invoke_card
from tests.app.test_registration import personal_sent
from tests.app.test_shared_channels import PRIVATE, SAIJO, SHARED, in_channel
from tests.app.test_summaries import Channel
from tests.fakes.connector import FakeConnector, Posted
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import HANAKO, JIRO, TARO, Activities

JST = ZoneInfo("Asia/Tokyo")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=JST)
THEIR_POLL = "幹事会の打ち合わせ"
THEIR_DAY = "幹事会 年度末の振り返り"
TEAM_DAY = "第2回IYO WORK"
THEIR_QUESTION = "来年度の予算案の資料はどこに置きましたか？"
TEAM_QUESTION = "Windows Update が 0x80070005 で失敗します。対処方法をご存じですか？"

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


@pytest.fixture(autouse=True)
def fresh_analyses() -> None:
    clear_cache()


@pytest.fixture
def organisers(activities: Activities, connector: FakeConnector) -> Activities:
    """Activities in 幹事会, the private channel whose own members are 太郎 and 花子."""
    connector.set_channel_members(PRIVATE, [TARO.roster_member(), HANAKO.roster_member()])
    return in_channel(activities, PRIVATE, "private")


def shows(posted: Posted) -> str:
    return card_text(posted.card or {}) + (posted.text or "")


async def created(bot: RunningBot, connector: FakeConnector, command: dict[str, Any]) -> Posted:
    """A coordinator's one line; the card it posted as a new thread."""
    before = len(connector.sent)
    await bot.send(command)
    sent = await connector.wait_for_sent(before + 2)
    [card] = [p for p in sent[before:] if p.card is not None]
    return card


async def plans_in_both_channels(
    bot: RunningBot, activities: Activities, organisers: Activities, connector: FakeConnector
) -> Posted:
    """太郎 opens a poll and a day in 幹事会, and the team's day in General; the poll's card."""
    bot.clock.set(MONDAY)
    poll = await created(
        bot, connector, organisers.channel_message(f"日程調整 {THEIR_POLL} 12/10 12/11")
    )
    await created(bot, connector, organisers.channel_message(f"イベント作成 {THEIR_DAY} 12/16"))
    await created(bot, connector, activities.channel_message(f"イベント作成 {TEAM_DAY} 12/17"))
    return poll


async def test_in_general_the_private_channels_poll_and_day_are_not_listed(
    bot: RunningBot, activities: Activities, organisers: Activities, connector: FakeConnector
) -> None:
    await plans_in_both_channels(bot, activities, organisers, connector)

    offered = await ask(bot, connector, activities.channel_message("参加登録", from_=JIRO))
    by_title = await ask(bot, connector, activities.channel_message("参加者一覧 幹事会"))
    assert TEAM_DAY in shows(offered) and THEIR_DAY not in shows(offered)
    assert "見つかりませんでした" in shows(by_title)

    # The digest's preview of General lists the team's open polls: not 幹事会's.
    await bot.send(activities.channel_message("ダイジェスト", from_=TARO))
    [general_preview] = [p for p in await personal_sent(connector, 1) if p.card]
    assert TEAM_DAY in shows(general_preview) and THEIR_POLL not in shows(general_preview)

    # In 幹事会 itself they are there, with the team's day.
    here = await ask(bot, connector, organisers.channel_message("参加登録", from_=HANAKO))
    assert THEIR_DAY in shows(here) and TEAM_DAY in shows(here)
    await bot.send(organisers.channel_message("ダイジェスト", from_=TARO))
    [*_, private_preview] = [p for p in await personal_sent(connector, 2) if p.card]
    assert "受付中の日程調整" in shows(private_preview) and THEIR_POLL in shows(private_preview)


async def test_a_button_pressed_outside_the_private_channel_finds_nothing(
    bot: RunningBot, activities: Activities, organisers: Activities, connector: FakeConnector
) -> None:
    """A card's buttons name their poll by id. Pressed from General (a forged press), 幹事会's
    poll is not found, not even for 太郎, who owns the team."""
    poll = await plans_in_both_channels(bot, activities, organisers, connector)

    for verb, who in (("poll.view", JIRO), ("poll.coordinator", TARO)):
        press = activities.invoke_action(verb, {"poll_id": 1}, from_=who)
        assert "見つかりませんでした" in card_text(invoke_card(await bot.send(press))), verb

    # In 幹事会, the same press shows the poll.
    press = organisers.invoke_action(
        "poll.view", {"poll_id": 1}, from_=HANAKO, card_activity_id=poll.activity_id
    )
    assert THEIR_POLL in card_text(invoke_card(await bot.send(press)))


async def test_from_a_personal_chat_only_the_people_of_the_private_channel_find_its_threads(
    bot: RunningBot, activities: Activities, organisers: Activities, connector: FakeConnector
) -> None:
    await plans_in_both_channels(bot, activities, organisers, connector)
    await Channel(bot, organisers).post(HANAKO, THEIR_QUESTION, MONDAY + timedelta(hours=1))
    await Channel(bot, activities).post(JIRO, TEAM_QUESTION, MONDAY + timedelta(hours=2))
    bot.clock.set(MONDAY + timedelta(days=1))

    # 次郎 is in the team, not in 幹事会: its question is in neither his search nor his summary.
    searched = await ask(bot, connector, activities.personal_message("検索 予算案", from_=JIRO))
    summary = await ask(bot, connector, activities.personal_message("要約", from_=JIRO))
    assert "当てはまるスレッドは見つかりませんでした" in shows(searched)
    assert "Windows Update" in shows(summary) and "予算案" not in shows(summary)
    assert THEIR_POLL not in shows(summary) and THEIR_DAY not in shows(summary)
    offered = await ask(bot, connector, activities.personal_message("参加登録", from_=JIRO))
    assert TEAM_DAY in shows(offered) and THEIR_DAY not in shows(offered)

    # 花子 asked it there, and 幹事会's roster lists her: she finds it.
    found = await ask(bot, connector, activities.personal_message("検索 予算案", from_=HANAKO))
    assert "1 件のスレッドが見つかりました" in shows(found) and "予算案" in shows(found)

    # Once she has left 幹事会, she no longer does: rosters are read again after five minutes
    # (one read serves a crowd pressing buttons meanwhile).
    connector.set_channel_members(PRIVATE, [TARO.roster_member()])
    bot.clock.advance(timedelta(minutes=5, seconds=1))
    gone = await ask(bot, connector, activities.personal_message("検索 予算案", from_=HANAKO))
    assert "当てはまるスレッドは見つかりませんでした" in shows(gone)


async def test_a_shared_channel_sees_only_its_own_days(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    """四郎 (西条市) is in the shared channel, not in the team: the team's day in General is
    not offered to him there, the shared channel's own is."""
    shared = in_channel(activities, SHARED, "shared")
    connector.set_channel_members(SHARED, [u.roster_member() for u in (TARO, HANAKO, SAIJO)])
    bot.clock.set(MONDAY)
    await created(bot, connector, activities.channel_message(f"イベント作成 {TEAM_DAY} 12/17"))
    await created(bot, connector, shared.channel_message("イベント作成 県・市町 意見交換会 12/18"))

    offered = await ask(bot, connector, shared.channel_message("参加登録", from_=SAIJO))
    in_general = await ask(bot, connector, activities.channel_message("参加登録", from_=HANAKO))

    assert "県・市町 意見交換会" in shows(offered) and TEAM_DAY not in shows(offered)
    assert TEAM_DAY in shows(in_general) and "意見交換会" not in shows(in_general)
