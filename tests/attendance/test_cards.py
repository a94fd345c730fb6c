"""What people see: the registration card read back, and the event card's counts and names
by municipality, kept small however many register."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time
from typing import Any

import pytest

from cards.attendance import registration_card
from cards.events import event_card
from core.i18n import default_catalog
from core.jpcalendar import TOKYO
from dialogs.attendance.inputs import Form, FormErrors, read_choice
from dialogs.attendance.model import (
    MUNICIPALITIES,
    Choice,
    Mode,
    Registration,
    Slot,
    Status,
)
from dialogs.attendance.views import form_values, registration_view
from dialogs.events import Event, EventState
from dialogs.events.views import event_view

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=TOKYO)
T = default_catalog().translator("ja")
EN = default_catalog().translator("en")
SNEAKY = "[押して](https://evil.example) **太字** <at>全員</at>"


def an_event(capacity: int | None = 30, title: str = "第2回IYO WORK") -> Event:
    return Event(
        id=7, token="t" * 32, title=title, day=date(2026, 12, 10), start=time(9), end=time(17),
        venue="松前町役場", capacity=capacity,
        meeting_url=None, registration_deadline=datetime(2026, 12, 9, 17, 0, tzinfo=TOKYO),
        state=EventState.OPEN, conversation_id="19:c@thread.tacv2", thread_outbox_id=None,
        poll_id=None, creator_key="taro", locale="ja", created_at=NOW, updated_at=NOW,
    )  # fmt: skip


def someone(
    n: int, status: Status, municipality: str | None, name: str | None = None
) -> Registration:
    mode = {Status.ONLINE: Mode.ONLINE, Status.ABSENT: Mode.ABSENT}.get(status, Mode.ONSITE)
    return Registration(
        event_id=7, person_key=f"p{n}", name=name or f"職員 {n:03d}", mode=mode, slot=Slot.ALLDAY,
        municipality=municipality, department="情報政策課", note="", status=status,
        position=None, created_at=NOW, updated_at=NOW,
    )  # fmt: skip


def texts(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


def markdown_texts(card: dict[str, Any]) -> list[str]:
    """Every string Teams reads as markdown (TextBlock text): user text must not be there."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                found.append(str(node.get("text", "")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


def test_the_event_card_counts_and_groups_names_by_municipality() -> None:
    registered = [
        someone(1, Status.SEATED, "imabari"),
        someone(2, Status.ONLINE, "imabari"),
        someone(3, Status.SEATED, "ehime"),
        someone(4, Status.WAITLISTED, "ozu"),
        someone(5, Status.ABSENT, "ozu"),
        someone(6, Status.ONLINE, None),
    ]
    card = event_card(event_view(an_event(2), T, TOKYO, "https://bot", registered=registered), T)
    text = texts(card)

    assert "現地 2/2名　オンライン 2名　キャンセル待ち 1名" in text
    # In the prefecture's order; the waitlisted and absent are not listed; no 所属 → その他.
    order = [text.index(name) for name in ("愛媛県庁（1）", "今治市（2）", "その他（1）")]
    assert order == sorted(order)
    assert "職員 002（オンライン）" in text
    assert "大洲市" not in text and "職員 004" not in text and "職員 005" not in text
    assert "情報政策課" not in text  # departments stay off the shared card
    [button, coordinator] = [a for a in card["actions"] if a["type"] == "Action.Execute"]
    assert (button["title"], button["verb"], button["data"]) == (
        "参加登録",
        "event.view",
        {"event_id": 7},
    )
    assert (coordinator["verb"], coordinator["data"]) == ("event.coordinator", {"event_id": 7})


def test_two_hundred_people_from_every_municipality_keep_the_card_small() -> None:
    registered = [
        someone(
            n, Status.SEATED if n % 3 else Status.ONLINE, MUNICIPALITIES[n % len(MUNICIPALITIES)]
        )
        for n in range(200)
    ]
    card = event_card(event_view(an_event(None), T, TOKYO, "https://bot", registered=registered), T)

    assert "現地 133名　オンライン 67名" in texts(card)
    assert "キャンセル待ち" not in texts(card)  # no capacity, nobody can wait
    assert len(json.dumps(card).encode()) < 28_000
    assert texts(card).count("職員 ") <= 80 and " 他" in texts(card)


def test_user_text_never_reaches_markdown() -> None:
    event = an_event(title=SNEAKY)
    sneaky = someone(1, Status.SEATED, "matsuyama", name=SNEAKY)
    cards = [
        event_card(event_view(event, T, TOKYO, "https://bot", registered=[sneaky]), T),
        registration_card(
            registration_view(
                event, T, TOKYO, "https://bot", own=sneaky,
                values=form_values(own=replace(sneaky, note=SNEAKY)),
            ),
            T,
        ),
    ]  # fmt: skip
    for card in cards:
        assert all("evil" not in text and "**" not in text for text in markdown_texts(card))
        assert SNEAKY in texts(card)


def test_the_registration_card_in_english_with_its_waitlist_offer() -> None:
    waiting = replace(someone(1, Status.WAITLISTED, "uwajima"), position=3)
    card = registration_card(
        registration_view(an_event(), EN, TOKYO, "https://bot", own=waiting), EN
    )

    assert "number 3 on the waiting list" in texts(card)
    assert "Switch to online" in texts(card)
    assert "Uwajima City" in texts(card) and "Ehime Prefectural Government" in texts(card)
    assert "Add to calendar" not in texts(card)  # not coming yet


def test_every_municipality_has_a_name_in_both_languages() -> None:
    assert len(MUNICIPALITIES) == 22  # 愛媛県庁, 11 cities, 9 towns, その他
    for code in MUNICIPALITIES:
        assert T(f"attendance.municipalities.{code}")
        assert EN(f"attendance.municipalities.{code}")
    assert T("attendance.municipalities.masaki") == "松前町"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"mode": "onsite", "municipality": "toon"}, Choice(Mode.ONSITE, Slot.ALLDAY, "toon")),
        (
            {
                "mode": "online",
                "municipality": "ainan",
                "slot": "am",
                "department": " 総務課 ",
                "note": "x",
            },
            Choice(Mode.ONLINE, Slot.AM, "ainan", "総務課", "x"),
        ),
        ({"mode": "absent"}, Choice(Mode.ABSENT)),  # not coming: no 所属 needed
        ({"mode": "onsite"}, ("municipality_missing",)),
        ({}, ("mode_missing",)),
        ({"mode": "maybe", "municipality": "tokyo"}, ("mode_invalid", "municipality_invalid")),
        ({"mode": "onsite", "municipality": "iyo", "slot": "night"}, ("slot_invalid",)),
        (
            {"mode": "onsite", "municipality": "iyo", "department": "x" * 101, "note": "y" * 501},
            ("department_too_long", "note_too_long"),
        ),
        ({"mode": ["onsite"], "municipality": {"x": 1}}, ("mode_missing",)),
    ],
)
def test_reading_the_cards_inputs(data: dict[str, object], expected: object) -> None:
    read = read_choice(data)
    if isinstance(expected, Choice):
        assert read == expected
    else:
        assert isinstance(read, FormErrors) and read.errors == expected
        assert isinstance(read.form, Form)
