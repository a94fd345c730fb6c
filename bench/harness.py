"""What the benchmarks share: a fresh database, the fake Bot Connector, the app and the bare
botbuilder baseline bot as child processes, percentiles and a description of the machine.

The baseline bot runs as `python -m bench.harness PORT`: stock `CloudAdapter` + a tiny
`ActivityHandler` that echoes every message and answers every invoke with one fixed card, no
storage and no routing. It is what botbuilder costs before the app does anything.
"""

from __future__ import annotations

import asyncio
import os
import platform
import secrets
import sys
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg

from tests.fakes.connector import FakeConnector, FakeTeam
from tests.fixtures.connector import TEAM, TENANT_ID
from tools import localstack

PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
BASELINE_CARD: dict[str, Any] = {
    "type": "AdaptiveCard",
    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
    "version": "1.5",
    "body": [{"type": "TextBlock", "text": "OK", "wrap": True}],
}


def percentile(values: Sequence[float], p: float) -> float:
    """The `p`-th percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def machine() -> str:
    """CPU model, CPU count, Python and kernel: what a table of numbers was measured on."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = models[0] if models else cpu
    return (
        f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


# --- far side and storage -------------------------------------------------------------------


@asynccontextmanager
async def fake_connector() -> AsyncIterator[FakeConnector]:
    """The fake Bot Connector on 127.0.0.1, knowing the test team (no roster)."""
    async with FakeConnector(tenant_id=TENANT_ID) as connector:
        connector.add_team(FakeTeam(TEAM.id, TEAM.name, TEAM.aad_group_id, list(TEAM.channels)))
        yield connector


@asynccontextmanager
async def database(backend: str) -> AsyncIterator[str]:
    """A fresh, empty database URL for the app (it migrates on start), dropped afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-") as folder:
            yield f"sqlite+aiosqlite:///{folder}/bench.db"
        return
    name = f"iyowork_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(PG_ADMIN, timeout=5)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") + (
            f"/{name}"
        )
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def postgres_reachable() -> bool:
    try:
        connection = await asyncpg.connect(PG_ADMIN, timeout=3)
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return False
    await connection.close()
    return True


# --- bots under test ------------------------------------------------------------------------


@asynccontextmanager
async def server(args: list[str], env: dict[str, str], log_path: Path) -> AsyncIterator[str]:
    """A bot process (`python *args`), ready on GET /readyz before the block runs."""
    child = await asyncio.to_thread(localstack.start_bot, env, args=args, log_path=log_path)
    try:
        yield child.url
    finally:
        await asyncio.to_thread(child.stop)


@asynccontextmanager
async def app_server(
    database_url: str, log_path: Path, *, coordinator_ids: str = ""
) -> AsyncIterator[str]:
    """The real app (`python app.py`: build_app, system clock, no app id) on a free port."""
    env = localstack.bot_environment(
        port=localstack.free_port(), database_url=database_url, coordinator_ids=coordinator_ids,
        extra={"LOG_LEVEL": "WARNING"},
    )  # fmt: skip
    async with server(["app.py"], env, log_path) as url:
        yield url


@asynccontextmanager
async def baseline_server(log_path: Path) -> AsyncIterator[str]:
    """The bare botbuilder bot (`serve_baseline`) on a free port."""
    port = localstack.free_port()
    env = {**os.environ, "PORT": str(port)}
    async with server(["-m", "bench.harness", str(port)], env, log_path) as url:
        yield url


def serve_baseline(port: int) -> None:
    """The botbuilder baseline: messages are echoed, invokes answered with `BASELINE_CARD`."""
    from aiohttp import web
    from botbuilder.core import ActivityHandler, InvokeResponse, MessageFactory, TurnContext
    from botbuilder.integration.aiohttp import (
        CloudAdapter,
        ConfigurationBotFrameworkAuthentication,
    )
    from botbuilder.schema import AdaptiveCardInvokeResponse

    class Config:
        APP_ID = ""
        APP_PASSWORD = ""
        APP_TYPE = "MultiTenant"
        APP_TENANTID = ""

    class BaselineBot(ActivityHandler):  # type: ignore[misc]
        async def on_message_activity(self, turn_context: TurnContext) -> None:
            await turn_context.send_activity(MessageFactory.text(turn_context.activity.text))

        async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
            # A Model body, serialised once by the stock `process` (a dict would fail there).
            card = AdaptiveCardInvokeResponse(
                status_code=200, type="application/vnd.microsoft.card.adaptive", value=BASELINE_CARD
            )
            return InvokeResponse(status=200, body=card)

    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(Config()))
    bot = BaselineBot()

    async def messages(request: web.Request) -> web.Response:
        response = await adapter.process(request, bot)
        return response or web.Response(status=201)

    async def ready(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/readyz", ready)
    app.router.add_get("/healthz", ready)
    web.run_app(app, host="127.0.0.1", port=port, print=None)


if __name__ == "__main__":
    serve_baseline(int(sys.argv[1]))
