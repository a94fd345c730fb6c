"""Composition root: settings → database → connector → features → adapter → aiohttp app.

Nothing is built at import time; `build_app` wires one instance, `main` runs it.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.connection
import os
import secrets
import signal
import socket
import sys
from functools import partial

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapter import build_adapter
from bot.calendar_files import add_calendar_routes
from bot.deliverer import ConnectorDeliverer
from bot.exports import add_export_routes
from bot.handler import IyoBot
from bot.http import add_routes
from core.clock import Clock, FileClock, SystemClock
from core.i18n import default_catalog
from core.logging import configure_logging
from core.settings import Settings, SettingsError, load_settings
from dialogs import build_exporters, build_router, maintenance
from dialogs.context import Services, TaskContext
from dialogs.digest.resolver import DigestResolver, GraphOpener
from dialogs.dispatch import Dispatcher
from dialogs.platform.coordinators import Coordinators
from dialogs.platform.outbox import OutboxWorker
from dialogs.platform.reach import OtherOrganisations, personal_route
from dialogs.platform.scheduler import Scheduler
from dialogs.platform.tasks import TaskRunner
from dialogs.replies import Message
from dialogs.threads.capture import ThreadCapture
from dialogs.threads.tasks import ThreadSyncWorker
from graph.client import graph_client, graph_configured
from storage.db import Database
from storage.migrate import migrate

log = logging.getLogger("iyowork")

# Teams activities are small; a card action with long comments stays well under this.
MAX_BODY_BYTES = 256 * 1024
# The task runner, for tests that move the clock and run due tasks without waiting a tick.
TASKS_KEY = web.AppKey("iyowork.tasks", TaskRunner)
# The digest resolver, for tests that settle digests whose send had an unknown outcome.
DIGESTS_KEY = web.AppKey("iyowork.digests", DigestResolver)


def build_app(
    settings: Settings, *, clock: Clock | None = None, graph: GraphOpener | None = None
) -> web.Application:
    """The app. `graph` opens a Graph client for the digest's marker search (tests pass a fake
    Graph's); by default it is the bot's own when the settings can sign in to Graph."""
    clock = clock or (FileClock(settings.clock_file) if settings.clock_file else SystemClock())
    database = Database(settings.database_url)
    adapter = build_adapter(settings)
    deliverer = ConnectorDeliverer(adapter, settings.app_id)
    router = build_router()
    services = Services(
        settings=settings,
        clock=clock,
        catalog=default_catalog(),
        router=router,
        roster=deliverer,
        coordinators=Coordinators(settings.coordinator_ids, deliverer, clock),
    )

    async def render(session: AsyncSession, kind: str, subject_id: int) -> Message | None:
        renderer = router.renderers.get(kind)
        return await renderer(TaskContext(session, services), subject_id) if renderer else None

    # No 1:1 chat is tried with people of other organisations in shared channels.
    reach = personal_route(OtherOrganisations(deliverer, clock))
    outbox = OutboxWorker(database, deliverer, clock, render=render, resolve_personal=reach)
    dispatcher = Dispatcher(database, services, on_committed=outbox.wake)
    tasks = TaskRunner(database, router.tasks, lambda session: TaskContext(session, services))
    scheduler = Scheduler(outbox, tasks)
    # Channel history from Graph, when the app registration can sign in to it.
    thread_sync = (
        ThreadSyncWorker(database, clock, settings, lambda: graph_client(settings))
        if graph_configured(settings)
        else None
    )

    # Digests whose send had an unknown outcome are looked for in the channel through Graph.
    if graph is None and graph_configured(settings):
        graph = partial(graph_client, settings)
    digests = DigestResolver(database, clock, graph)

    app = web.Application(client_max_size=MAX_BODY_BYTES * 4)
    app[TASKS_KEY] = tasks
    app[DIGESTS_KEY] = digests
    add_routes(
        app,
        settings=settings,
        adapter=adapter,
        bot=IyoBot(dispatcher, threads=ThreadCapture(database, clock)),
        readiness=database.is_ready,
        max_body_bytes=MAX_BODY_BYTES,
    )
    add_export_routes(
        app, database=database, settings=settings, clock=clock, exporters=build_exporters()
    )
    add_calendar_routes(app, database=database, settings=settings, clock=clock)

    async def start(_: web.Application) -> None:
        if not settings.auth_enabled:
            log.warning("MicrosoftAppId is empty: authentication is OFF (local use only)")
        await migrate(settings.database_url)
        await maintenance.seed(database, clock.now(), settings.zone)
        scheduler.start()
        if thread_sync is not None:
            await thread_sync.start()
        await digests.start()

    async def stop(_: web.Application) -> None:
        await digests.stop()
        if thread_sync is not None:
            await thread_sync.stop()
        await scheduler.shutdown()
        await database.dispose()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    return app


def main() -> None:
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        raise SystemExit(2) from None
    configure_logging(settings.log_level, settings.log_format)
    log.info("IYO WORK bot on http://%s:%s/api/messages", settings.host, settings.port)
    if settings.workers > 1:
        serve_workers(settings)
        return
    web.run_app(build_app(settings), host=settings.host, port=settings.port, print=None)


def serve_workers(settings: Settings) -> None:
    """WEB_CONCURRENCY processes serving one port (SO_REUSEPORT: the kernel spreads the
    connections). One Python process keeps one core busy; a crowd answering a poll at once
    wants them all. The workers share only the database, whose claims already make each
    edit, reminder and digest go out once when several instances run."""
    if not hasattr(socket, "SO_REUSEPORT"):
        print("WEB_CONCURRENCY above 1 needs SO_REUSEPORT (Linux)", file=sys.stderr)
        raise SystemExit(2)
    # Once here, so that the workers find the schema at head instead of racing to migrate.
    asyncio.run(migrate(settings.database_url))
    if not settings.export_secret:
        # A link signed by one worker must open on another.
        os.environ["EXPORT_SECRET"] = secrets.token_urlsafe(32)
    spawn = multiprocessing.get_context("spawn")
    workers = [
        spawn.Process(target=_serve_worker, name=f"iyowork-worker-{n}", daemon=False)
        for n in range(settings.workers)
    ]
    for worker in workers:
        worker.start()

    def stop(_signal: int, _frame: object) -> None:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()  # SIGTERM: each worker shuts down gracefully

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # When one worker dies the service is degraded: stop all, let the host restart us.
    multiprocessing.connection.wait([worker.sentinel for worker in workers])
    stop(signal.SIGTERM, None)
    for worker in workers:
        worker.join()
    failed = [worker.exitcode for worker in workers if worker.exitcode not in (0, -signal.SIGTERM)]
    raise SystemExit(1 if failed else 0)


def _serve_worker() -> None:
    settings = load_settings()  # EXPORT_SECRET now comes from the parent's environment
    configure_logging(settings.log_level, settings.log_format)
    app = build_app(settings)
    web.run_app(app, host=settings.host, port=settings.port, print=None, reuse_port=True)


if __name__ == "__main__":
    main()
