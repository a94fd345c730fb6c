"""感想 through the real HTTP endpoint: an IYO WORK day ends, the registered participants get
the form in their personal chat and the thread gets one invitation for everyone else; people
answer, change their answer, get one reminder, and at the deadline the summary is posted in
the thread. Anonymous answers show nobody's name or municipality anywhere, and coordinators
get the report (Markdown) and every answer (Excel) through export links."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlalchemy import func, select

from dialogs.events.store import cancel_event
from storage.db import Database
from storage.models import DueTask, FeedbackRow
from tests.app.test_first_contact import card_text
from tests.app.test_polls import invoke_card, selected, task_runner
from tests.app.test_registration import SABURO, a_decided_day, inputs, on_site
from tests.fakes.connector import FakeConnector, Posted
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import GUEST, HANAKO, JIRO, TARO, TEAM, Activities, TeamsUser
from tests.fixtures.outbox import outbox_settled

JST = ZoneInfo("Asia/Tokyo")
A_DAY = "イベント作成 第2回IYO WORK 12/15 会場:松前町役場 定員:2"
ENDS = datetime(2026, 12, 15, 17, 0, tzinfo=JST)
CLOSED = datetime(2026, 12, 23, 0, 0, tzinfo=JST)  # the deadline is 12/22 23:59
SHIRO = TeamsUser("東温 四郎", "29:1user0006-shiro", "aad00000-0000-4000-8000-000000000006", "s@x")


# --- the story's steps ----------------------------------------------------------------------


async def a_day_with_registrations(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> Posted:
    """TARO creates 第2回IYO WORK on 12/15 with two seats: HANAKO (今治市) and SABURO (八幡浜市)
    get them, JIRO (宇和島市) comes online, GUEST waits for a seat. The event's post (the root
    of its thread) comes back."""
    await bot.send(activities.channel_message(A_DAY, from_=TARO))
    sent = await connector.wait_for_sent(2)
    [post] = [p for p in sent if p.card is not None]
    for who, choice in (
        (HANAKO, on_site("imabari", "デジタル推進課")),
        (SABURO, on_site("yawatahama")),
        (JIRO, {"mode": "online", "municipality": "uwajima"}),
        (GUEST, on_site("other")),
    ):
        pressed = activities.invoke_action(
            "event.register",
            {"event_id": 1, **choice},
            from_=who,
            card_activity_id=post.activity_id,
        )
        assert (await bot.send(pressed)).status == 200
    return post


async def the_day_ends(bot: RunningBot, connector: FakeConnector) -> tuple[list[Posted], Posted]:
    """17:00 on the day: the personal forms and the invitation in the thread come back."""
    bot.clock.set(ENDS)
    await task_runner(bot).run_due()
    forms = await sent_matching(connector, is_personal_form, 3)
    [invitation] = await sent_matching(connector, is_invitation, 1)
    return forms, invitation


async def sent_matching(
    connector: FakeConnector, wanted: Callable[[Posted], bool], count: int
) -> list[Posted]:
    """Waits (bounded) until `count` sent messages match, and returns those that do."""
    for _ in range(50):
        found = [p for p in connector.sent if wanted(p)]
        if len(found) >= count:
            return found
        try:
            await connector.wait_for_sent(len(connector.sent) + 1, within=0.2)
        except TimeoutError:
            continue
    raise AssertionError(f"only {len([p for p in connector.sent if wanted(p)])} of {count} sent")


def is_personal_form(posted: Posted) -> bool:
    return posted.conversation_id.startswith("a:") and "rating" in inputs(posted.card or {})


def card_lines(card: dict[str, Any]) -> str:
    """The card's body as it reads, one line per block (a block's runs joined)."""
    lines = []
    for block in card.get("body", []):
        if block.get("type") == "RichTextBlock":
            lines.append("".join(run["text"] for run in block["inlines"]))
        elif "text" in block:
            lines.append(block["text"])
    return "\n".join(lines)


def readable(card: dict[str, Any]) -> str:
    """Every text on a card, the inputs' labels and choices included."""
    return json.dumps(card, ensure_ascii=False)


def is_invitation(posted: Posted) -> bool:
    return posted.conversation_id.startswith(TEAM.id) and "感想を書く" in card_text(
        posted.card or {}
    )


def is_summary(posted: Posted) -> bool:
    in_channel = posted.conversation_id.startswith(TEAM.id)
    return in_channel and "IYO WORK 感想まとめ" in card_text(posted.card or {})


def recipient(connector: FakeConnector, posted: Posted) -> str:
    """The Teams id of the person a personal message went to."""
    for created in connector.created:
        if created.conversation_id == posted.conversation_id and not created.is_group:
            return str(created.members[0]["id"])
    raise AssertionError(f"{posted.conversation_id} is no personal chat the bot opened")


def an_answer(rating: str = "4", **more: str) -> dict[str, str]:
    """The form's inputs as Teams sends them: every input, empty when left alone."""
    fields = {"good": "", "trouble": "", "issues": "", "issue_details": "", "next_themes": ""}
    return {**fields, "again": "", "recommend": "", "anonymous": "false", "rating": rating, **more}


def from_form(
    activities: Activities, form: Posted, verb: str, who: TeamsUser, **data: Any
) -> dict[str, Any]:
    """A press on a form the bot sent to `who`'s personal chat."""
    return activities.invoke_action(
        verb, {"event_id": 1, **data}, from_=who, card_activity_id=form.activity_id, personal=True
    )


def from_thread(
    activities: Activities, card: Posted, verb: str, who: TeamsUser, **data: Any
) -> dict[str, Any]:
    """A press on a card in the event's thread (or one it answered with)."""
    return activities.invoke_action(
        verb,
        {"event_id": 1, **data},
        from_=who,
        card_activity_id=card.activity_id,
        thread=card.reply_to_id or card.activity_id,
    )


async def answer(
    bot: RunningBot, activities: Activities, card: Posted, who: TeamsUser, **inputs: str
) -> dict[str, Any]:
    pressed = from_thread(activities, card, "feedback.submit", who, **an_answer(**inputs))
    return invoke_card(await bot.send(pressed))


async def stored(database: Database) -> list[FeedbackRow]:
    async with database.transaction() as session:
        return list(await session.scalars(select(FeedbackRow).order_by(FeedbackRow.id)))


async def stored_count(database: Database) -> int:
    async with database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(FeedbackRow)) or 0)


def form_for(forms: list[Posted], connector: FakeConnector, who: TeamsUser) -> Posted:
    [form] = [f for f in forms if recipient(connector, f) == who.teams_id]
    return form


# --- the rules ------------------------------------------------------------------------------


async def test_when_the_day_ends_participants_are_asked_personally_and_the_thread_once(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    post = await a_day_with_registrations(bot, activities, connector)
    bot.clock.set(ENDS - timedelta(minutes=1))
    await task_runner(bot).run_due()
    await outbox_settled(database, bot.clock.now())  # whatever the run enqueued has gone out
    assert not [p for p in connector.sent if is_personal_form(p) or is_invitation(p)]

    forms, invitation = await the_day_ends(bot, connector)

    # Those coming (seated or online) are asked; the one still waiting for a seat is not.
    asked = {recipient(connector, form) for form in forms}
    assert asked == {HANAKO.teams_id, SABURO.teams_id, JIRO.teams_id}
    form = forms[0]
    assert "ご参加いただき、ありがとうございました" in (form.text or "")
    assert "12/22(火) 23:59" in (form.text or "")
    text = readable(form.card or {})
    for expected in (
        "満足度", "良かった点", "改善点・困ったこと", "気づいた課題", "機材・画面", "ソフトウェア",
        "ネットワーク", "セキュリティ設定", "小物類（電源・ケーブル等）", "会場", "その他",
        "課題の詳細", "次回やってみたいこと・話したいテーマ", "また参加したいですか", "はい",
        "たぶん", "いいえ", "他の部署にも勧めたいですか", "匿名で回答する", "送信する",
    ):  # fmt: skip
        assert expected in text, expected
    assert set(inputs(form.card or {})) == {
        "rating", "good", "trouble", "issues", "issue_details", "next_themes", "again",
        "recommend", "anonymous",
    }  # fmt: skip
    # One invitation in the event's own thread, carrying nobody's answer.
    assert invitation.reply_to_id == post.activity_id
    assert "参加登録せずに参加した方も" in card_text(invitation.card or {})
    assert not inputs(invitation.card or {})

    # Once: running the tasks again (a restart, another instance) sends nothing more.
    await task_runner(bot).run_due()
    bot.clock.advance(timedelta(hours=1))
    await task_runner(bot).run_due()
    await outbox_settled(database, bot.clock.now())
    assert len([p for p in connector.sent if is_personal_form(p) or is_invitation(p)]) == 4
    async with database.transaction() as session:
        request = await session.scalar(select(DueTask).where(DueTask.kind == "feedback.request"))
    assert request is not None and request.status == "done" and request.attempts == 1


async def test_an_answer_is_kept_and_changed_until_the_deadline(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    await a_day_with_registrations(bot, activities, connector)
    forms, _ = await the_day_ends(bot, connector)
    hanako = form_for(forms, connector, HANAKO)

    first = invoke_card(
        await bot.send(
            from_form(
                activities, hanako, "feedback.submit", HANAKO,
                **an_answer("5", good="隣の席で他の市町の話が聞けた", issues="equipment,supplies",
                            again="yes"),
            )
        )
    )  # fmt: skip
    assert "感想を受け付けました" in card_text(first)
    assert selected(first)["rating"] == "5"
    assert selected(first)["issues"] == "equipment,supplies"
    assert inputs(first)["good"] == "隣の席で他の市町の話が聞けた"

    bot.clock.set(datetime(2026, 12, 22, 23, 58, tzinfo=JST))
    changed = invoke_card(
        await bot.send(from_form(activities, hanako, "feedback.submit", HANAKO, **an_answer("4")))
    )
    assert "回答を変更しました。" in card_text(changed)
    reopened = invoke_card(await bot.send(from_form(activities, hanako, "feedback.open", HANAKO)))
    assert selected(reopened)["rating"] == "4" and inputs(reopened)["good"] == ""

    [row] = await stored(database)
    assert (row.person_key, row.name, row.rating) == (HANAKO.aad_object_id, HANAKO.name, 4)
    assert (row.participation, row.municipality, row.department) == (
        "onsite", "imabari", "デジタル推進課",
    )  # fmt: skip


async def test_after_the_deadline_the_card_says_closed_and_nothing_is_stored(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    await a_day_with_registrations(bot, activities, connector)
    forms, invitation = await the_day_ends(bot, connector)
    bot.clock.set(datetime(2026, 12, 22, 23, 59, tzinfo=JST))

    late = invoke_card(
        await bot.send(
            from_form(
                activities, form_for(forms, connector, JIRO), "feedback.submit", JIRO, **an_answer()
            )
        )
    )
    opened = invoke_card(await bot.send(from_thread(activities, invitation, "feedback.open", TARO)))

    for card in (late, opened):
        assert "感想の受付は 12/22(火) 23:59 に締め切りました。" in card_text(card)
        assert "送信する" not in card_text(card)
    assert await stored_count(database) == 0


async def test_someone_who_did_not_register_answers_from_the_thread_as_unregistered(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    await a_day_with_registrations(bot, activities, connector)
    _, invitation = await the_day_ends(bot, connector)

    form = invoke_card(await bot.send(from_thread(activities, invitation, "feedback.open", SHIRO)))
    assert "満足度" in readable(form)
    done = await answer(bot, activities, invitation, SHIRO, rating="3", next_themes="生成AI")
    waiting = await answer(bot, activities, invitation, GUEST, rating="4")

    assert "感想を受け付けました" in card_text(done) and "感想を受け付けました" in card_text(
        waiting
    )
    rows = {row.person_key: row for row in await stored(database)}
    assert rows[SHIRO.aad_object_id].participation == "unregistered"
    assert rows[GUEST.aad_object_id].participation == "unregistered"  # waiting is not coming


async def test_an_answer_belongs_to_the_sender_whatever_the_card_data_says(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    await a_day_with_registrations(bot, activities, connector)
    _, invitation = await the_day_ends(bot, connector)
    forged: dict[str, str] = {
        "person_key": HANAKO.aad_object_id,
        "from": HANAKO.teams_id,
        "name": HANAKO.name,
        "participation": "onsite",
    }

    await answer(bot, activities, invitation, JIRO, rating="2", **forged)

    [row] = await stored(database)
    assert (row.person_key, row.name, row.participation) == (
        JIRO.aad_object_id, JIRO.name, "online",
    )  # fmt: skip


async def test_a_text_over_2000_characters_is_refused_with_the_limit_and_kept(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    await a_day_with_registrations(bot, activities, connector)
    _, invitation = await the_day_ends(bot, connector)
    long = "モニターが足りない。" * 201  # 2,010 characters

    refused = await answer(
        bot, activities, invitation, HANAKO, rating="3", trouble=long, good="楽しかった"
    )

    text = card_text(refused)
    assert "改善点・困ったことは2000文字以内にしてください（いまは2010文字です）" in text
    assert inputs(refused)["trouble"] == long and inputs(refused)["good"] == "楽しかった"
    assert selected(refused)["rating"] == "3"
    assert await stored_count(database) == 0


async def test_a_forged_rating_or_category_is_refused_and_nothing_is_stored(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    await a_day_with_registrations(bot, activities, connector)
    _, invitation = await the_day_ends(bot, connector)

    for forged in ({"rating": "7"}, {"rating": "0"}, {"issues": "equipment,root_access"}):
        refused = await answer(bot, activities, invitation, HANAKO, **forged)
        assert "カードの内容を読み取れませんでした。回答は保存していません。" in card_text(refused)
        assert "カードを開き直す" in card_text(refused)
    assert await stored_count(database) == 0


async def test_one_reminder_goes_to_registered_participants_who_have_not_answered(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    await a_day_with_registrations(bot, activities, connector)
    _, invitation = await the_day_ends(bot, connector)
    await answer(bot, activities, invitation, HANAKO, rating="5")
    runner = task_runner(bot)

    # The deadline is Tue 12/22: reminded at 09:00 on Fri 12/18, not before.
    bot.clock.set(datetime(2026, 12, 18, 8, 59, tzinfo=JST))
    await runner.run_due()
    await outbox_settled(database, bot.clock.now())  # whatever the run enqueued has gone out
    assert len([p for p in connector.sent if is_personal_form(p)]) == 3
    bot.clock.set(datetime(2026, 12, 18, 9, 0, tzinfo=JST))
    await runner.run_due()

    reminders = (await sent_matching(connector, is_personal_form, 5))[3:]
    assert {recipient(connector, r) for r in reminders} == {SABURO.teams_id, JIRO.teams_id}
    assert all("締切は 12/22(火) 23:59 です" in (r.text or "") for r in reminders)
    bot.clock.set(datetime(2026, 12, 21, 9, 0, tzinfo=JST))
    await runner.run_due()
    await outbox_settled(database, bot.clock.now())
    assert len([p for p in connector.sent if is_personal_form(p)]) == 5  # only one reminder


async def test_at_the_deadline_the_summary_is_posted_and_anonymous_answers_name_nobody(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    post = await a_day_with_registrations(bot, activities, connector)
    _, invitation = await the_day_ends(bot, connector)
    await answer(
        bot, activities, invitation, HANAKO, rating="5", good="隣の席で話せた",
        issues="equipment", again="yes", recommend="yes",
    )  # fmt: skip
    await answer(
        bot, activities, invitation, SABURO, rating="3", trouble="ケーブルを忘れた",
        issues="supplies,equipment", again="maybe", recommend="no", anonymous="true",
    )  # fmt: skip
    await answer(bot, activities, invitation, SHIRO, rating="4", next_themes="生成AI")

    bot.clock.set(CLOSED)
    await task_runner(bot).run_due()
    [summary] = await sent_matching(connector, is_summary, 1)

    assert summary.reply_to_id == post.activity_id
    text = card_lines(summary.card or {})
    assert "12/22(火) 23:59 に回答を締め切りました。" in text
    assert "回答 3名（参加登録者 3名のうち 2名、回答率 67%）" in text
    assert "平均: 4.0" in text
    assert "5点: ■ 1名" in text and "1点: 0名" in text
    assert "機材・画面: 2件" in text and "小物類（電源・ケーブル等）: 1件" in text
    assert "現地: 2名" in text and "オンライン: 0名" in text and "未登録: 1名" in text
    assert "隣の席で話せた" in text and "（今治市 今治 花子）" in text
    assert "ケーブルを忘れた" in text
    assert SABURO.name not in text and "八幡浜市" not in text  # the anonymous answer
    line = next(b for b in (summary.card or {})["body"] if "ケーブルを忘れた" in str(b))
    assert len(line["inlines"]) == 1  # the comment alone: no attribution run after it

    # 感想まとめ shows the same, on request.
    await bot.send(activities.channel_message("感想まとめ", from_=HANAKO))
    [_, again] = await sent_matching(connector, is_summary, 2)
    assert card_lines(again.card or {}) == text


async def test_with_fewer_than_three_answers_the_summary_says_so(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await a_day_with_registrations(bot, activities, connector)
    _, invitation = await the_day_ends(bot, connector)
    await answer(bot, activities, invitation, SABURO, rating="1", good="x", anonymous="true")
    await answer(bot, activities, invitation, HANAKO, rating="5", good="よかった")

    await bot.send(activities.personal_message("感想まとめ", from_=JIRO))
    [summary] = await sent_matching(
        connector, lambda p: "IYO WORK 感想まとめ" in card_text(p.card or {}), 1
    )

    text = card_text(summary.card or {})
    assert "途中経過です（回答の締切: 12/22(火) 23:59）。" in text
    assert "回答 2名（参加登録者 3名のうち 2名、回答率 67%）" in text
    assert "回答が3名以上になると、集計とコメントを表示します" in text
    assert "平均" not in text and "よかった" not in text


async def test_feedback_answers_with_the_latest_day_that_has_ended(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await a_day_with_registrations(bot, activities, connector)
    await bot.send(activities.personal_message("感想", from_=HANAKO))
    [none] = await sent_matching(connector, lambda p: "感想を受け付けた" in (p.text or ""), 1)
    assert "IYO WORK の終了後に受付が始まります" in (none.text or "")

    _, invitation = await the_day_ends(bot, connector)
    await answer(bot, activities, invitation, HANAKO, rating="2", good="画面が小さい")
    await bot.send(activities.personal_message("感想", from_=HANAKO))
    [mine] = await sent_matching(
        connector, lambda p: p.conversation_id.startswith("a:1personal") and p.card is not None, 1
    )
    assert selected(mine.card or {})["rating"] == "2"

    # In the channel everyone sees the card: the invitation, with nobody's answer.
    await bot.send(activities.channel_message("feedback", from_=HANAKO))
    invitations = await sent_matching(connector, is_invitation, 2)
    assert "画面が小さい" not in str(invitations[-1].activity)


async def test_a_cancelled_day_asks_nobody(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    await a_day_with_registrations(bot, activities, connector)
    async with database.transaction() as session:
        assert await cancel_event(session, 1, bot.clock.now())

    bot.clock.set(CLOSED)
    await task_runner(bot).run_due()
    await outbox_settled(database, bot.clock.now())  # whatever the run enqueued has gone out

    assert not [p for p in connector.sent if is_personal_form(p) or is_invitation(p)]
    assert not [p for p in connector.sent if is_summary(p)]
    refused = invoke_card(
        await bot.send(
            activities.invoke_action("feedback.submit", {"event_id": 1, **an_answer()}, from_=JIRO)
        )
    )
    assert "中止になったため" in card_text(refused)
    assert await stored_count(database) == 0


async def test_a_day_decided_from_a_poll_is_asked_about_in_the_poll_thread(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    announcement = await a_decided_day(bot, activities, connector)  # 12/15, 9:00–17:00
    pressed = activities.invoke_action(
        "event.register",
        {"event_id": 1, **on_site("imabari")},
        from_=HANAKO,
        card_activity_id=announcement.activity_id,
        thread=announcement.reply_to_id,
    )
    await bot.send(pressed)

    bot.clock.set(ENDS)
    await task_runner(bot).run_due()

    [form] = await sent_matching(connector, is_personal_form, 1)
    [invitation] = await sent_matching(connector, is_invitation, 1)
    assert recipient(connector, form) == HANAKO.teams_id
    assert invitation.reply_to_id == announcement.reply_to_id  # the poll's thread


async def test_in_english(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await a_day_with_registrations(bot, activities, connector)
    _, invitation = await the_day_ends(bot, connector)

    form = invoke_card(
        await bot.send(
            activities.invoke_action(
                "feedback.open",
                {"event_id": 1},
                from_=JIRO,
                locale="en-US",
                card_activity_id=invitation.activity_id,
                thread=invitation.reply_to_id,
            )
        )
    )
    for text in ("Satisfaction", "What went well", "Security settings", "Answer anonymously"):
        assert text in readable(form)


# --- the report -----------------------------------------------------------------------------


async def test_coordinators_get_the_report_and_every_answer_in_their_personal_chat(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await a_day_with_registrations(bot, activities, connector)
    _, invitation = await the_day_ends(bot, connector)
    await answer(
        bot, activities, invitation, HANAKO, rating="5", good="隣の席で話せた",
        next_themes="=HYPERLINK(\"http://evil.example\",\"x\")",
    )  # fmt: skip
    await answer(
        bot, activities, invitation, SABURO, rating="3", trouble="ケーブルを忘れた",
        anonymous="true",
    )  # fmt: skip
    await answer(bot, activities, invitation, SHIRO, rating="4", issue_details="受付が遠い")

    await bot.send(activities.channel_message("感想レポート", from_=HANAKO))
    [refusal] = await sent_matching(connector, lambda p: "この操作は" in (p.text or ""), 1)
    await bot.send(activities.channel_message("感想レポート", from_=TARO))
    [notice] = await sent_matching(connector, lambda p: "個人チャットに" in (p.text or ""), 1)
    assert "/exports/" not in (notice.text or "") and refusal.card is None

    [links] = await sent_matching(connector, lambda p: "/exports/" in (p.text or ""), 1)
    assert recipient(connector, links) == TARO.teams_id
    assert "第2回IYO WORK" in (links.text or "") and "15分間" in (links.text or "")
    preview = card_text(links.card or {})
    assert "# 第2回IYO WORK 開催報告" in preview and "参加者・会場・参加方法の内訳" in preview
    markdown_url, xlsx_url = re.findall(r"\((https?://[^)\s]+/exports/[^)\s]+)\)", links.text or "")

    markdown = await bot.client.get(urlsplit(markdown_url).path)
    assert markdown.status == 200
    assert markdown.headers["Content-Type"] == "text/markdown; charset=utf-8"
    report = (await markdown.read()).decode("utf-8")
    assert report.startswith("# 第2回IYO WORK 開催報告\n")
    assert "- 参加方法: 現地 2名、オンライン 1名" in report
    assert "- 「隣の席で話せた」（今治市）" in report
    assert "- 「ケーブルを忘れた」\n" in report  # anonymous: no attribution
    assert SABURO.name not in report and HANAKO.name not in report

    workbook = await bot.client.get(urlsplit(xlsx_url).path)
    assert workbook.status == 200
    assert workbook.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(await workbook.read())).active
    assert sheet is not None
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [row[1] for row in rows[1:]] == [HANAKO.name, SHIRO.name, None]
    anonymous = rows[3]
    assert anonymous[:4] == [None, None, None, None] and anonymous[7] == "ケーブルを忘れた"
    assert "八幡浜" not in str(rows) and SABURO.name not in str(rows)
    assert rows[1][10] == '=HYPERLINK("http://evil.example","x")'
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
