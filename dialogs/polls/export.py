"""日程調整 エクスポート: a poll's answers as a CSV, through a link in the coordinator's
personal chat (the mechanism is dialogs/exports.py).

Which poll: the one whose thread the command is written in, else the channel's latest; in a
personal chat the latest one the coordinator created. `日程調整 エクスポート 3` names a poll
by number, `日程調整 エクスポート 忘年会` by (part of) its title, within the same scope.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator
from dialogs.context import Context
from dialogs.exports import (
    CSV_MEDIA_TYPE,
    LINK_LIFETIME,
    ExportFile,
    csv_bytes,
    issue_link,
    safe_filename,
)
from dialogs.polls import store
from dialogs.polls.model import MAX_TITLE_LENGTH
from dialogs.polls.views import moment_label, slot_label
from dialogs.replies import Message, Reply, literal, quoted
from dialogs.router import Router
from storage.models import PollAnswerRow, PollRow

router = Router()

POLL_EXPORT = "poll"
_POLL_NUMBER = re.compile(r"^(?:#|no\.?\s*)?(\d{1,9})$", re.IGNORECASE)


async def poll_csv(
    session: AsyncSession, subject_id: str, t: Translator, zone: tzinfo, now: datetime
) -> ExportFile | None:
    """One row per person who answered: name, their answer per date (blank where they left
    it blank), comment, and when they last answered (in `zone`)."""
    if not subject_id.isdigit():
        return None
    stored = await store.load_poll(session, int(subject_id))
    if stored is None:
        return None
    poll = stored.poll
    candidates = sorted(poll.candidates, key=lambda c: c.slot.sort_key)
    times = await session.execute(
        select(PollAnswerRow.person_key, PollAnswerRow.updated_at).where(
            PollAnswerRow.poll_id == poll.id
        )
    )
    answered_at = {person_key: moment for person_key, moment in times.tuples()}
    header = [
        t("exports.poll.name"),
        *(slot_label(c.slot, t) for c in candidates),
        t("exports.poll.comment"),
        t("exports.poll.answered_at"),
    ]
    rows = []
    for answer in await store.answers(session, poll.id):
        choices = [answer.choices.get(c.id) for c in candidates]
        moment = answered_at.get(answer.person_key)
        rows.append(
            [
                answer.name,
                *(t(f"polls.choices.{choice.value}") if choice else "" for choice in choices),
                answer.comment,
                f"{moment.astimezone(zone):%Y-%m-%d %H:%M}" if moment else "",
            ]
        )
    day = f"{now.astimezone(zone):%Y%m%d}"
    return ExportFile(
        filename=safe_filename(t("exports.poll.filename", title=poll.title, date=day)),
        media_type=CSV_MEDIA_TYPE,
        content=csv_bytes(header, rows),
        ascii_filename=f"poll_{poll.id}_{day}.csv",
    )


@router.command("poll_export", coordinator_only=True, order=11)
async def export_command(ctx: Context) -> Reply:
    """`日程調整 エクスポート [number or title]`: a 15-minute link to the poll's CSV, said in the
    coordinator's personal chat only."""
    place = ctx.turn.place
    reference = ctx.args.strip()
    poll = await _find_poll(ctx, reference)
    if poll is None:
        if reference:
            return Reply.say(ctx.t("exports.poll.not_found", reference=quoted(reference)))
        key = "exports.poll.none_mine" if place.kind == "personal" else "exports.poll.none_here"
        return Reply.say(ctx.t(key))
    now = ctx.clock.now()
    settings = ctx.services.settings
    url = await issue_link(
        ctx.session,
        kind=POLL_EXPORT,
        subject_id=str(poll.id),
        person=ctx.turn.actor,
        locale=ctx.t.locale,
        now=now,
        settings=settings,
    )
    minutes = int(LINK_LIFETIME.total_seconds() // 60)
    link = Message(
        text=ctx.t(
            "exports.poll.link",
            title=literal(poll.title),
            url=url,
            until=moment_label(now + LINK_LIFETIME, settings.zone, ctx.t),
            minutes=minutes,
        )
    )
    if place.kind == "personal":
        return Reply(messages=(link,))
    # No fallback: a link must never be @mentioned into a shared thread.
    await ctx.messenger.send_to_person(ctx.turn.actor.key, link)
    return Reply.say(ctx.t("exports.sent", minutes=minutes))


async def _find_poll(ctx: Context, reference: str) -> PollRow | None:
    place = ctx.turn.place
    scope: ColumnElement[bool]
    if place.kind == "personal":
        scope = PollRow.creator_key == ctx.turn.actor.key
    else:
        scope = PollRow.conversation_id == place.base_conversation_id
    query = select(PollRow).where(scope)
    number = _POLL_NUMBER.match(reference)
    if number:
        return await ctx.session.scalar(query.where(PollRow.id == int(number.group(1))))
    if reference:
        if len(reference) > MAX_TITLE_LENGTH:
            return None  # no title is that long (and SQLite refuses very long LIKE patterns)
        query = query.where(PollRow.title.icontains(reference, autoescape=True))
    elif place.kind != "personal" and place.thread_id:
        in_thread = await store.poll_in_thread(
            ctx.session, place.base_conversation_id, place.thread_id
        )
        if in_thread is not None:
            query = query.where(PollRow.id == in_thread)
    latest = query.order_by(PollRow.created_at.desc(), PollRow.id.desc()).limit(1)
    return await ctx.session.scalar(latest)
