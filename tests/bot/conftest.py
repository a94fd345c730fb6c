"""A test-only bot (until the real handler is wired in app.py) and a way to serve it over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from botbuilder.core import ActivityHandler, TurnContext
from botbuilder.schema import Activity, AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue

from bot.activities import ADAPTIVE_CARD
from bot.adapter import IyoCloudAdapter
from bot.http import add_routes
from core.settings import load_settings
from tests.fakes.connector import serve


def thanks_card(verb: str) -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [{"type": "TextBlock", "text": f"受け付けました: {verb}"}],
    }


class RecordingBot(ActivityHandler):  # type: ignore[misc]
    """Records every activity that got through; answers a card action with a card; says "pong"
    to "ping"; fails on "boom" (with the text in the exception message, which must not be
    logged)."""

    def __init__(self) -> None:
        self.received: list[Activity] = []

    async def on_turn(self, turn_context: TurnContext) -> None:
        self.received.append(turn_context.activity)
        await super().on_turn(turn_context)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        text = turn_context.activity.text or ""
        if "boom" in text:
            raise RuntimeError(f"could not handle {text!r}")
        if "ping" in text:
            await turn_context.send_activity("pong")

    async def on_adaptive_card_invoke(
        self, turn_context: TurnContext, invoke_value: AdaptiveCardInvokeValue
    ) -> AdaptiveCardInvokeResponse:
        verb = invoke_value.action.get("verb")  # botbuilder leaves `action` a plain dict
        if verb == "boom":
            raise RuntimeError("card action failed")
        return AdaptiveCardInvokeResponse(
            status_code=200, type=ADAPTIVE_CARD, value=thanks_card(verb)
        )


async def always_ready() -> bool:
    return True


@asynccontextmanager
async def running_bot(
    adapter: IyoCloudAdapter,
    bot: Any,
    *,
    allowed_tenant_ids: Collection[str] = (),
    readiness: Callable[[], Awaitable[bool]] = always_ready,
) -> AsyncIterator[str]:
    """Serve the bot's routes on 127.0.0.1; yields the base URL."""
    app = web.Application()
    add_routes(
        app,
        settings=load_settings(allowed_tenant_ids=list(allowed_tenant_ids)),
        adapter=adapter,
        bot=bot,
        readiness=readiness,
    )
    async with serve(app) as url:
        yield url
