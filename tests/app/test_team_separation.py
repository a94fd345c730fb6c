"""Each team's data is kept apart. The bot serves two teams of one tenant: the prefecture's IT
staff (TEAM: TARO, HANAKO, JIRO…) and Matsuyama's DX team (OTHER_TEAM: NANAMI and JIRO). A
command that picks "the next" or "the latest" day, or a day by number or title, finds only the
days of the team it is written in; in a personal chat, only those of the teams the person is
in (by the team's roster)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.app.test_attendees import ask
from tests.app.test_first_contact import card_text
from tests.app.test_registration import on_site
from tests.fakes.connector import FakeConnector, Posted
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import (
    HANAKO,
    JIRO,
    NANAMI,
    OTHER_TEAM,
    TARO,
    Activities,
    TeamsUser,
    add_team,
)

JST = ZoneInfo("Asia/Tokyo")
OURS = "第2回IYO WORK"  # TEAM's day, 12/15
THEIRS = "松山DX勉強会"  # OTHER_TEAM's day, 12/17: later, so "the latest" would pick it
AFTER_BOTH = datetime(2026, 12, 18, 10, 0, tzinfo=JST)


@pytest.fixture
def matsuyama(connector: FakeConnector) -> Activities:
    """Activities in OTHER_TEAM, whose roster is NANAMI (owner) and JIRO."""
    return add_team(connector, OTHER_TEAM, [NANAMI, JIRO])


async def two_days(
    bot: RunningBot, activities: Activities, matsuyama: Activities, connector: FakeConnector
) -> tuple[Posted, Posted]:
    """Each team's coordinator creates a day in their own team; both cards come back."""
    ours = await created(bot, connector, activities.channel_message(f"イベント作成 {OURS} 12/15"))
    theirs = await created(
        bot, connector, matsuyama.channel_message(f"イベント作成 {THEIRS} 12/17", from_=NANAMI)
    )
    assert OURS in card_text(ours.card or {}) and THEIRS in card_text(theirs.card or {})
    return ours, theirs


async def created(bot: RunningBot, connector: FakeConnector, command: dict[str, Any]) -> Posted:
    """A coordinator's one line; the card it posted as a new thread."""
    before = len(connector.sent)
    await bot.send(command)
    sent = await connector.wait_for_sent(before + 2)
    [card] = [p for p in sent[before:] if p.card is not None]
    return card


def register(activities: Activities, card: Posted, who: TeamsUser, event_id: int) -> dict[str, Any]:
    return activities.invoke_action(
        "event.register",
        {"event_id": event_id, **on_site("matsuyama" if who is NANAMI else "imabari")},
        from_=who,
        card_activity_id=card.activity_id,
        thread=card.activity_id,
    )


def shows(posted: Posted) -> str:
    return card_text(posted.card or {}) + (posted.text or "")


async def test_in_a_channel_only_that_teams_day_is_offered(
    bot: RunningBot, activities: Activities, matsuyama: Activities, connector: FakeConnector
) -> None:
    await two_days(bot, activities, matsuyama, connector)

    here = await ask(bot, connector, activities.channel_message("参加登録", from_=HANAKO))
    there = await ask(bot, connector, matsuyama.channel_message("参加登録", from_=NANAMI))

    assert OURS in shows(here) and THEIRS not in shows(here)
    assert THEIRS in shows(there) and OURS not in shows(there)


async def test_in_a_personal_chat_the_days_of_the_persons_own_teams(
    bot: RunningBot, activities: Activities, matsuyama: Activities, connector: FakeConnector
) -> None:
    await two_days(bot, activities, matsuyama, connector)

    hanako = await ask(bot, connector, activities.personal_message("参加登録", from_=HANAKO))
    nanami = await ask(bot, connector, activities.personal_message("参加登録", from_=NANAMI))
    jiro = await ask(bot, connector, activities.personal_message("参加登録", from_=JIRO))

    assert OURS in shows(hanako) and THEIRS not in shows(hanako)
    assert THEIRS in shows(nanami) and OURS not in shows(nanami)
    # JIRO is in both teams: he chooses.
    assert "参加登録する IYO WORK を選んでください" in shows(jiro)
    assert OURS in shows(jiro) and THEIRS in shows(jiro)


async def test_another_teams_day_is_not_found_by_number_or_title(
    bot: RunningBot, activities: Activities, matsuyama: Activities, connector: FakeConnector
) -> None:
    await two_days(bot, activities, matsuyama, connector)

    by_number = await ask(bot, connector, activities.channel_message("参加者一覧 2", from_=TARO))
    by_title = await ask(bot, connector, activities.channel_message("参加者一覧 松山", from_=TARO))
    own = await ask(bot, connector, activities.channel_message("参加者一覧 1", from_=TARO))
    personal = await ask(bot, connector, activities.personal_message("参加者一覧 #2", from_=HANAKO))

    assert "見つかりませんでした" in shows(by_number) and THEIRS not in shows(by_number)
    assert "見つかりませんでした" in shows(by_title)
    assert OURS in shows(own)
    assert "見つかりませんでした" in shows(personal)


async def test_impressions_and_participation_stay_with_their_team(
    bot: RunningBot, activities: Activities, matsuyama: Activities, connector: FakeConnector
) -> None:
    ours, theirs = await two_days(bot, activities, matsuyama, connector)
    assert (await bot.send(register(activities, ours, HANAKO, 1))).status == 200
    assert (await bot.send(register(matsuyama, theirs, NANAMI, 2))).status == 200
    bot.clock.set(AFTER_BOTH)

    summary = await ask(bot, connector, activities.channel_message("感想まとめ", from_=HANAKO))
    form = await ask(bot, connector, activities.personal_message("感想", from_=HANAKO))
    record = await ask(bot, connector, activities.channel_message("参加状況", from_=HANAKO))
    theirs_summary = await ask(
        bot, connector, matsuyama.channel_message("感想まとめ", from_=NANAMI)
    )

    assert OURS in shows(summary) and THEIRS not in shows(summary)
    assert OURS in shows(form) and THEIRS not in shows(form)
    assert "これまでに開催した IYO WORK 1回" in shows(record)
    assert THEIRS in shows(theirs_summary) and OURS not in shows(theirs_summary)


async def test_a_poll_of_another_team_cannot_be_exported(
    bot: RunningBot, activities: Activities, matsuyama: Activities, connector: FakeConnector
) -> None:
    before = len(connector.sent)
    await bot.send(matsuyama.channel_message("日程調整 松山の勉強会 12/10 12/11", from_=NANAMI))
    await connector.wait_for_sent(before + 2)

    latest = await ask(
        bot, connector, activities.channel_message("日程調整 エクスポート", from_=TARO)
    )
    by_number = await ask(
        bot, connector, activities.channel_message("日程調整 エクスポート 1", from_=TARO)
    )

    assert "このチャネルにはエクスポートできる日程調整がありません" in shows(latest)
    assert "見つかりませんでした" in shows(by_number)


async def test_a_forged_button_cannot_reach_another_teams_day_or_poll(
    bot: RunningBot, activities: Activities, matsuyama: Activities, connector: FakeConnector
) -> None:
    """Card buttons name their day or poll by id. Nanami owns Matsuyama's team, not ours: a
    button forged in her channel with our ids finds nothing, coordinator or not."""
    ours, _ = await two_days(bot, activities, matsuyama, connector)
    before = len(connector.sent)
    await bot.send(activities.channel_message("日程調整 第3回IYO WORK 12/21 12/22"))
    await connector.wait_for_sent(before + 2)
    our_event = 1  # the first day created, in TEAM

    def forged(verb: str, data: dict[str, Any], who: TeamsUser = NANAMI) -> dict[str, Any]:
        return matsuyama.invoke_action(verb, data, from_=who)

    for verb, data in (
        ("attendees.details", {"event_id": our_event}),  # 部署 and メモ of our people
        ("event.coordinator", {"event_id": our_event}),
        ("attendees.edit", {"event_id": our_event, "person_name": "花子"}),
        ("poll.coordinator", {"poll_id": 1}),
        ("poll.cancel.confirm", {"poll_id": 1}),
    ):
        answer = await bot.send(forged(verb, data))
        shown = str(answer.body)
        assert "見つかりませんでした" in shown or "not found" in shown.lower(), (verb, shown)

    # A member of her team (Jiro is in both; Nanami is not in ours) cannot answer our poll
    # or register for our day from her team's channel either.
    answered = await bot.send(forged("poll.answer", {"poll_id": 1, "choice_1": "onsite"}))
    assert "見つかりませんでした" in str(answered.body)
    registered = await bot.send(
        forged("event.register", {"event_id": our_event, **on_site("matsuyama")})
    )
    assert "見つかりませんでした" in str(registered.body)
    assert HANAKO.name and TARO.name and ours  # the day is still there, untouched
