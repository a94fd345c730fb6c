"""`GET /events/{token}.ics`: an event's calendar file, for the "add to calendar" link.

The token is the only key (calendar clients cannot sign in), so it is long and random and an
unknown one learns nothing: 404 with a plain "not found", whatever the reason.
"""

from __future__ import annotations

import re

from aiohttp import web

from core.clock import Clock
from core.settings import Settings
from dialogs.events.calendar import calendar_filename, event_ics
from dialogs.events.store import event_by_token
from storage.db import Database

# What secrets.token_urlsafe makes; anything else is not worth a database query.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def add_calendar_routes(
    app: web.Application, *, database: Database, settings: Settings, clock: Clock
) -> None:
    """Register `GET /events/{token}.ics`: 200 `text/calendar` (an attachment named
    `iyowork-<date>.ics`, never cached, so a changed event is fetched fresh) or 404."""

    async def calendar_file(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        if not TOKEN_PATTERN.fullmatch(token):
            return _not_found()
        async with database.transaction() as session:
            event = await event_by_token(session, token)
        if event is None:
            return _not_found()
        return web.Response(
            body=event_ics(event, zone=settings.zone, now=clock.now()),
            content_type="text/calendar",
            charset="utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{calendar_filename(event)}"',
                "Cache-Control": "no-store",
            },
        )

    app.router.add_get("/events/{token}.ics", calendar_file)


def _not_found() -> web.Response:
    return web.Response(status=404, text="not found", headers={"Cache-Control": "no-store"})
