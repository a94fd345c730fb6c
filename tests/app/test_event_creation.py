"""イベント作成 through the real HTTP endpoint: a coordinator creates an IYO WORK day with one line
(or the form), and it appears in the channel as its own thread, with a calendar link that
works. Whatever is wrong comes back on the form, with what was typed kept."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import icalendar
import pytest
from sqlalchemy import select

from core.settings import Settings
from storage.db import Database
from storage.models import EventRow, OutboxMessage
from tests.app.test_first_contact import card_text
from tests.app.test_polls import invoke_card
from tests.fakes.connector import FakeConnector, Posted
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import HANAKO, TARO, TEAM, Activities

ONE_LINE = "イベント作成 第3回IYO WORK 2027/1/20 10:00-16:00 会場:八幡浜市役所 定員:8"


async def create_event(
    bot: RunningBot, activities: Activities, connector: FakeConnector, text: str = ONE_LINE
) -> tuple[Posted, Posted]:
    """A coordinator writes the one line: the event's own thread and the confirmation."""
    await bot.send(activities.channel_message(text, from_=TARO))
    sent = await connector.wait_for_sent(2)
    [post] = [p for p in sent if p.card is not None]
    [confirmation] = [p for p in sent if p.card is None]
    return post, confirmation


def link(card: dict[str, Any], title: str) -> str:
    for action in card.get("actions", []):
        if action["type"] == "Action.OpenUrl" and action["title"] == title:
            return str(action["url"])
    raise AssertionError(f"no link {title!r}")


def input_value(card: dict[str, Any], input_id: str) -> str:
    for element in card["body"]:
        if element.get("id") == input_id:
            return str(element.get("value", ""))
    raise AssertionError(f"no input {input_id}")


async def test_a_coordinator_creates_an_event_with_one_line(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    post, confirmation = await create_event(bot, activities, connector)

    # Its own thread in the channel, not a reply to the command.
    assert post.reply_to_id is None
    assert post.conversation_id.startswith(TEAM.id)
    text = card_text(post.card or {})
    for expected in ("第3回IYO WORK", "1/20(水) 10:00–16:00", "八幡浜市役所", "8名"):
        assert expected in text
    assert "1/19(火) 17:00" in text  # registration closes the business day before
    assert "第3回IYO WORK" in (confirmation.text or "")
    assert "投稿しました" in (confirmation.text or "")

    # The calendar link on the card downloads the event.
    calendar = await bot.get(urlsplit(link(post.card or {}, "カレンダーに追加")).path)
    assert calendar.status == 200
    [vevent] = icalendar.Calendar.from_ical(calendar.body).walk("VEVENT")
    assert vevent["SUMMARY"] == "第3回IYO WORK"
    assert vevent["LOCATION"] == "八幡浜市役所"

    # The event knows its thread: the post that was just sent.
    async with database.transaction() as session:
        event = await session.scalar(select(EventRow))
        assert event is not None and event.thread_outbox_id is not None
        thread = await session.get(OutboxMessage, event.thread_outbox_id)
    assert thread is not None and thread.sent_activity_id == post.activity_id
    assert (event.poll_id, event.creator_key) == (None, TARO.aad_object_id)


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_the_form_alone_then_filled_in_with_a_meeting_url(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await bot.send(activities.channel_message("イベント作成"))
    [form] = await connector.wait_for_sent(1)
    assert "IYO WORK（イベント）を作成" in card_text(form.card or {})
    assert input_value(form.card or {}, "meeting_url") == ""

    wrong = {"title": "研修", "date": "2/30", "venue": "", "meeting_url": "http://example.com/m"}
    retry = invoke_card(
        await bot.send(
            activities.invoke_action("event.create", wrong, card_activity_id=form.activity_id)
        )
    )
    assert "「2/30」という日付はありません" in card_text(retry)
    assert "https:// で始まるURL" in card_text(retry)
    assert input_value(retry, "date") == "2/30"
    assert input_value(retry, "meeting_url") == "http://example.com/m"

    right = {**wrong, "date": "12/10 13:00-17:00", "meeting_url": "https://example.com/m"}
    done = invoke_card(
        await bot.send(
            activities.invoke_action("event.create", right, card_activity_id=form.activity_id)
        )
    )
    assert "IYO WORK「研修」" in card_text(done)
    [_, post] = await connector.wait_for_sent(2)
    assert post.reply_to_id is None
    assert "12/10(木) 13:00–17:00" in card_text(post.card or {})
    # The link goes to those registered online: the channel's card only says there is one.
    assert "あり（オンラインで登録した人にURLをお知らせします）" in card_text(post.card or {})
    assert "オンラインで参加" not in str(post.card)
    online = {"event_id": 1, "mode": "online", "municipality": "imabari"}
    registered = invoke_card(
        await bot.send(activities.invoke_action("event.register", online, from_=HANAKO))
    )
    assert link(registered, "オンラインで参加") == "https://example.com/m"
    own = invoke_card(
        await bot.send(activities.invoke_action("event.card.own", {"event_id": 1}, from_=HANAKO))
    )
    assert link(own, "オンラインで参加") == "https://example.com/m"


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("研修 2026/11/20", "「2026/11/20」(2026年11月20日(金)) は過ぎています。"),
        ("研修 2/30", "「2/30」という日付はありません。"),
        ("研修 会場:松前町役場", "開催日を入力してください。"),
        ("研修 1/20 1/21", "開催日は1つだけ書いてください（いまは2つです: 1/20, 1/21）。"),
        ("研修 1/20 16:00-10:00", "終了は開始より後にしてください。"),
        ("研修 1/20 定員:0", "定員「0」は 1〜1000 の整数で入力してください。"),
        ("研修 1/20 URL:http://example.com", "会議URL「http://example.com」は使えません。"),
        (
            "研修 1/20 10:00 締切:1/20 12:00",
            "締切「1/20 12:00」(2027年1月20日(水) 12:00) が開始 2027年1月20日(水) 10:00 より後",
        ),
        ("研修 1/20 締切:2026/11/25 17:00", "締切「2026/11/25 17:00」"),
    ],
)
async def test_bad_input_gets_the_form_saying_what_is_wrong(
    bot: RunningBot, activities: Activities, connector: FakeConnector, typed: str, said: str
) -> None:
    await bot.send(activities.channel_message(f"イベント作成 {typed}"))

    [form] = await connector.wait_for_sent(1)
    text = card_text(form.card or {})
    assert "入力内容を確認してください。" in text
    assert said in text
    assert input_value(form.card or {}, "title") == "研修"


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_title_over_a_hundred_characters_is_kept_on_the_form(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await bot.send(activities.channel_message("イベント作成 " + "長" * 101 + " 1/20"))

    [form] = await connector.wait_for_sent(1)
    assert "タイトルは100文字以内にしてください（いまは101文字です）。" in card_text(
        form.card or {}
    )
    assert input_value(form.card or {}, "title") == "長" * 101
    assert input_value(form.card or {}, "date") == "1/20"


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_holiday_is_allowed_and_pointed_out(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    post, confirmation = await create_event(
        bot, activities, connector, "イベント作成 新年の IYO WORK 2027/1/11"
    )

    assert "1/11(月・祝) 09:00–17:00" in card_text(post.card or {})
    assert "1/11(月・祝) は成人の日で、役所はお休みの日です。" in (confirmation.text or "")


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_someone_who_is_not_a_coordinator_is_refused_politely(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await bot.send(activities.channel_message(ONE_LINE, from_=HANAKO))

    [refusal] = await connector.wait_for_sent(1)
    assert "コーディネーター" in (refusal.text or "")
    assert refusal.card is None

    pressed = await bot.send(
        activities.invoke_action("event.create", {"title": "研修", "date": "1/20"}, from_=HANAKO)
    )
    assert pressed.status == 200
    assert "コーディネーター" in str(pressed.body["value"])
    assert len(connector.sent) == 1  # nothing was posted


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_in_english(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await bot.send(
        activities.channel_message(
            "event 3rd IYO WORK 2027/1/20 10:00-16:00 venue:Yawatahama capacity:8",
            locale="en-US",
        )
    )
    sent = await connector.wait_for_sent(2)
    [post] = [p for p in sent if p.card is not None]
    [confirmation] = [p for p in sent if p.card is None]

    text = card_text(post.card or {})
    assert "3rd IYO WORK" in text
    assert "Wed 1/20 10:00–16:00" in text
    assert "Yawatahama" in text
    assert 'Posted the IYO WORK day "3rd IYO WORK"' in (confirmation.text or "")


@pytest.mark.parametrize("backend", ["sqlite"])
class TestInAPersonalChat:
    """Taro named a coordinator by the administrator, so he is one outside the team too."""

    @pytest.fixture
    def bot_settings(self, database_url: str) -> Settings:
        return Settings(  # type: ignore[call-arg]
            DATABASE_URL=database_url, MicrosoftAppId="", COORDINATOR_IDS=TARO.aad_object_id
        )

    async def test_the_event_is_created_in_a_channel_which_is_said_before_any_form(
        self, bot: RunningBot, activities: Activities, connector: FakeConnector
    ) -> None:
        await bot.send(activities.personal_message("イベント作成"))
        [first] = await connector.wait_for_sent(1)
        assert first.card is None
        assert "チームのチャネルで作成してください" in (first.text or "")

        await bot.send(activities.personal_message(ONE_LINE))
        [_, answer] = await connector.wait_for_sent(2)
        assert "チームのチャネルで作成してください" in (answer.text or "")
