"""Synopses, search hits and suggestions as the cards' view-models, in the reader's language."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import timedelta, tzinfo
from typing import Any

from cards.common import Card
from cards.summaries import (
    MAX_CARD_BYTES,
    VERB_MORE,
    VERB_RESOLVE,
    Button,
    PeopleView,
    PersonRow,
    ThreadListView,
    ThreadRow,
    card_size,
    thread_list_card,
)
from core.i18n import Translator
from core.jpcalendar import format_date, local_date
from dialogs.summaries.model import ThreadStatus, ThreadSynopsis
from dialogs.summaries.periods import Period
from dialogs.summaries.search import SearchHit, Suggestion

PAGE_SIZE = 8


def municipality_name(t: Translator, code: str | None) -> str | None:
    """The 参加登録 code (imabari) as its name (今治市)."""
    if not code:
        return None
    key = f"attendance.municipalities.{code}"
    return t(key) if key in t.catalog.keys(t.locale) else None


def person_label(t: Translator, name: str, municipality: str | None) -> str:
    place = municipality_name(t, municipality)
    return t("summaries.card.person", name=name, municipality=place) if place else name


def period_label(t: Translator, period: Period, zone: tzinfo) -> str:
    """The period in words with its first and last day; a period over about half a year long
    shows both days' years (366 days: 2025/11/25〜2026/11/26, not 11/25〜11/26)."""
    first_day, last_day = local_date(period.since, zone), local_date(period.until, zone)
    first = format_date(first_day, t.locale, catalog=t.catalog, near=last_day)
    last = format_date(last_day, t.locale, catalog=t.catalog, near=first_day)
    if period.kind == "month":
        return t("summaries.period.month", year=period.year, month=period.month)
    if period.kind == "this_month":
        return t("summaries.period.this_month", start=first, end=last)
    if period.kind in ("today", "yesterday"):
        return t(f"summaries.period.{period.kind}", start=first)
    if period.kind == "this_week":
        return t("summaries.period.this_week", start=first, end=last)
    if period.kind == "last_week":
        # It ends at Monday 00:00: the last day shown is the Sunday before.
        sunday = local_date(period.until, zone) - timedelta(days=1)
        end = format_date(sunday, t.locale, catalog=t.catalog)
        return t("summaries.period.last_week", start=first, end=end)
    return t("summaries.period.days", days=period.days, start=first, end=last)


def page_data(period: Period, offset: int) -> dict[str, Any]:
    return {
        "since": period.since.isoformat(),
        "until": period.until.isoformat(),
        "kind": period.kind,
        "days": period.days,
        "year": period.year,
        "month": period.month,
        "offset": offset,
    }


def _row(
    t: Translator,
    synopsis: ThreadSynopsis,
    zone: tzinfo,
    *,
    detail: str | None,
    detail_label: str,
    back: dict[str, Any] | None,
    channel: str | None = None,
) -> ThreadRow:
    asked = format_date(local_date(synopsis.created_at, zone), t.locale, catalog=t.catalog)
    meta = t(
        "summaries.card.meta",
        asker=person_label(t, synopsis.asker_name, synopsis.asker_municipality),
        replies=synopsis.reply_count,
        date=asked,
    )
    if channel:  # threads of several channels on one card (a personal chat's)
        meta = t("summaries.card.meta_channel", channel=channel, meta=meta)
    button = None
    if back is not None:
        solved = synopsis.status is ThreadStatus.SOLVED
        button = Button(
            t("summaries.card.reopen" if solved else "summaries.card.resolve"),
            VERB_RESOLVE,
            {
                "channel_id": synopsis.channel_id,
                "root_id": synopsis.root_id,
                "resolved": not solved,
                "back": back,
            },
        )
    return ThreadRow(
        status=synopsis.status.value,
        status_label=t(f"summaries.status.{synopsis.status.value}"),
        question=synopsis.question,
        detail=detail,
        detail_label=detail_label,
        meta=meta,
        url=synopsis.web_url,
        open_label=t("summaries.card.open"),
        button=button,
    )


def summary_card(
    t: Translator,
    synopses: Sequence[ThreadSynopsis],
    period: Period,
    zone: tzinfo,
    *,
    offset: int,
    channels: Mapping[str, str] | None = None,
    notices: Sequence[str] = (),
) -> Card:
    """One page of the summary: counts by status, then the threads from `offset`, as many as
    fit (at most PAGE_SIZE and under the card size limit), and もっと見る for the rest."""
    counts = Counter(s.status for s in synopses)
    total = len(synopses)
    offset = min(max(offset, 0), max(total - 1, 0))
    title = t("summaries.card.title", period=period_label(t, period, zone))
    summary = t(
        "summaries.card.counts",
        total=total,
        unanswered=counts[ThreadStatus.UNANSWERED],
        answered=counts[ThreadStatus.ANSWERED],
        solved=counts[ThreadStatus.SOLVED],
    )
    back = {"view": "summary", **page_data(period, offset)}
    rows = [
        _row(
            t,
            s,
            zone,
            detail=s.key_answer or t("summaries.card.no_answer"),
            detail_label=t("summaries.card.answer"),
            back=back,
            channel=(channels or {}).get(s.channel_id),
        )
        for s in synopses[offset : offset + PAGE_SIZE]
    ]
    while True:
        end = offset + len(rows)
        more = (
            Button(t("summaries.card.more"), VERB_MORE, page_data(period, end))
            if end < total
            else None
        )
        view = ThreadListView(
            title=title,
            summary=summary,
            notices=tuple(notices),
            rows=tuple(rows),
            empty=t("summaries.card.empty"),
            position=t("summaries.card.position", first=offset + 1, last=end, total=total)
            if total > len(rows)
            else None,
            more=more,
        )
        built = thread_list_card(view)
        if card_size(built) <= MAX_CARD_BYTES or len(rows) <= 1:
            return built
        rows.pop()  # the next page starts where this one ends


def search_card(
    t: Translator,
    hits: Sequence[SearchHit],
    query: str,
    zone: tzinfo,
    *,
    found: int | None = None,
    channels: Mapping[str, str] | None = None,
    notices: Sequence[str] = (),
) -> Card:
    """The hits that fit on the card; it says how many threads matched (`found`, by default
    the hits) and, when fewer are shown, how many are."""
    back = {"view": "search", "query": query}
    rows = [
        _row(t, h.synopsis, zone, detail=h.snippet, detail_label=t("summaries.search.match"),
             back=back, channel=(channels or {}).get(h.synopsis.channel_id))
        for h in hits
    ]  # fmt: skip
    found = max(found or 0, len(hits))

    def counted(shown: int) -> str | None:
        if not found:
            return None
        if shown < found:
            return t("summaries.search.count_shown", count=found, shown=shown)
        return t("summaries.search.count", count=found)

    view = ThreadListView(
        title=t("summaries.search.title"),
        summary=counted(len(rows)),
        notices=tuple(notices),
        rows=tuple(rows),
        empty=t("summaries.search.none"),
        position=None,
        more=None,
        query=query,
    )
    built = thread_list_card(view)
    while card_size(built) > MAX_CARD_BYTES and len(rows) > 1:
        rows.pop()
        built = thread_list_card(replace(view, rows=tuple(rows), summary=counted(len(rows))))
    return built


def people_view(
    t: Translator, suggestions: Sequence[Suggestion], query: str, *, notices: Sequence[str] = ()
) -> PeopleView:
    people = []
    for suggestion in suggestions:
        detail = t("summaries.who.answered", count=suggestion.answered)
        if suggestion.helpful:
            detail += t("summaries.who.helpful", count=suggestion.helpful)
        people.append(
            PersonRow(
                name=person_label(t, suggestion.name, suggestion.municipality),
                detail=detail,
                threads=tuple((s.question, s.web_url) for s in suggestion.threads),
            )
        )
    return PeopleView(
        title=t("summaries.who.title"),
        query=query,
        intro=t("summaries.who.intro"),
        notices=tuple(notices),
        people=tuple(people),
        empty=t("summaries.who.none"),
        open_label=t("summaries.card.open"),
    )


__all__ = [
    "PAGE_SIZE",
    "municipality_name",
    "page_data",
    "people_view",
    "period_label",
    "person_label",
    "search_card",
    "summary_card",
]
