"""`GET /exports/{token}`: the download behind an export link (dialogs/exports.py).

The signed token is the only credential: 404 when it is not ours (or its subject is gone),
410 once it is older than its lifetime, else the file as an attachment that no cache keeps.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from aiohttp import web

from core.clock import Clock
from core.i18n import Catalog, default_catalog
from core.settings import Settings
from dialogs.exports import (
    LINK_LIFETIME,
    PATH_PREFIX,
    Exporters,
    ExportFile,
    LinkExpired,
    LinkInvalid,
    ascii_filename,
    produce,
    read_link,
)
from storage.db import Database

log = logging.getLogger(__name__)

_PRIVATE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def add_export_routes(
    app: web.Application,
    *,
    database: Database,
    settings: Settings,
    clock: Clock,
    exporters: Exporters,
    catalog: Catalog | None = None,
) -> None:
    """Register `GET /exports/{token}` on `app` (no HEAD: only a real download is logged)."""
    words = catalog or default_catalog()
    minutes = int(LINK_LIFETIME.total_seconds() // 60)

    def explain(status: int, key: str) -> web.Response:
        # The requester's language is inside a token we could not trust: say it in both.
        text = "\n".join(words.text(locale, key, minutes=minutes) for locale in ("ja", "en"))
        return web.Response(status=status, text=text + "\n", headers=_PRIVATE)

    async def download(request: web.Request) -> web.Response:
        now = clock.now()
        try:
            grant = read_link(request.match_info["token"], settings=settings, now=now)
        except LinkExpired:
            return explain(410, "exports.expired")
        except LinkInvalid as exc:
            # Not the message: it quotes the token's signature.
            log.info("export link refused: %s", type(exc).__name__)
            return explain(404, "exports.invalid")
        async with database.transaction() as session:
            file = await produce(
                session,
                grant,
                exporters=exporters,
                catalog=words,
                zone=settings.zone,
                now=now,
            )
        if file is None:
            return explain(404, "exports.invalid")
        return web.Response(
            body=file.content,
            headers={
                **_PRIVATE,
                "Content-Type": file.media_type,
                "Content-Disposition": content_disposition(file),
            },
        )

    app.router.add_get(PATH_PREFIX + "{token}", download, allow_head=False)


def content_disposition(file: ExportFile) -> str:
    """`attachment` with an ASCII `filename` for old clients and the real name in
    `filename*` (RFC 6266 / RFC 5987)."""
    return (
        f'attachment; filename="{ascii_filename(file)}"; '
        f"filename*=UTF-8''{quote(file.filename, safe='')}"
    )
