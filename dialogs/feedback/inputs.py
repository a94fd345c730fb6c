"""Reading an impression from the card's inputs. Only what was filled in is read: who answered
comes from the activity, never from card data.

Two kinds of problems. What a person can get wrong on a real card (no 満足度, a text over
MAX_TEXT_LENGTH) comes back on the form with what they typed. What no real card can send (a
rating outside 1–5, an unknown 課題 or answer, a toggle that is neither on nor off) is a forged
or broken action: refused as a whole, nothing stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from cards.feedback import (
    AGAIN_INPUT,
    ANONYMOUS_INPUT,
    ISSUES_INPUT,
    RATING_INPUT,
    RECOMMEND_INPUT,
    TOGGLE_OFF,
    TOGGLE_ON,
)
from dialogs.feedback.model import MAX_TEXT_LENGTH, RATINGS, Answer, Intent, Issue

FieldName = Literal["rating", "good", "trouble", "issue_details", "next_themes"]
ForgedField = Literal["rating", "issues", "again", "recommend", "anonymous", "text"]
TEXT_INPUTS: tuple[FieldName, ...] = ("good", "trouble", "issue_details", "next_themes")

_ISSUES = {issue.value: issue for issue in Issue}
_INTENTS = {intent.value: intent for intent in Intent}


@dataclass(frozen=True)
class Form:
    """What the card's inputs held, as sent (shown again when something is wrong)."""

    rating: str = ""
    good: str = ""
    trouble: str = ""
    issues: tuple[str, ...] = ()
    issue_details: str = ""
    next_themes: str = ""
    again: str = ""
    recommend: str = ""
    anonymous: bool = False

    @classmethod
    def of(cls, answer: Answer) -> Form:
        return cls(
            rating=str(answer.rating),
            good=answer.good,
            trouble=answer.trouble,
            issues=tuple(issue.value for issue in answer.issues),
            issue_details=answer.issue_details,
            next_themes=answer.next_themes,
            again=answer.again.value if answer.again else "",
            recommend=answer.recommend.value if answer.recommend else "",
            anonymous=answer.anonymous,
        )


@dataclass(frozen=True)
class FieldError:
    """Something the person can fix: `length` is how long their text is."""

    field: FieldName
    code: Literal["missing", "too_long"]
    length: int = 0


@dataclass(frozen=True)
class FormErrors:
    form: Form
    errors: tuple[FieldError, ...]


@dataclass(frozen=True)
class Forged:
    """A value no real card sends: the whole action is refused."""

    field: ForgedField


def read_answer(data: Mapping[str, object]) -> Answer | FormErrors | Forged:
    """The impression in an invoke's data, what the person must fix, or a forged value."""
    texts: dict[str, str] = {}
    for name in TEXT_INPUTS:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            return Forged("text")
        texts[name] = (value or "").strip()
    rating = _rating(data.get(RATING_INPUT))
    if isinstance(rating, Forged):
        return rating
    issues = _issues(data.get(ISSUES_INPUT))
    if isinstance(issues, Forged):
        return issues
    again = _intent(data.get(AGAIN_INPUT), "again")
    if isinstance(again, Forged):
        return again
    recommend = _intent(data.get(RECOMMEND_INPUT), "recommend")
    if isinstance(recommend, Forged):
        return recommend
    anonymous = _toggle(data.get(ANONYMOUS_INPUT))
    if isinstance(anonymous, Forged):
        return anonymous

    errors: list[FieldError] = []
    if rating is None:
        errors.append(FieldError("rating", "missing"))
    for name in TEXT_INPUTS:
        if len(texts[name]) > MAX_TEXT_LENGTH:
            errors.append(FieldError(name, "too_long", len(texts[name])))
    if errors or rating is None:
        form = Form(
            rating=str(rating or ""),
            issues=tuple(issue.value for issue in issues),
            again=again.value if again else "",
            recommend=recommend.value if recommend else "",
            anonymous=anonymous,
            **texts,
        )
        return FormErrors(form, tuple(errors))
    return Answer(
        rating=rating,
        issues=issues,
        again=again,
        recommend=recommend,
        anonymous=anonymous,
        **texts,
    )


def _rating(value: object) -> int | Forged | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return Forged("rating")
    text = str(value).strip()
    if text.isascii() and text.isdigit() and int(text) in RATINGS:
        return int(text)
    return Forged("rating")


def _issues(value: object) -> tuple[Issue, ...] | Forged:
    """A multi-select sends its values comma-separated; kept in the card's order."""
    if value is None or value == "":
        return ()
    if not isinstance(value, str):
        return Forged("issues")
    chosen: set[Issue] = set()
    for part in value.split(","):
        code = part.strip()
        if not code:
            continue
        if code not in _ISSUES:
            return Forged("issues")
        chosen.add(_ISSUES[code])
    return tuple(issue for issue in Issue if issue in chosen)


def _intent(value: object, field: Literal["again", "recommend"]) -> Intent | Forged | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value in _INTENTS:
        return _INTENTS[value]
    return Forged(field)


def _toggle(value: object) -> bool | Forged:
    if value is None or value == "" or value == TOGGLE_OFF or value is False:
        return False
    if value == TOGGLE_ON or value is True:
        return True
    return Forged("anonymous")
