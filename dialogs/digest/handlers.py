"""週次ダイジェスト in Teams: the channel's settings card (設定), turning it on from the install
greeting, the preview (ダイジェスト, only ever in the requester's personal chat), posting now, and
the two tasks: `digest.post` (each channel's due moments) and `digest.check` (a post's outcome).

Which channel is always where the card or command was used (`ctx.turn.place`), never card data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cards.digest import (
    DAYS_INPUT,
    ENABLED_INPUT,
    LOCALE_INPUT,
    SECTIONS_INPUT,
    TIME_INPUT,
    TOGGLE_ON,
    VERB_ENABLE,
    VERB_POST_NOW,
    VERB_PREVIEW,
    VERB_SETTINGS_SAVE,
    WEEKDAY_INPUT,
    settings_card,
)
from core.i18n import LOCALES, locale_of
from core.jpcalendar import format_time, local_date
from dialogs.context import Context, TaskContext
from dialogs.digest import store
from dialogs.digest.links import channel_place
from dialogs.digest.posting import (
    CHECK_AFTER,
    CHECK_TASK,
    DIGEST_TASK,
    WEEK,
    compose,
    follow,
    post_digest,
)
from dialogs.digest.schedule import Timing, decide, latest_due, next_due
from dialogs.digest.settings import (
    POST_TIMES,
    UNANSWERED_DAYS,
    WEEKDAYS,
    DigestSettings,
    Section,
    enabled_settings,
    load_settings,
    save_settings,
    with_sections,
)
from dialogs.digest.views import settings_view
from dialogs.platform.scope import turn_scope
from dialogs.platform.tasks import cancel, schedule
from dialogs.replies import Card, Message, Reply
from dialogs.router import Router
from storage.models import OutboxMessage

router = Router()

MAX_PREVIEWS = 3


# --- settings -----------------------------------------------------------------------------


@router.command("settings", coordinator_only=True, order=60)
async def open_settings(ctx: Context) -> Reply:
    """設定: this channel's digest settings card."""
    if ctx.turn.place.kind != "channel":
        return Reply.say(ctx.t("digest.settings.channel_only"))
    return Reply.show(await _settings_card(ctx, await _current(ctx)))


@router.verb(VERB_SETTINGS_SAVE, coordinator_only=True)
async def save(ctx: Context) -> Reply:
    """保存: the settings as chosen on the card; the next digest is scheduled (or cancelled)."""
    if ctx.turn.place.kind != "channel":
        return Reply.say(ctx.t("digest.settings.channel_only"))
    current = await _current(ctx)
    chosen = read_settings(ctx.turn.data, current)
    if chosen is None:
        notice = ctx.t("digest.settings.bad_input")
        return Reply.show(await _settings_card(ctx, current, notice, "Attention"))
    saved = await _save(ctx, chosen)
    key = "digest.settings.saved" if saved.enabled else "digest.settings.saved_off"
    return Reply.show(await _settings_card(ctx, saved, ctx.t(key)))


@router.verb(VERB_ENABLE, coordinator_only=True)
async def enable(ctx: Context) -> Reply:
    """The install greeting's button: the digest on, with the defaults (or as last set)."""
    if ctx.turn.place.kind != "channel":
        return Reply.say(ctx.t("digest.settings.channel_only"))
    saved = await _save(ctx, replace(await _current(ctx), enabled=True))
    weekday = ctx.t.list("calendar.weekday_names")[saved.weekday]
    notice = ctx.t(
        "digest.settings.enabled_now", weekday=weekday, time=format_time(saved.post_time)
    )
    return Reply.show(await _settings_card(ctx, saved, notice))


@router.verb(VERB_POST_NOW, coordinator_only=True)
async def post_now(ctx: Context) -> Reply:
    """今すぐ投稿: today's digest of this channel, now (once a day, like the scheduled one)."""
    if ctx.turn.place.kind != "channel":
        return Reply.say(ctx.t("digest.settings.channel_only"))
    settings = await _current(ctx)
    zone = ctx.services.settings.zone
    now = ctx.clock.now()
    posted = await post_digest(
        ctx.session,
        settings,
        local_date(now, zone),
        catalog=ctx.services.catalog,
        clock=ctx.clock,
        zone=zone,
        default_start=now - WEEK,
        manual=True,
    )
    if posted is None:
        notice = ctx.t("digest.settings.already_today")
        return Reply.show(await _settings_card(ctx, settings, notice, "Warning"))
    return Reply.show(await _settings_card(ctx, settings, ctx.t("digest.settings.posted_now")))


@router.verb(VERB_PREVIEW)
async def preview_from_card(ctx: Context) -> Reply:
    """プレビュー: this channel's digest as it would be now, in the presser's personal chat."""
    if ctx.turn.place.kind != "channel":
        return Reply.say(ctx.t("digest.settings.channel_only"))
    settings = await _current(ctx)
    await _send_preview(ctx, settings)
    return Reply.show(await _settings_card(ctx, settings, ctx.t("digest.preview.sent")))


def read_settings(data: Mapping[str, Any], current: DigestSettings) -> DigestSettings | None:
    """The settings as chosen on the card, or None when an input is not one the card offers
    (a forged or outdated card)."""
    try:
        weekday = int(str(data.get(WEEKDAY_INPUT, current.weekday)))
        days = int(str(data.get(DAYS_INPUT, current.unanswered_days)))
    except ValueError:
        return None
    times = {format_time(time): time for time in POST_TIMES}
    post_time = times.get(str(data.get(TIME_INPUT, format_time(current.post_time))))
    locale = str(data.get(LOCALE_INPUT, current.locale))
    known = {section.value: section for section in Section}
    raw_sections = data.get(SECTIONS_INPUT)
    if raw_sections is None:
        sections = list(current.sections)
    else:
        names = [name.strip() for name in str(raw_sections).split(",") if name.strip()]
        if any(name not in known for name in names):
            return None
        sections = [known[name] for name in names]
    if weekday not in WEEKDAYS or days not in UNANSWERED_DAYS or post_time is None:
        return None
    if locale not in LOCALES:
        return None
    chosen = replace(
        current,
        enabled=str(data.get(ENABLED_INPUT, "")) == TOGGLE_ON,
        weekday=weekday,
        post_time=post_time,
        locale=locale_of(locale),
        unanswered_days=days,
    )
    return with_sections(chosen, sections)


async def _current(ctx: Context) -> DigestSettings:
    """This channel's settings; a channel without any speaks the coordinator's language."""
    channel = ctx.turn.place.base_conversation_id
    return await load_settings(ctx.session, channel, default_locale=ctx.t.locale)


async def _save(ctx: Context, settings: DigestSettings) -> DigestSettings:
    now = ctx.clock.now()
    saved = await save_settings(ctx.session, settings, by=ctx.turn.actor.key, now=now)
    await arm(ctx.session, saved, now, ctx.services.settings.zone)
    return saved


async def arm(
    session: AsyncSession, settings: DigestSettings, now: dt.datetime, zone: dt.tzinfo
) -> None:
    """Schedule the channel's next digest (or cancel it when the digest is off)."""
    channel = settings.conversation_id
    if not settings.enabled:
        await cancel(session, DIGEST_TASK, channel)
        return
    due = next_due(Timing.of(settings), now, zone)
    await schedule(session, DIGEST_TASK, channel, due, {"conversation_id": channel})


async def _settings_card(
    ctx: Context, settings: DigestSettings, notice: str | None = None, color: str = "Good"
) -> Card:
    zone = ctx.services.settings.zone
    place = await channel_place(ctx.session, settings.conversation_id)
    upcoming = next_due(Timing.of(settings), ctx.clock.now(), zone)
    view = settings_view(
        settings,
        ctx.t,
        channel=place.channel_name,
        next_post=upcoming,
        zone=zone,
        notice=notice,
        notice_color=color,
    )
    return settings_card(view, ctx.t)


# --- preview ------------------------------------------------------------------------------


@router.command("digest", order=65)
async def preview_command(ctx: Context) -> Reply:
    """ダイジェスト: a preview of the digest, in the requester's personal chat only. In a channel
    it is that channel's; in a personal chat those of the requester's channels with it on."""
    place = ctx.turn.place
    if place.kind == "channel":
        await _send_preview(ctx, await _current(ctx))
        return Reply.say(ctx.t("digest.preview.sent"))
    scope = await turn_scope(ctx)
    channels = [s for s in await enabled_settings(ctx.session) if scope.allows(s.conversation_id)]
    if not channels:
        return Reply.say(ctx.t("digest.preview.none"))
    messages = [await _preview(ctx, settings) for settings in channels[:MAX_PREVIEWS]]
    if place.kind == "personal":
        return Reply(messages=tuple(messages))
    for message in messages:
        await ctx.messenger.send_to_person(ctx.turn.actor.key, message)
    return Reply.say(ctx.t("digest.preview.sent"))


async def _preview(ctx: Context, settings: DigestSettings) -> Message:
    now = ctx.clock.now()
    start = await store.covered_until(ctx.session, settings.conversation_id) or now - WEEK
    message, _ = await compose(
        ctx.session,
        settings,
        ctx.services.catalog,
        ctx.services.settings.zone,
        period_start=start,
        period_end=now,
        preview=True,
    )
    return message


async def _send_preview(ctx: Context, settings: DigestSettings) -> None:
    # No fallback: a preview is never shown in the channel, even when the personal chat fails.
    await ctx.messenger.send_to_person(ctx.turn.actor.key, await _preview(ctx, settings))


# --- tasks --------------------------------------------------------------------------------


@router.task(DIGEST_TASK)
async def run_digest(ctx: TaskContext, payload: dict[str, Any]) -> None:
    """A channel's due moment (or a catch-up after downtime): post its digest when one is due
    and the posting window is open, then come back at the next moment that matters."""
    channel = str(payload["conversation_id"])
    settings = await load_settings(ctx.session, channel)
    if not settings.enabled:
        return
    zone = ctx.services.settings.zone
    now = ctx.clock.now()
    timing = Timing.of(settings)
    latest = latest_due(timing, now, zone)
    claimed = await store.of_day(ctx.session, channel, local_date(latest, zone)) is not None
    decision = decide(timing, now, zone, enabled_at=settings.enabled_at, claimed=claimed)
    place = await channel_place(ctx.session, channel)
    if decision.due is not None and place.active:
        await post_digest(
            ctx.session,
            settings,
            local_date(decision.due, zone),
            catalog=ctx.services.catalog,
            clock=ctx.clock,
            zone=zone,
            # A first digest covers the time since the previous due moment.
            default_start=latest_due(timing, decision.due - dt.timedelta(microseconds=1), zone),
        )
    await schedule(ctx.session, DIGEST_TASK, channel, decision.come_back, payload)


@router.task(CHECK_TASK)
async def check_delivery(ctx: TaskContext, payload: dict[str, Any]) -> None:
    """Where the digest's post stands: sent (its activity id is recorded), failed, ambiguous
    (the resolver looks for its marker), or still on its way (look again later)."""
    digest = await store.get(ctx.session, int(payload["digest_id"]))
    if digest is None or digest.status != store.QUEUED:
        return
    now = ctx.clock.now()
    post = None
    if digest.outbox_id is not None:
        post = await ctx.session.get(OutboxMessage, digest.outbox_id, populate_existing=True)
    if post is None:
        await store.set_status(ctx.session, digest.id, store.FAILED, now, detail="no post")
    elif post.status == "sent":
        await store.set_status(
            ctx.session, digest.id, store.SENT, now, activity_id=post.sent_activity_id
        )
    elif post.status == "failed":
        await store.set_status(ctx.session, digest.id, store.FAILED, now, detail=post.last_error)
    elif post.status == "ambiguous":
        await store.set_status(ctx.session, digest.id, store.CHECKING, now, detail=post.last_error)
    else:
        later = max(now + CHECK_AFTER, post.next_attempt_at + dt.timedelta(seconds=5))
        await follow(ctx.session, digest.id, later)
