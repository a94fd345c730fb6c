"""The bot's HTTP surface: /api/messages with edge checks, /healthz and /readyz."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web
from botbuilder.core import Bot

from bot.adapter import IyoCloudAdapter
from core.settings import Settings

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
MESSAGES_PATH = "/api/messages"


def add_routes(
    app: web.Application,
    *,
    settings: Settings,
    adapter: IyoCloudAdapter,
    bot: Bot,
    readiness: Callable[[], Awaitable[bool]],
    max_body_bytes: int = MAX_BODY_BYTES,
) -> None:
    """Register the bot's routes on `app`.

    `POST /api/messages` refuses, before botbuilder sees the body: a body over `max_body_bytes`
    (413), a body that is not a JSON object (400), an activity without `type` (400), and — when
    `settings.allowed_tenant_ids` is not empty — an activity from any other tenant (403).
    Everything else goes to `adapter.process_body` (token check → 401, then `bot.on_turn`).
    `GET /healthz` answers 200 `ok` while the process runs; `GET /readyz` answers 200 when
    `readiness()` is true (database reachable, jobs started…) and 503 otherwise.
    """
    allowed = frozenset(settings.allowed_tenant_ids)

    async def messages(request: web.Request) -> web.Response:
        raw = await _read_bounded(request, max_body_bytes)
        if raw is None:
            return web.Response(
                status=413, text=f"the activity is larger than {max_body_bytes // 1024} KB"
            )
        try:
            body = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return web.Response(status=400, text="the body is not JSON")
        if not isinstance(body, dict):
            return web.Response(status=400, text="the body is not an activity")
        if not isinstance(body.get("type"), str) or not body["type"]:
            return web.Response(status=400, text="the activity has no type")
        if allowed:
            tenants = tenants_of(body)
            # Both places must name an allowed tenant: one forged field must not let it in.
            if not tenants or not tenants <= allowed:
                log.warning("refused activity %s from tenant %s", body.get("id"), sorted(tenants))
                return web.Response(status=403, text="this tenant may not use the bot")
        return await adapter.process_body(body, request.headers.get("Authorization", ""), bot)

    async def healthz(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def readyz(_: web.Request) -> web.Response:
        try:
            ready = await readiness()
        except Exception as exc:
            # A probe that cannot tell is a "no"; the orchestrator asks again.
            log.warning("readiness check failed: %s", type(exc).__name__)
            ready = False
        if ready:
            return web.Response(text="ready")
        return web.Response(status=503, text="not ready")

    app.router.add_post(MESSAGES_PATH, messages)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)


def tenants_of(activity: Mapping[str, Any]) -> set[str]:
    """Every tenant id an activity names (`conversation.tenantId`, `channelData.tenant.id`)."""
    found: set[str] = set()
    conversation = activity.get("conversation")
    if isinstance(conversation, Mapping):
        # Teams sends "tenantId"; botbuilder's model reads "tenantID": check whichever is there.
        for key in ("tenantId", "tenantID"):
            tenant = conversation.get(key)
            if isinstance(tenant, str) and tenant:
                found.add(tenant)
    channel_data = activity.get("channelData")
    if isinstance(channel_data, Mapping):
        tenant_info = channel_data.get("tenant")
        if isinstance(tenant_info, Mapping):
            tenant = tenant_info.get("id")
            if isinstance(tenant, str) and tenant:
                found.add(tenant)
    return found


async def _read_bounded(request: web.Request, limit: int) -> bytes | None:
    """The body, or None when it is larger than `limit` (read no further than that)."""
    if request.content_length is not None and request.content_length > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = await request.content.read(64 * 1024)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
