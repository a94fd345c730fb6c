"""ヘルプ / help: what the bot can do, built from what is registered; and the install greeting."""

from __future__ import annotations

from pydantic import BaseModel, Field

from cards.common import execute
from cards.digest import VERB_ENABLE as DIGEST_ENABLE
from cards.help import TRY_VERB, CommandHelp, HelpView, Limits, help_card
from cards.help import greeting_card as _greeting_card
from core.i18n import Translator
from dialogs.context import Context, Services
from dialogs.platform.reach import channel_type_of
from dialogs.replies import Card, Reply
from dialogs.router import Router
from dialogs.turn import ChannelType

router = Router()


def build_help(
    t: Translator,
    services: Services,
    channel_type: ChannelType | None = None,
    *,
    coordinator: bool = True,
) -> Card:
    """Every command with an example and its 試す button; for someone who is not a coordinator
    the coordinators' commands are only named, in one line (their buttons would only say no)."""
    commands = []
    for_coordinators: list[str] = []
    catalog = services.catalog
    for command in services.router.help_commands():
        prefix = f"commands.{command.id}"
        if command.coordinator_only and not coordinator:
            for_coordinators.append(t(f"{prefix}.title"))
            continue
        keys = catalog.keys(t.locale)
        commands.append(
            CommandHelp(
                title=t(f"{prefix}.title"),
                summary=t(f"{prefix}.help"),
                example=t(f"{prefix}.example"),
                try_text=t(f"{prefix}.try") if f"{prefix}.try" in keys else t(f"{prefix}.example"),
                coordinator_only=command.coordinator_only,
            )
        )
    view = HelpView(
        title=t("help.title"),
        intro=t("help.intro"),
        commands=commands,
        example_label=t.catalog.raw(t.locale, "help.example"),
        try_label=t("help.try"),
        coordinator_mark=t("help.coordinator_mark"),
        purpose_title=t("help.purpose_title"),
        purpose=t("greeting.purpose", months=services.settings.retention_months),
        limits=channel_limits(t, channel_type),
        coordinators_line=(
            t("help.for_coordinators", commands=t("help.separator").join(for_coordinators))
            if for_coordinators
            else None
        ),
    )
    return help_card(view)


def channel_limits(t: Translator, channel_type: ChannelType | None) -> Limits | None:
    """What the bot cannot do in a private or shared channel (nothing to say elsewhere)."""
    if channel_type not in ("private", "shared"):
        return None
    return Limits(t(f"channels.{channel_type}_title"), t(f"channels.{channel_type}"))


def greeting_card(
    t: Translator, services: Services, channel_type: ChannelType | None = None
) -> Card:
    greeting = _greeting_card(
        t("greeting.title"),
        t("greeting.body"),
        t("greeting.purpose_title"),
        t("greeting.purpose", months=services.settings.retention_months),
        t("greeting.start"),
        limits=channel_limits(t, channel_type),
    )
    # The weekly digest is offered where the bot was added (a coordinator turns it on).
    greeting.setdefault("actions", []).append(execute(t("digest.greeting_button"), DIGEST_ENABLE))
    return greeting


@router.command("help", order=0)
async def show_help(ctx: Context) -> Reply:
    channel_type = await channel_type_of(ctx.session, ctx.turn.place)
    coordinator = await ctx.is_coordinator()
    return Reply.show(build_help(ctx.t, ctx.services, channel_type, coordinator=coordinator))


class TryData(BaseModel):
    command: str = Field(min_length=1, max_length=200)


@router.verb(TRY_VERB, data=TryData)
async def try_example(ctx: Context) -> Reply:
    """An example button: answer as if the person had typed the command."""
    assert isinstance(ctx.data, TryData)
    from dialogs.dispatch import run_nested

    return await run_nested(ctx, ctx.data.command)
