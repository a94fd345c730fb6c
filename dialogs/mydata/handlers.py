"""私のデータ in Teams: the card of what the bot holds about the sender, in their own chat, and
deleting it after a confirmation.

Whose data is always the activity's sender (`ctx.turn.actor`): the buttons carry no data, and
whatever a forged press sends is ignored, so nobody can see or delete someone else's data.
Asked in a channel or group chat, the card goes to the sender's personal chat and the channel
only hears that it was sent.
"""

from __future__ import annotations

from cards.mydata import (
    VERB_DELETE,
    VERB_ERASE,
    VERB_SHOW,
    confirm_card,
    erased_card,
    mydata_card,
)
from dialogs.context import Context
from dialogs.mydata.erasure import erase
from dialogs.mydata.store import holdings
from dialogs.mydata.views import confirm_view, erased_view, mydata_view
from dialogs.platform.reach import from_another_organisation
from dialogs.replies import Card, Message, Reply
from dialogs.router import Router

router = Router()


@router.command("mydata", order=90)
async def mydata_command(ctx: Context) -> Reply:
    """`私のデータ`: the card, in the sender's personal chat (never where others read it). In a
    shared channel, someone of another organisation is told it cannot reach them."""
    if ctx.turn.place.kind == "personal":
        return Reply.show(await _card(ctx))
    actor = ctx.turn.actor
    services = ctx.services
    if await from_another_organisation(
        ctx.session, services.roster, ctx.clock, ctx.turn.place, actor.teams_id,
        actor.aad_object_id,
    ):  # fmt: skip
        return Reply.say(ctx.t("mydata.unreachable"))
    # No fallback: what the bot holds about someone must never be @mentioned into a thread.
    await ctx.messenger.send_to_person(actor.key, Message(card=await _card(ctx)))
    return Reply.say(ctx.t("mydata.sent"))


@router.verb(VERB_SHOW)
async def show(ctx: Context) -> Reply:
    """The card again, as things are now (やめる, 最新の内容を表示)."""
    return Reply.show(await _card(ctx))


@router.verb(VERB_DELETE)
async def ask_to_confirm(ctx: Context) -> Reply:
    """削除する: nothing is deleted yet, the sender is asked once more."""
    return Reply.show(confirm_card(confirm_view(ctx.t)))


@router.verb(VERB_ERASE)
async def erase_own_data(ctx: Context) -> Reply:
    """削除する on the confirmation: the sender's data is deleted or anonymised."""
    settings = ctx.services.settings
    erased = await erase(
        ctx.session,
        ctx.messenger,
        ctx.services.catalog,
        ctx.turn.actor,
        ctx.turn.place,
        now=ctx.clock.now(),
        zone=settings.zone,
        because=ctx.turn.activity_id,
    )
    return Reply.show(erased_card(erased_view(erased, ctx.t)))


async def _card(ctx: Context) -> Card:
    settings = ctx.services.settings
    now = ctx.clock.now()
    actor = ctx.turn.actor
    held = await holdings(ctx.session, actor.key, actor.aad_object_id, now, settings.zone)
    view = mydata_view(held, ctx.t, settings.zone, now, settings.retention_months)
    return mydata_card(view)


__all__ = ["router"]
