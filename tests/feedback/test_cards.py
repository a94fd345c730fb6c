"""The feedback cards keep to what Teams mobile renders, and stay small with many answers."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from cards.feedback import feedback_card, invitation_card, summary_card
from core.i18n import default_catalog
from core.jpcalendar import TOKYO
from dialogs.feedback.inputs import Form
from dialogs.feedback.model import Answer
from dialogs.feedback.summary import summarise
from dialogs.feedback.views import form_view, invitation_view, summary_view
from tests.feedback.fixture import ANSWERS, ATTENDEES, EVENT

JA = default_catalog().translator("ja")
PLAIN = {
    "AdaptiveCard", "TextBlock", "RichTextBlock", "TextRun", "Input.Text", "Input.ChoiceSet",
    "Input.Toggle", "Action.Execute", "ActionSet",
}  # fmt: skip
# Teams refuses a message over about 28 KB.
TEAMS_LIMIT = 28 * 1024


def nodes(card: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "type" in node:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


def test_the_form_uses_plain_elements_and_radio_buttons() -> None:
    card = feedback_card(form_view(EVENT, JA, TOKYO, form=Form.of(ANSWERS[0].answer)), JA)

    assert card["version"] == "1.5"
    assert {node["type"] for node in nodes(card)} <= PLAIN
    choices = {n["id"]: n for n in nodes(card) if n["type"] == "Input.ChoiceSet"}
    assert all(choice["style"] == "expanded" for choice in choices.values())
    assert [c["value"] for c in choices["rating"]["choices"]] == ["5", "4", "3", "2", "1"]
    assert choices["rating"]["isRequired"] and choices["rating"]["value"] == "5"
    assert choices["issues"]["isMultiSelect"] and choices["issues"]["value"] == "equipment"
    assert len(choices["issues"]["choices"]) == 7
    [toggle] = [n for n in nodes(card) if n["type"] == "Input.Toggle"]
    assert (toggle["valueOn"], toggle["valueOff"], toggle["value"]) == ("true", "false", "false")
    texts = [n for n in nodes(card) if n["type"] == "Input.Text"]
    assert all(text["maxLength"] == 2000 for text in texts)


def test_the_invitation_carries_no_input() -> None:
    card = invitation_card(invitation_view(EVENT, JA, TOKYO), JA)

    assert not [n for n in nodes(card) if n["type"].startswith("Input.")]
    [button] = [n for n in nodes(card) if n["type"] == "Action.Execute"]
    assert (button["verb"], button["data"]) == ("feedback.open", {"event_id": EVENT.id})


def test_the_summary_of_five_hundred_long_answers_fits_in_a_teams_message() -> None:
    long = "画面が足りず資料を見比べるのに苦労しました。" * 90  # ~2,000 characters
    many = [
        replace(
            ANSWERS[n % 10],
            person_key=f"p{n}",
            name="とても長い表示名" * 20,
            answer=replace(
                ANSWERS[n % 10].answer, good=long, trouble=long, issue_details=long,
                next_themes=long,
            ),
        )
        for n in range(500)
    ]  # fmt: skip
    summary = summarise(many, [r.person_key for r in ATTENDEES if r.attending])

    longest_title = replace(EVENT, title="長" * 100)

    card = summary_card(summary_view(longest_title, summary, JA, TOKYO, closed=True), JA)

    assert len(json.dumps(card).encode("utf-8")) < TEAMS_LIMIT  # even escaped to ASCII
    assert "ほか 495件" in json.dumps(card, ensure_ascii=False)


def test_a_form_sent_back_with_a_long_text_keeps_it_whole() -> None:
    long = "あ" * 2100
    form = Form.of(Answer(rating=3, good=long))

    card = feedback_card(form_view(EVENT, JA, TOKYO, form=form), JA)

    [good] = [n for n in nodes(card) if n.get("id") == "good"]
    assert good["value"] == long and good["maxLength"] == 2100


def test_an_optional_question_nobody_answered_reads_no_answers_not_zeros() -> None:
    unasked = [
        replace(a, answer=replace(a.answer, again=None, recommend=None, issues=frozenset()))
        for a in ANSWERS
    ]
    summary = summarise(unasked, [r.person_key for r in ATTENDEES if r.attending])

    view = summary_view(EVENT, summary, JA, TOKYO, closed=True)

    sections = dict(view.sections)
    assert sections["また参加したい"] == (("回答なし", ""),)
    assert sections["他の部署にも勧めたい"] == (("回答なし", ""),)
    assert sections["気づいた課題"] == (("回答なし", ""),)
