"""要約 / 検索 / 誰に聞く, and the button 解決済みにする.

Where the threads come from: in a channel, that channel's; in a personal chat, the channels of
every team the person belongs to (by the team's roster, the rule of dialogs/platform/scope.py);
a group chat gets a one-line refusal (it has no channel threads of its own), before any hint
about what to write. What follows the command is read without the words and marks people put
around it (要約して, 要約 今月。, 検索: マクロ, 検索 「マクロ」).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from cards.summaries import VERB_MORE, VERB_RESOLVE, notice_card, people_card
from dialogs.context import Context
from dialogs.mydata.views import channel_label
from dialogs.platform.scope import turn_scope
from dialogs.replies import Card, Reply
from dialogs.router import Router
from dialogs.summaries import store
from dialogs.summaries.analysis import ThreadAnalysis
from dialogs.summaries.periods import Period, PeriodError, parse_period
from dialogs.summaries.search import search, who_to_ask
from dialogs.summaries.service import analysed_threads, summarise_channels
from dialogs.summaries.views import people_view, search_card, summary_card
from dialogs.threads.history import History, channel_history
from storage.repositories.conversations import channel_names

router = Router()

MAX_QUERY = 100

# How people dress up what follows the command: 要約して, 要約お願いします, 検索: マクロ,
# 検索して マクロ, 要約 今月。, summary please. What is left is the period or the words.
_REQUEST_START = re.compile(
    r"^(?:[:：]|して(?:ください|下さい)?(?=[\s:：]|$)|(?:を)?お願い(?:します|いたします|致します)?"
    r"|please(?=\s|$))\s*",
    re.IGNORECASE,
)
_REQUEST_END = re.compile(
    r"(?:[。．.!！?？、,]|(?:^|\s|を)お願い(?:します|いたします|致します)?|(?:^|\s)please)\s*$",
    re.IGNORECASE,
)
_QUOTES = {"「": "」", "『": "』", '"': '"', "“": "”", "'": "'"}


class PageData(BaseModel):
    """What もっと見る carries: the period and where the next page starts."""

    since: datetime
    until: datetime
    kind: Literal["days", "month", "this_month", "this_week", "last_week", "today", "yesterday"] = (
        "days"
    )
    days: int = Field(0, ge=0, le=366)
    year: int = Field(0, ge=0, le=2100)
    month: int = Field(0, ge=0, le=12)
    offset: int = Field(0, ge=0, le=100_000)

    def period(self) -> Period:
        return Period(self.since, self.until, self.kind, self.days, self.year, self.month)


class ResolveData(BaseModel):
    """What 解決済みにする / 未解決に戻す carry: which thread, and the view to show again."""

    channel_id: str = Field(min_length=1, max_length=512)
    root_id: str = Field(min_length=1, max_length=64)
    resolved: bool = True
    back: dict[str, Any] | None = None


class Scope(BaseModel):
    """The channels a command reads, and whether any lacks its history: Graph refused it, or
    it is a private or shared channel Graph has not read."""

    channel_ids: list[str]
    history_missing: bool
    history_not_read: bool = False
    # What each channel is called, when there are several (a personal chat): each thread says
    # where it is.
    labels: dict[str, str] = {}


async def _scope(ctx: Context) -> Scope | Reply:
    if refused := _not_here(ctx):
        return refused
    place = ctx.turn.place
    if place.kind == "channel" and place.channel_id:
        channels = [place.channel_id]
    else:
        # Team separation (dialogs/platform/scope.py): the channels of the teams the person
        # belongs to, by the roster; a channel's conversation id is its channel id.
        visible = await turn_scope(ctx)
        channels = [
            c.channel_id
            for c in await store.known_channels(ctx.session)
            if visible.allows(c.channel_id)
        ]
    if not channels:
        return Reply.say(ctx.t("summaries.flow.no_channels"))
    histories = {await channel_history(ctx.session, channel_id) for channel_id in channels}
    labels = (
        {c: channel_label(ctx.t, await channel_names(ctx.session, c)) for c in channels}
        if len(channels) > 1
        else {}
    )
    return Scope(
        channel_ids=channels,
        history_missing=History.REFUSED in histories,
        history_not_read=History.NOT_READ in histories,
        labels=labels,
    )


def _request(args: str) -> str:
    """What the person asks for after the command word, without the words and marks around it
    (see _REQUEST_START), spaces collapsed."""
    text = " ".join(args.split())
    while True:
        bare = _REQUEST_END.sub("", _REQUEST_START.sub("", text)).strip()
        if len(bare) >= 2 and _QUOTES.get(bare[0]) == bare[-1]:
            bare = bare[1:-1].strip()
        if bare == text:
            return text
        text = bare


def _not_here(ctx: Context) -> Reply | None:
    """The refusal where these commands cannot work at all: it comes before any hint about
    what to write."""
    if ctx.turn.place.kind == "groupChat":
        return Reply.say(ctx.t("summaries.flow.not_in_group_chat"))
    return None


def _notices(ctx: Context, scope: Scope, *extra: str) -> list[str]:
    notices = list(extra)
    if scope.history_missing:
        notices.append(ctx.t("threads.history_unavailable"))
    if scope.history_not_read:
        notices.append(ctx.t("threads.history_not_read"))
    return notices


@router.command("summary", order=40)
async def summary_command(ctx: Context) -> Reply:
    """`要約 [期間]`: the threads of the last 7 days (今月, 30日, 2026-11…) by status."""
    if refused := _not_here(ctx):
        return refused
    now = ctx.clock.now()
    try:
        period = parse_period(_request(ctx.args), now, ctx.services.settings.zone)
    except PeriodError as error:
        key = (
            "summaries.errors.too_long" if error.reason == "too_long" else "summaries.errors.period"
        )
        return Reply.say(ctx.t(key))
    return await _summary(ctx, period, 0)


@router.verb(VERB_MORE, data=PageData)
async def more(ctx: Context) -> Reply:
    """もっと見る: the next page of the same summary."""
    assert isinstance(ctx.data, PageData)
    return await _summary(ctx, ctx.data.period(), ctx.data.offset)


async def _summary(ctx: Context, period: Period, offset: int, *extra: str) -> Reply:
    card = await _summary_card(ctx, period, offset, *extra)
    return card if isinstance(card, Reply) else Reply.show(card)


async def _summary_card(ctx: Context, period: Period, offset: int, *extra: str) -> Card | Reply:
    scope = await _scope(ctx)
    if isinstance(scope, Reply):
        return scope
    synopses = await summarise_channels(
        ctx.session, scope.channel_ids, since=period.since, until=period.until
    )
    return summary_card(
        ctx.t,
        synopses,
        period,
        ctx.services.settings.zone,
        offset=offset,
        channels=scope.labels,
        notices=_notices(ctx, scope, *extra),
    )


async def _analyses(ctx: Context, scope: Scope) -> list[ThreadAnalysis]:
    found: list[ThreadAnalysis] = []
    for channel_id in scope.channel_ids:
        found.extend(t.analysis for t in await analysed_threads(ctx.session, channel_id))
    return found


@router.command("search", order=41)
async def search_command(ctx: Context) -> Reply:
    """`検索 <言葉>`: the most relevant threads, solved ones with answers first."""
    if refused := _not_here(ctx):
        return refused
    query = _request(ctx.args)[:MAX_QUERY]
    if not query:
        return Reply.say(ctx.t("summaries.search.usage"))
    card = await _search_card(ctx, query)
    return card if isinstance(card, Reply) else Reply.show(card)


async def _search_card(ctx: Context, query: str, *extra: str) -> Card | Reply:
    scope = await _scope(ctx)
    if isinstance(scope, Reply):
        return scope
    results = search(await _analyses(ctx, scope), query)
    zone = ctx.services.settings.zone
    return search_card(
        ctx.t,
        results.hits,
        query,
        zone,
        found=results.found,
        channels=scope.labels,
        notices=_notices(ctx, scope, *extra),
    )


@router.command("who", order=42)
async def who_command(ctx: Context) -> Reply:
    """`誰に聞く <言葉>`: people (and their municipalities) who answered similar questions."""
    if refused := _not_here(ctx):
        return refused
    query = _request(ctx.args)[:MAX_QUERY]
    if not query:
        return Reply.say(ctx.t("summaries.who.usage"))
    scope = await _scope(ctx)
    if isinstance(scope, Reply):
        return scope
    suggestions = who_to_ask(await _analyses(ctx, scope), query, exclude=ctx.turn.actor.key)
    view = people_view(ctx.t, suggestions, query, notices=_notices(ctx, scope))
    return Reply.show(people_card(view))


@router.verb(VERB_RESOLVE, data=ResolveData)
async def resolve(ctx: Context) -> Reply:
    """解決済みにする / 未解決に戻す: only the person who asked, or a coordinator. The card they
    pressed comes back with the thread's new status."""
    assert isinstance(ctx.data, ResolveData)
    data = ctx.data
    found = await store.load_threads(ctx.session, data.channel_id, [data.root_id])
    thread = found[0] if found else None
    if thread is None or thread.root is None or thread.root.deleted_at is not None:
        return Reply.show(notice_card(ctx.t("summaries.flow.thread_gone")))
    scope = await _scope(ctx)
    if isinstance(scope, Reply) or data.channel_id not in scope.channel_ids:
        return Reply.show(notice_card(ctx.t("summaries.flow.thread_gone")))
    actor = ctx.turn.actor
    asker = thread.root.author_aad_id
    # A coordinator of the thread's own team: from a personal chat, owning some other team
    # is not enough.
    if asker not in (actor.aad_object_id, actor.key) and not await ctx.manages(data.channel_id):
        return Reply.show(notice_card(ctx.t("summaries.flow.not_allowed")))
    await store.set_resolution(
        ctx.session,
        data.channel_id,
        data.root_id,
        resolved=data.resolved,
        by_key=actor.key,
        by_name=actor.name,
        now=ctx.clock.now(),
    )
    done = ctx.t("summaries.flow.resolved" if data.resolved else "summaries.flow.reopened")
    again = await _back(ctx, data.back, done)
    return Reply.show(again if again is not None else notice_card(done))


async def _back(ctx: Context, back: dict[str, Any] | None, notice: str) -> Card | None:
    """The view the button was on, shown again with `notice` on top."""
    if not back:
        return None
    view = back.get("view")
    try:
        if view == "summary":
            page = PageData.model_validate(back)
            shown = await _summary_card(ctx, page.period(), page.offset, notice)
        elif view == "search" and isinstance(back.get("query"), str) and back["query"].strip():
            shown = await _search_card(ctx, str(back["query"])[:MAX_QUERY], notice)
        else:
            return None
    except ValidationError:
        return None
    return shown if not isinstance(shown, Reply) else None


__all__ = ["PageData", "ResolveData", "router"]
