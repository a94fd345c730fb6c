"""感想レポート: an event's impressions as Markdown, ready to paste into a blog post.

Sections: the day, 参加者・会場・参加方法の内訳 (from the registrations), and 参加者の感想 with
the numbers and the quotes under 良かった点 / 課題 / 次回に向けて. It is meant to be published:
quotes of named answers carry the municipality only (never a person's name), anonymous ones
nothing; below MIN_RESPONSES answers there are neither numbers nor quotes. What people wrote
is escaped, so it reads as text in any Markdown renderer (no links, HTML or emphasis).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import tzinfo

from core.i18n import Translator
from core.jpcalendar import format_date_long, format_time_range
from dialogs.attendance.model import MUNICIPALITIES, OTHER, Registration, Status
from dialogs.attendance.views import municipality_name
from dialogs.events.model import Event
from dialogs.feedback.model import MIN_RESPONSES, Feedback, Intent
from dialogs.feedback.summary import Comment, Summary, summarise
from dialogs.feedback.themes import count_themes
from dialogs.feedback.views import average_text, percent

# Themes named by at least this many people are listed under 次回に向けて.
THEME_MIN_PEOPLE = 2
THEMES_LISTED = 5
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>~|&])")


def report_markdown(
    event: Event,
    attendees: Sequence[Registration],
    answers: Sequence[Feedback],
    t: Translator,
    zone: tzinfo,
) -> str:
    """The report. `attendees` are the event's registrations (only those coming count),
    `answers` its impressions in answer order."""
    coming = [r for r in attendees if r.status in (Status.SEATED, Status.ONLINE)]
    summary = summarise(answers, [r.person_key for r in coming])
    lines = [f"# {t('feedback.report.title', title=escape(event.title))}", ""]
    day = format_date_long(event.day, t.locale, catalog=t.catalog)
    lines += [f"{day} {format_time_range(event.start, event.end)}", ""]
    lines += _breakdown(event, coming, t)
    lines += _impressions(summary, answers, t)
    return "\n".join(lines).rstrip("\n") + "\n"


def escape(text: str, line_break: str = " ") -> str:
    """User text as Markdown that shows exactly that text, on one line (its lines joined by
    `line_break`)."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", line_break.join(line for line in lines if line))


def _breakdown(event: Event, coming: Sequence[Registration], t: Translator) -> list[str]:
    onsite = sum(1 for r in coming if r.status is Status.SEATED)
    online = len(coming) - onsite
    by_place: dict[str, int] = {}
    for registration in coming:
        code = registration.municipality if registration.municipality in MUNICIPALITIES else OTHER
        by_place[code or OTHER] = by_place.get(code or OTHER, 0) + 1
    separator = t("feedback.report.separator")
    places = separator.join(
        t("feedback.report.count_of", label=municipality_name(code, t), count=by_place[code])
        for code in MUNICIPALITIES
        if code in by_place
    )
    modes = separator.join(
        (
            t("feedback.report.count_of", label=t("feedback.participation.onsite"), count=onsite),
            t("feedback.report.count_of", label=t("feedback.participation.online"), count=online),
        )
    )
    lines = [f"## {t('feedback.report.breakdown')}", ""]
    lines.append(f"- {t('feedback.report.participants', count=len(coming))}")
    venue = escape(event.venue) if event.venue else t("feedback.report.no_venue")
    lines.append(f"- {t('feedback.report.venue', venue=venue)}")
    lines.append(f"- {t('feedback.report.modes', modes=modes)}")
    if places:
        lines.append(f"- {t('feedback.report.municipalities', places=places)}")
    return [*lines, ""]


def _impressions(summary: Summary, answers: Sequence[Feedback], t: Translator) -> list[str]:
    lines = [f"## {t('feedback.report.impressions')}", ""]
    if summary.rate is None:
        lines += [t("feedback.report.responses_no_registered", count=summary.responses), ""]
    else:
        lines += [
            t(
                "feedback.report.responses",
                count=summary.responses,
                registered=summary.registered,
                answered=summary.registered_responses,
                rate=percent(summary.rate),
            ),
            "",
        ]
    if not summary.enough or summary.average is None:
        return [*lines, t("feedback.report.too_few", min=MIN_RESPONSES), ""]
    separator = t("feedback.report.separator")

    def counted(pairs: Sequence[tuple[str, int]]) -> str:
        return separator.join(
            t("feedback.report.count_of", label=label, count=n) for label, n in pairs
        )

    ratings = separator.join(
        t("feedback.report.rating_count", rating=rating, count=n) for rating, n in summary.ratings
    )
    split = counted([(t(f"feedback.participation.{k.value}"), n) for k, n in summary.participation])

    def intents(pairs: Sequence[tuple[Intent, int]]) -> str:
        if not any(n for _, n in pairs):  # an optional question nobody answered
            return t("feedback.summary.no_answers")
        return counted([(t(f"feedback.intents.{i.value}"), n) for i, n in pairs])

    lines += [
        "- "
        + t("feedback.report.satisfaction", average=average_text(summary.average), ratings=ratings),
        f"- {t('feedback.report.split', split=split)}",
        f"- {t('feedback.report.again', counts=intents(summary.again))}",
        f"- {t('feedback.report.recommend', counts=intents(summary.recommend))}",
        "",
    ]

    lines += [f"### {t('feedback.report.good')}", ""]
    lines += _quotes(summary.comments_of("good"), t)

    lines += [f"### {t('feedback.report.issues')}", ""]
    named = [(t(f"feedback.issues.{i.value}"), n) for i, n in summary.issues if n > 0]
    named.sort(key=lambda pair: -pair[1])  # stable: the card's order among equals
    if named:
        counts = separator.join(
            t("feedback.report.issue_count", label=label, count=n) for label, n in named
        )
        lines += [t("feedback.report.issue_counts", counts=counts), ""]
    lines += _quotes(summary.comments_of("trouble") + summary.comments_of("issue_details"), t)

    lines += [f"### {t('feedback.report.next')}", ""]
    themes = [
        (theme, n)
        for theme, n in count_themes(
            [(f.person_key, f.answer.next_themes) for f in answers], limit=THEMES_LISTED
        )
        if n >= THEME_MIN_PEOPLE
    ]
    if themes:
        listed = separator.join(
            t("feedback.report.theme", theme=escape(theme), count=n) for theme, n in themes
        )
        lines += [t("feedback.report.themes", themes=listed), ""]
    lines += _quotes(summary.comments_of("next_themes"), t)
    return lines


def _quotes(comments: Sequence[Comment], t: Translator) -> list[str]:
    if not comments:
        return [t("feedback.report.no_quotes"), ""]
    lines = []
    for comment in comments:
        text = escape(comment.text, t("feedback.report.line_break"))
        quote = t("feedback.report.quote", text=text)
        if comment.municipality:
            where = municipality_name(comment.municipality, t)
            quote += t("feedback.report.from", municipality=where)
        lines.append(f"- {quote}")
    return [*lines, ""]
