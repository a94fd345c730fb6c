"""感想まとめ counted: rates against those registered, nothing at all below three answers, and
anonymous comments without any attribution."""

from __future__ import annotations

from dataclasses import replace

from dialogs.feedback.model import Intent, Issue, Participation
from dialogs.feedback.summary import Comment, summarise
from tests.feedback.fixture import ANSWERS, ATTENDEES

COMING = [r.person_key for r in ATTENDEES if r.attending]


def test_ten_answers_counted() -> None:
    summary = summarise(ANSWERS, COMING)

    assert (summary.responses, summary.registered, summary.registered_responses) == (10, 12, 9)
    assert summary.rate == 0.75
    assert summary.average == 4.1
    assert summary.ratings == ((5, 4), (4, 4), (3, 1), (2, 1), (1, 0))
    assert dict(summary.issues) == {
        Issue.EQUIPMENT: 3,
        Issue.SOFTWARE: 0,
        Issue.NETWORK: 2,
        Issue.SECURITY: 2,
        Issue.SUPPLIES: 3,
        Issue.VENUE: 1,
        Issue.OTHER: 1,
    }
    assert dict(summary.participation) == {
        Participation.ONSITE: 7,
        Participation.ONLINE: 2,
        Participation.UNREGISTERED: 1,
    }
    assert dict(summary.again) == {Intent.YES: 8, Intent.MAYBE: 2, Intent.NO: 0}
    assert len(summary.comments_of("good")) == 8 + 1


def test_anonymous_comments_carry_no_name_and_no_municipality() -> None:
    summary = summarise(ANSWERS, COMING)

    trouble = summary.comments_of("trouble")
    assert Comment("電源タップが足りず、充電を気にしながら作業しました。") in trouble
    assert (
        Comment(
            "ノートPCの画面1枚だけだと、資料を見比べながらの作業が大変でした。",
            "今治 花子",
            "imabari",
        )
        in trouble
    )
    anonymous_texts = {a.answer.trouble for a in ANSWERS if a.anonymous and a.answer.trouble}
    for comment in trouble:
        if comment.text in anonymous_texts:
            assert comment == Comment(comment.text)


def test_below_three_answers_nothing_is_counted_or_quoted() -> None:
    summary = summarise(ANSWERS[:2], COMING)

    assert not summary.enough
    assert (summary.responses, summary.registered_responses) == (2, 2)
    assert summary.average is None and summary.ratings == () and summary.comments == ()


def test_nobody_registered_has_no_rate() -> None:
    unregistered = [replace(a, participation=Participation.UNREGISTERED) for a in ANSWERS[:3]]

    summary = summarise(unregistered, [])

    assert summary.rate is None and summary.registered_responses == 0
    assert dict(summary.participation)[Participation.UNREGISTERED] == 3
