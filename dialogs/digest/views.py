"""A digest's content worded in the channel's language: the view of cards.digest (and of the
Markdown preview), and the settings card's view."""

from __future__ import annotations

import datetime as dt

from cards.attendance import VERB_VIEW as VERB_REGISTER_OPEN
from cards.digest import Button, DigestView, Line, Option, SectionView, SettingsView
from core.i18n import LOCALES, Translator
from core.jpcalendar import format_date, format_date_marked, format_time, local_date
from dialogs.digest.content import DigestContent, EventItem, FeedbackItem, PollItem
from dialogs.digest.settings import (
    POST_TIMES,
    UNANSWERED_DAYS,
    WEEKDAYS,
    DigestSettings,
    Section,
)
from dialogs.digest.store import FAILED, Digest
from dialogs.digest.threads import Health, ThreadItem, ThreadsContent
from dialogs.events.views import when_label
from dialogs.feedback.views import average_text, responses_text
from dialogs.polls.views import moment_label
from dialogs.summaries import ThreadStatus
from dialogs.summaries.views import person_label

_STATUS_COLORS = {
    ThreadStatus.UNANSWERED: "Attention",
    ThreadStatus.ANSWERED: "Accent",
    ThreadStatus.SOLVED: "Good",
}


def period_text(start: dt.datetime, end: dt.datetime, zone: dt.tzinfo, t: Translator) -> str:
    """`11/30(月)〜12/7(月)`."""
    first = format_date(local_date(start, zone), t.locale, catalog=t.catalog)
    last = format_date(local_date(end, zone), t.locale, catalog=t.catalog)
    return t("digest.card.period", start=first, end=last)


def digest_view(
    content: DigestContent,
    t: Translator,
    zone: dt.tzinfo,
    *,
    marker: str | None = None,
    preview: bool = False,
) -> DigestView:
    sections: list[SectionView] = []
    notices = [_problem(digest, zone, t) for digest in content.problems]
    threads = content.threads
    if threads is not None:
        if threads.health is Health.MISSING:
            notices.append(t("digest.notice.threads_missing"))
        else:
            if threads.health is Health.LIVE_ONLY:
                notices.append(t("threads.history_unavailable"))
            sections.extend(_thread_sections(threads, content.settings, t))
    if content.event is not None:
        sections.append(_event(content.event, zone, t))
    if content.polls:
        sections.append(_polls(content.polls, zone, t))
    if content.feedback is not None:
        sections.append(_feedback(content.feedback, t))
    return DigestView(
        title=t("digest.card.title"),
        period=period_text(content.period_start, content.period_end, zone, t),
        sections=tuple(sections),
        notices=tuple(notices),
        footer=t("digest.card.footer"),
        marker=marker,
        preview_note=t("digest.card.preview_note") if preview else None,
    )


def quiet_text(content: DigestContent, zone: dt.tzinfo, t: Translator) -> str:
    period = period_text(content.period_start, content.period_end, zone, t)
    return t("digest.card.quiet", period=period)


def _problem(digest: Digest, zone: dt.tzinfo, t: Translator) -> str:
    day = format_date(digest.due_date, t.locale, catalog=t.catalog)
    return t("digest.notice.failed" if digest.status == FAILED else "digest.notice.unresolved",
             date=day)  # fmt: skip


def _thread_sections(
    threads: ThreadsContent, settings: DigestSettings, t: Translator
) -> list[SectionView]:
    sections = []
    if settings.shows(Section.NEW_THREADS) and (threads.new_count or threads.most_active):
        sections.append(
            SectionView(
                t("digest.new_threads.title", count=threads.new_count),
                lines=tuple(_thread(item, t) for item in threads.most_active),
            )
        )
    if threads.unanswered:
        sections.append(
            SectionView(
                t("digest.unanswered.title", days=settings.unanswered_days),
                lines=tuple(_unanswered(item, t) for item in threads.unanswered),
            )
        )
    if threads.solved:
        sections.append(
            SectionView(
                t("digest.solved.title", count=threads.solved_count),
                lines=tuple(_thread(item, t) for item in threads.solved),
            )
        )
    if threads.keywords:
        separator = t("digest.card.separator")
        sections.append(
            SectionView(t("digest.keywords.title"), summary=separator.join(threads.keywords))
        )
    return sections


def _asker(item: ThreadItem, t: Translator) -> str:
    """As 要約 writes a person: 今治 花子（今治市）."""
    return person_label(t, item.asker_name, item.asker_municipality)


def _thread(item: ThreadItem, t: Translator) -> Line:
    return Line(
        text=item.question,
        url=item.url,
        badge=t(f"digest.status.{item.status.value}"),
        badge_color=_STATUS_COLORS[item.status],
        detail=t("digest.new_threads.detail", asker=_asker(item, t), replies=item.reply_count),
    )


def _unanswered(item: ThreadItem, t: Translator) -> Line:
    similar = item.similar
    return Line(
        text=item.question,
        url=item.url,
        detail=t("digest.unanswered.detail", asker=_asker(item, t), days=item.waiting_days),
        hint_label=t("digest.unanswered.similar") if similar else None,
        hint=Line(similar.question, similar.url) if similar else None,
    )


def _event(item: EventItem, zone: dt.tzinfo, t: Translator) -> SectionView:
    event = item.event
    facts = [when_label(event, t)]
    if event.venue:
        facts.append(t("digest.event.venue", venue=event.venue))
    counts = [t("digest.event.counts", seated=item.seated, online=item.online)]
    left = item.seats_left
    if left is None:
        counts.append(t("digest.event.no_limit"))
    elif left > 0:
        counts.append(t("digest.event.seats_left", count=left))
    else:
        counts.append(t("digest.event.full", count=item.waitlisted))
    separator = t("digest.card.separator")
    lines = [Line(event.title, item.url, detail=separator.join(facts))]
    summary = separator.join(counts)
    buttons: list[Button] = []
    if item.registration_open:
        buttons.append(
            Button(
                t("digest.event.register"),
                verb=VERB_REGISTER_OPEN,
                data={"event_id": event.id},
                positive=True,
            )
        )
    else:
        summary = f"{summary}{separator}{t('digest.event.closed')}"
    if item.url:
        buttons.append(Button(t("digest.event.open"), url=item.url))
    return SectionView(t("digest.event.title"), tuple(lines), summary, tuple(buttons))


def _polls(polls: tuple[PollItem, ...], zone: dt.tzinfo, t: Translator) -> SectionView:
    lines = []
    for poll in polls:
        if poll.deadline is not None:
            deadline = moment_label(poll.deadline, zone, t)
            detail = t("digest.polls.detail", answers=poll.answers, deadline=deadline)
        else:
            detail = t("digest.polls.detail_no_deadline", answers=poll.answers)
        lines.append(Line(poll.title, poll.url, detail=detail))
    return SectionView(t("digest.polls.title"), tuple(lines))


def _feedback(item: FeedbackItem, t: Translator) -> SectionView:
    summary = item.summary
    day = format_date_marked(item.event.day, t.locale, catalog=t.catalog)
    parts = [responses_text(summary, t)]
    if summary.enough and summary.average is not None:
        parts.append(t("digest.feedback.average", average=average_text(summary.average)))
    separator = t("digest.card.separator")
    line = Line(
        t("digest.feedback.event", title=item.event.title, day=day), detail=separator.join(parts)
    )
    themes = None
    if summary.enough and item.themes:
        named = separator.join(
            t("digest.feedback.theme", theme=theme, count=count) for theme, count in item.themes
        )
        themes = t("digest.feedback.themes", themes=named)
    return SectionView(t("digest.feedback.title"), (line,), after=themes)


# --- settings ---------------------------------------------------------------------------------


def settings_view(
    settings: DigestSettings,
    t: Translator,
    *,
    channel: str | None,
    next_post: dt.datetime | None,
    zone: dt.tzinfo,
    notice: str | None = None,
    notice_color: str = "Good",
) -> SettingsView:
    weekday_names = t.list("calendar.weekday_names")
    when = None
    if next_post is not None and settings.enabled:
        local = next_post.astimezone(zone)
        day = format_date_marked(local.date(), t.locale, catalog=t.catalog)
        when = t("digest.settings.next_post", when=f"{day} {format_time(local.time())}")
    return SettingsView(
        channel=channel,
        enabled=settings.enabled,
        weekday=str(settings.weekday),
        time=format_time(settings.post_time),
        locale=settings.locale,
        sections=tuple(section.value for section in settings.sections),
        unanswered_days=str(settings.unanswered_days),
        weekdays=tuple(Option(str(day), weekday_names[day]) for day in WEEKDAYS),
        times=tuple(Option(format_time(time), format_time(time)) for time in POST_TIMES),
        locales=tuple(Option(locale, t(f"digest.settings.locales.{locale}")) for locale in LOCALES),
        section_options=tuple(
            Option(section.value, t(f"digest.sections.{section.value}")) for section in Section
        ),
        days=tuple(
            Option(str(days), t("digest.settings.days", days=days)) for days in UNANSWERED_DAYS
        ),
        next_post=when,
        notice=notice,
        notice_color=notice_color,
    )
