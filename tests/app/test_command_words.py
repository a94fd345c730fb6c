"""The one-line 日程調整 / イベント作成 through the real HTTP endpoint, as the QA report typed them
(the clock: Thu 2026-11-26 10:00 JST): which year a date means, a venue with spaces, and times
that are read or named, never slipped into the title."""

from __future__ import annotations

import pytest

from tests.app.test_event_creation import create_event, input_value
from tests.app.test_first_contact import card_text
from tests.app.test_polls import open_poll
from tests.fakes.connector import FakeConnector
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import Activities


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_yesterday_gets_the_form_asking_for_the_year_and_a_far_date_shows_its_year(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await bot.send(activities.channel_message("イベント作成 第3回IYO WORK 11/25"))
    [form] = await connector.wait_for_sent(1)
    text = card_text(form.card or {})
    assert "「11/25」は過ぎています。来年の日付なら年も書いてください（例: 2027/11/25）。" in text
    assert input_value(form.card or {}, "date") == "11/25"

    # Written as suggested, or a date that passed long ago: next year's, and the year is shown.
    await bot.send(activities.channel_message("イベント作成 第3回IYO WORK 11/11"))
    sent = (await connector.wait_for_sent(3))[1:]
    [post] = [p for p in sent if p.card is not None]
    [confirmation] = [p for p in sent if p.card is None]
    text = card_text(post.card or {})
    assert "2027/11/11(木) 09:00–17:00" in text
    assert "2027/11/10(水) 17:00" in text  # registration closes the business day before
    assert "2027/11/11(木)" in (confirmation.text or "")


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_venue_with_spaces_stays_whole_and_out_of_the_title(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    post = await open_poll(
        bot, activities, connector, "日程調整 第2回IYO WORK 12/10 会場: 松前町役場 3階 大会議室"
    )
    text = card_text(post.card or {})
    assert "松前町役場 3階 大会議室" in text
    assert text.splitlines()[0] == "第2回IYO WORK"


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_english_times_are_read_and_an_unreadable_time_is_named(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    post, _ = await create_event(
        bot,
        activities,
        connector,
        "event Third IYO WORK Dec 10 1pm-5pm venue:Yawatahama City Hall",
    )
    text = card_text(post.card or {})
    assert "12/10(木) 13:00–17:00" in text and "Yawatahama City Hall" in text
    assert "1pm" not in text

    before = len(connector.sent)
    await bot.send(activities.channel_message("日程調整 時刻 12/10 午後 12/11 PM"))
    [form] = (await connector.wait_for_sent(before + 1))[before:]
    text = card_text(form.card or {})
    assert "「12/10 午後」の時刻を読み取れませんでした。" in text
    assert "「12/11 PM」の時刻を読み取れませんでした。" in text
    assert input_value(form.card or {}, "title") == "時刻"
    assert input_value(form.card or {}, "dates") == "12/10 午後\n12/11 PM"
