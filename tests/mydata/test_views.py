"""私のデータ's card, built from what is held: everyone's words shown literally, long lists
counted, nothing on the buttons that names whose data it is."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from cards.mydata import VERB_DELETE, VERB_ERASE, VERB_SHOW, confirm_card, mydata_card
from core.i18n import default_catalog
from dialogs.attendance.model import Status
from dialogs.mydata.erasure import Erased
from dialogs.mydata.store import (
    AuditHeld,
    FeedbackHeld,
    Holdings,
    MessagesHeld,
    PollAnswerHeld,
    Profile,
    RegistrationHeld,
    ResolutionHeld,
)
from dialogs.mydata.views import MAX_LINES, confirm_view, erased_view, mydata_view
from tests.app.test_first_contact import card_text

JST = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=JST)
JA = default_catalog().translator("ja")
EN = default_catalog().translator("en")
PROFILE = Profile(
    name="今治 **花子** [link](https://evil.example)",
    teams_id="29:1user0002",
    aad_object_id="aad-2",
    upn=None,
    tenant_id="tenant",
    locale="ja",
    municipality="imabari",
    department="デジタル推進課",
    personal_chat=True,
)


def held(**changes: Any) -> Holdings:
    base: dict[str, Any] = {
        "profile": PROFILE,
        "polls": (),
        "registrations": (),
        "feedback": (),
        "messages": (),
        "audit": (),
    }
    return Holdings(**{**base, **changes})


def blocks(card: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


def test_stored_words_are_shown_literally_never_as_markdown() -> None:
    card = mydata_card(mydata_view(held(), JA, JST, NOW, 24))

    runs = [b["text"] for b in blocks(card) if b.get("type") == "TextRun"]
    markdown = [b["text"] for b in blocks(card) if b.get("type") == "TextBlock"]
    assert PROFILE.name in runs
    assert not any("evil.example" in text for text in markdown)
    assert "今治市" in runs and "デジタル推進課" in runs


def test_a_long_history_is_counted_after_the_first_lines() -> None:
    polls = tuple(PollAnswerHeld(i, f"日程調整 {i}", open=False) for i in range(MAX_LINES + 3))
    text = card_text(mydata_card(mydata_view(held(polls=polls), JA, JST, NOW, 24)))

    assert f"日程調整の回答（{MAX_LINES + 3}件）" in text
    assert f"日程調整 {MAX_LINES - 1}（締切済み）" in text
    assert f"日程調整 {MAX_LINES}（" not in text
    assert "ほか 3件" in text


def test_every_kind_of_data_in_english() -> None:
    everything = held(
        polls=(PollAnswerHeld(1, "Year-end party", open=True),),
        registrations=(
            RegistrationHeld(1, "IYO WORK #2", date(2026, 12, 15), Status.WAITLISTED, True),
        ),
        feedback=(FeedbackHeld(1, "IYO WORK #1", date(2026, 12, 1), anonymous=True),),
        messages=(MessagesHeld("19:general", "Ehime IT", None, 4, general=True),),
        audit=(AuditHeld("export.download", 2), AuditHeld("something.new", 1)),
    )
    text = card_text(mydata_card(mydata_view(everything, EN, JST, NOW, 24)))

    for expected in (
        "Year-end party (open)",
        "IYO WORK #2 Tue 12/15 (waitlisted)",
        "IYO WORK #1 Tue 12/1 (answered anonymously)",
        "Ehime IT (General): 4",
        "Export downloaded: 2",
        "something.new: 1",
        "Imabari",
    ):
        assert expected in text, expected


def test_without_an_entra_id_posts_cannot_be_linked() -> None:
    profile = Profile("x", "29:x", None, None, None, "ja", None, None, False)
    text = card_text(mydata_card(mydata_view(held(profile=profile), JA, JST, NOW, 24)))

    assert "あなたの投稿と結び付けられません" in text


def test_the_buttons_carry_nothing_that_names_whose_data() -> None:
    shown = mydata_card(mydata_view(held(), JA, JST, NOW, 24))
    asked = confirm_card(confirm_view(JA))

    actions = [b for b in blocks(shown) + blocks(asked) if b.get("type") == "Action.Execute"]
    assert {a["verb"] for a in actions} == {VERB_DELETE, VERB_ERASE, VERB_SHOW}
    assert all(a["data"] == {} for a in actions)


def test_what_a_deletion_did_lists_only_what_happened() -> None:
    view = erased_view(Erased(polls_removed=1, messages_deleted=3), JA)

    assert view.lines == (
        "日程調整の回答を取り消しました: 1件",
        "チャネルのメッセージのコピーを削除しました: 3件",
        "所属・部署と個人チャットの接続情報を消去しました。",
    )


def test_solved_marks_name_their_thread_literally_or_say_its_first_post_is_gone() -> None:
    marks = (
        ResolutionHeld("19:general", "1", True, "[急ぎ](https://evil.example) VPN", "愛媛", "一般"),
        ResolutionHeld("19:unknown", "2", False, None, None, None),
    )
    card = mydata_card(mydata_view(held(resolutions=marks), JA, JST, NOW, 24))

    runs = [b["text"] for b in blocks(card) if b.get("type") == "TextRun"]
    assert "・[急ぎ](https://evil.example) VPN（愛媛 / 一般・解決済みにした）" in runs
    assert "・最初の投稿が削除されたスレッド（名前のわからないチャネル・未解決に戻した）" in runs
    assert "スレッドの解決済みの記録（2件）" in card_text(card)
