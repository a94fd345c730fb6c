"""Reading the form: what a person can fix comes back with what they typed; what no real card
sends is refused as a whole."""

from __future__ import annotations

from typing import Any

import pytest

from dialogs.feedback.inputs import FieldError, Forged, Form, FormErrors, read_answer
from dialogs.feedback.model import MAX_TEXT_LENGTH, Answer, Intent, Issue


def test_a_full_answer_as_teams_sends_it() -> None:
    data = {
        "event_id": 1,
        "rating": "4",
        "good": "  隣の席で話せた  ",
        "trouble": "画面が1枚",
        "issues": "supplies,equipment",
        "issue_details": "ケーブルがない",
        "next_themes": "生成AI",
        "again": "yes",
        "recommend": "maybe",
        "anonymous": "true",
    }

    assert read_answer(data) == Answer(
        rating=4,
        good="隣の席で話せた",
        trouble="画面が1枚",
        issues=(Issue.EQUIPMENT, Issue.SUPPLIES),  # in the card's order
        issue_details="ケーブルがない",
        next_themes="生成AI",
        again=Intent.YES,
        recommend=Intent.MAYBE,
        anonymous=True,
    )


def test_only_the_rating_is_needed() -> None:
    assert read_answer({"rating": "3", "anonymous": "false"}) == Answer(rating=3)


def test_no_rating_and_a_text_too_long_come_back_with_what_was_typed() -> None:
    long = "あ" * (MAX_TEXT_LENGTH + 1)
    data = {"good": long, "next_themes": "x" * MAX_TEXT_LENGTH, "issues": "venue", "again": "no"}

    result = read_answer(data)

    assert isinstance(result, FormErrors)
    assert result.errors == (
        FieldError("rating", "missing"),
        FieldError("good", "too_long", MAX_TEXT_LENGTH + 1),
    )
    assert result.form == Form(
        good=long, next_themes="x" * MAX_TEXT_LENGTH, issues=("venue",), again="no"
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"rating": "7"}, "rating"),
        ({"rating": "0"}, "rating"),
        ({"rating": "-1"}, "rating"),
        ({"rating": "４"}, "rating"),  # full-width: no real card sends it
        ({"rating": 4.5}, "rating"),
        ({"rating": True}, "rating"),
        ({"rating": "5", "issues": "equipment,hacking"}, "issues"),
        ({"rating": "5", "issues": ["equipment"]}, "issues"),
        ({"rating": "5", "again": "sometimes"}, "again"),
        ({"rating": "5", "recommend": "YES"}, "recommend"),
        ({"rating": "5", "anonymous": "maybe"}, "anonymous"),
        ({"rating": "5", "good": {"text": "x"}}, "text"),
        ({"good": 5}, "text"),
    ],
)
def test_a_value_no_card_sends_is_refused(data: dict[str, Any], field: str) -> None:
    assert read_answer(data) == Forged(field)  # type: ignore[arg-type]


def test_a_rating_sent_as_a_number_is_read() -> None:
    assert read_answer({"rating": 5}) == Answer(rating=5)
