"""From events, answers and summaries to the view-models of cards.feedback, in one reader's
language."""

from __future__ import annotations

import dataclasses
from datetime import tzinfo

from cards.feedback import (
    FormValues,
    FormView,
    InvitationView,
    Notice,
    Option,
    Quote,
    QuoteGroup,
    SummaryView,
)
from core.i18n import Translator
from dialogs.attendance.views import municipality_name
from dialogs.events.model import Event
from dialogs.events.views import short_name, when_label
from dialogs.feedback.inputs import FieldError, Form
from dialogs.feedback.model import (
    MAX_TEXT_LENGTH,
    MIN_RESPONSES,
    RATINGS,
    Intent,
    Issue,
    collection_deadline,
)
from dialogs.feedback.summary import SECTIONS, Comment, Summary
from dialogs.polls.views import moment_label

# The channel's summary card shows this many comments per question, each at most this long;
# the report and the spreadsheet have them all, whole.
QUOTES_PER_SECTION = 5
QUOTE_LENGTH = 100
BAR_WIDTH = 10


def deadline_label(event: Event, zone: tzinfo, t: Translator) -> str:
    return moment_label(collection_deadline(event.day, zone), zone, t)


def rating_options(t: Translator) -> tuple[Option, ...]:
    return tuple(Option(str(n), t(f"feedback.ratings.r{n}")) for n in RATINGS)


def issue_options(t: Translator) -> tuple[Option, ...]:
    return tuple(Option(issue.value, t(f"feedback.issues.{issue.value}")) for issue in Issue)


def intent_options(t: Translator) -> tuple[Option, ...]:
    return tuple(Option(intent.value, t(f"feedback.intents.{intent.value}")) for intent in Intent)


def form_values(form: Form | None) -> FormValues:
    if form is None:
        return FormValues()
    return FormValues(
        rating=form.rating,
        good=form.good,
        trouble=form.trouble,
        issues=form.issues,
        issue_details=form.issue_details,
        next_themes=form.next_themes,
        again=form.again,
        recommend=form.recommend,
        anonymous=form.anonymous,
    )


def explain(error: FieldError, t: Translator) -> str:
    if error.code == "missing":
        return t("feedback.errors.rating_missing")
    field = t(f"feedback.fields.{error.field}")
    return t("feedback.errors.too_long", field=field, max=MAX_TEXT_LENGTH, length=error.length)


def form_view(
    event: Event,
    t: Translator,
    zone: tzinfo,
    *,
    form: Form | None = None,
    notices: tuple[Notice, ...] = (),
    errors: tuple[FieldError, ...] = (),
) -> FormView:
    """The form for one reader: `form` is their answer (or what they sent); give it only on
    a card seen by them alone."""
    return FormView(
        event_id=event.id,
        title=event.title,
        when=when_label(event, t),
        deadline=deadline_label(event, zone, t),
        ratings=rating_options(t),
        issues=issue_options(t),
        intents=intent_options(t),
        max_length=MAX_TEXT_LENGTH,
        values=form_values(form),
        notices=notices,
        errors=tuple((error.field, explain(error, t)) for error in errors),
    )


def invitation_view(event: Event, t: Translator, zone: tzinfo) -> InvitationView:
    return InvitationView(
        event_id=event.id,
        title=event.title,
        when=when_label(event, t),
        deadline=deadline_label(event, zone, t),
    )


def percent(value: float) -> str:
    """0.75 → `75`; rounded half up, as people round."""
    return str(int(value * 100 + 0.5))


def average_text(value: float) -> str:
    """One decimal, rounded half up: 4.25 → `4.3`."""
    return f"{int(value * 10 + 0.5) / 10:.1f}"


def responses_text(summary: Summary, t: Translator) -> str:
    if summary.rate is None:
        return t("feedback.summary.responses_no_registered", count=summary.responses)
    return t(
        "feedback.summary.responses",
        count=summary.responses,
        registered=summary.registered,
        answered=summary.registered_responses,
        rate=percent(summary.rate),
    )


def attribution(comment: Comment, t: Translator) -> str | None:
    """`今治市 今治 花子` for a named answer; None for an anonymous one."""
    parts = []
    if comment.municipality:
        parts.append(municipality_name(comment.municipality, t))
    if comment.name:
        parts.append(short_name(comment.name))
    return " ".join(parts) or None


def summary_view(
    event: Event, summary: Summary, t: Translator, zone: tzinfo, *, closed: bool
) -> SummaryView:
    deadline = deadline_label(event, zone, t)
    status = t(
        "feedback.summary.closed" if closed else "feedback.summary.collecting", deadline=deadline
    )
    base = SummaryView(
        title=event.title,
        when=when_label(event, t),
        status=status,
        responses=responses_text(summary, t),
    )
    if not summary.enough or summary.average is None:
        return dataclasses.replace(base, note=t("feedback.summary.too_few", min=MIN_RESPONSES))

    def count(n: int) -> str:
        return t("feedback.summary.count", count=n)

    widest = max((n for _, n in summary.ratings), default=0)
    rating_rows = [(t("feedback.summary.average"), average_text(summary.average))]
    rating_rows += [
        (t("feedback.summary.rating_label", rating=rating), f"{_bar(n, widest)} {count(n)}".strip())
        for rating, n in summary.ratings
    ]
    # A question nobody answered reads 回答なし, not a row of zeros.
    nothing = ((t("feedback.summary.no_answers"), ""),)
    issue_rows = (
        tuple(
            (t(f"feedback.issues.{issue.value}"), t("feedback.summary.issue_count", count=n))
            for issue, n in summary.issues
            if n > 0
        )
        or nothing
    )
    split = tuple(
        (t(f"feedback.participation.{kind.value}"), count(n)) for kind, n in summary.participation
    )

    def intents(counts: tuple[tuple[Intent, int], ...]) -> tuple[tuple[str, str], ...]:
        if not any(n for _, n in counts):
            return nothing
        return tuple((t(f"feedback.intents.{i.value}"), count(n)) for i, n in counts)

    sections = (
        (t("feedback.summary.rating"), tuple(rating_rows)),
        (t("feedback.summary.issues"), issue_rows),
        (t("feedback.summary.participation"), split),
        (t("feedback.summary.again"), intents(summary.again)),
        (t("feedback.summary.recommend"), intents(summary.recommend)),
    )
    quotes = tuple(
        _quotes(t(f"feedback.fields.{section}"), summary.comments_of(section), t)
        for section in SECTIONS
        if summary.comments_of(section)
    )
    return dataclasses.replace(base, sections=sections, quotes=quotes)


def _quotes(heading: str, comments: tuple[Comment, ...], t: Translator) -> QuoteGroup:
    shown = tuple(
        Quote(_shortened(comment.text), attribution(comment, t))
        for comment in comments[:QUOTES_PER_SECTION]
    )
    hidden = len(comments) - len(shown)
    more = t("feedback.summary.more", count=hidden) if hidden > 0 else None
    return QuoteGroup(heading, shown, more)


def _shortened(text: str) -> str:
    return text if len(text) <= QUOTE_LENGTH else text[: QUOTE_LENGTH - 1] + "…"


def _bar(count: int, widest: int) -> str:
    if count == 0 or widest == 0:
        return ""
    return "■" * max(1, round(count * BAR_WIDTH / max(widest, BAR_WIDTH)))
