"""Turn latency: 500 `ヘルプ` posts (50 at a time) through the real HTTP endpoint.

The real app (`python app.py`, in its own process, on SQLite and on PostgreSQL) and a bare
botbuilder echo bot (ActivityHandler + CloudAdapter, below, in its own process) answer the same
Teams-shaped channel messages; both send their reply to the fake Bot Connector running in this
process. Latency is the POST /api/messages round trip, which includes sending the reply.

    python -m bench.turn_latency [--turns 500] [--concurrency 50] [--backends sqlite,postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import asyncpg

from tests.fakes.connector import FakeConnector, FakeTeam
from tests.fixtures.connector import TEAM, TENANT_ID, Activities
from tools import localstack

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
WARM_UP = 20


@dataclass(frozen=True)
class Result:
    name: str
    latencies_ms: list[float]
    seconds: float
    replies: int

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p99(self) -> float:
        return self.percentile(99)


# --- the bare echo bot (run as `python -m bench.turn_latency --echo-server PORT`) -------------


def serve_echo(port: int) -> None:
    """The botbuilder baseline: no storage, no routing, one text reply per message."""
    from aiohttp import web
    from botbuilder.core import ActivityHandler, MessageFactory, TurnContext
    from botbuilder.integration.aiohttp import (
        CloudAdapter,
        ConfigurationBotFrameworkAuthentication,
    )

    class Config:
        APP_ID = ""
        APP_PASSWORD = ""
        APP_TYPE = "MultiTenant"
        APP_TENANTID = ""

    class EchoBot(ActivityHandler):  # type: ignore[misc]
        async def on_message_activity(self, turn_context: TurnContext) -> None:
            await turn_context.send_activity(MessageFactory.text(turn_context.activity.text))

    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(Config()))
    bot = EchoBot()

    async def messages(request: web.Request) -> web.Response:
        response = await adapter.process(request, bot)
        return response or web.Response(status=201)

    async def ready(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/readyz", ready)
    web.run_app(app, host="127.0.0.1", port=port, print=None)


# --- load -----------------------------------------------------------------------------------


async def drive(name: str, url: str, connector: FakeConnector, turns: int, width: int) -> Result:
    """Post `turns` help requests, `width` at a time; the latency of each round trip."""
    activities = Activities(connector.url)
    bodies = [activities.channel_message("ヘルプ") for _ in range(turns + WARM_UP)]
    limit = asyncio.Semaphore(width)
    latencies: list[float] = []
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=width), timeout=aiohttp.ClientTimeout(total=60)
    ) as session:

        async def one(body: dict[str, object], record: bool) -> None:
            async with limit:
                started = time.perf_counter()
                async with session.post(f"{url}/api/messages", json=body) as response:
                    await response.read()
                    if response.status >= 300:
                        raise RuntimeError(f"{name}: HTTP {response.status}")
                if record:
                    latencies.append((time.perf_counter() - started) * 1000)

        await asyncio.gather(*(one(body, False) for body in bodies[:WARM_UP]))
        sent_before = len(connector.sent)
        started = time.perf_counter()
        await asyncio.gather(*(one(body, True) for body in bodies[WARM_UP:]))
        seconds = time.perf_counter() - started
    return Result(name, latencies, seconds, len(connector.sent) - sent_before)


@asynccontextmanager
async def server(args: list[str], env: dict[str, str], log_path: Path) -> AsyncIterator[str]:
    """A bot process (`python *args`), ready on GET /readyz before the block runs."""
    child = await asyncio.to_thread(localstack.start_bot, env, args=args, log_path=log_path)
    try:
        yield child.url
    finally:
        await asyncio.to_thread(child.stop)


@asynccontextmanager
async def database(backend: str) -> AsyncIterator[str]:
    """A fresh, empty database URL for the app (it migrates on start)."""
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


async def measure(backend: str, turns: int, width: int, logs: Path) -> tuple[Result, Result]:
    async with FakeConnector(tenant_id=TENANT_ID) as connector:
        connector.add_team(FakeTeam(TEAM.id, TEAM.name, TEAM.aad_group_id, list(TEAM.channels)))
        async with database(backend) as url:
            env = localstack.bot_environment(
                port=localstack.free_port(), database_url=url, coordinator_ids="",
                extra={"LOG_LEVEL": "WARNING"},
            )  # fmt: skip
            async with server(["app.py"], env, logs / f"app-{backend}.log") as app_url:
                app = await drive(f"IYO WORK app, {backend}", app_url, connector, turns, width)
        port = localstack.free_port()
        env = {**os.environ, "PORT": str(port)}
        echo_args = ["-m", "bench.turn_latency", "--echo-server", str(port)]
        async with server(echo_args, env, logs / "echo.log") as echo_url:
            echo = await drive("botbuilder echo bot", echo_url, connector, turns, width)
    return app, echo


async def postgres_reachable() -> bool:
    try:
        connection = await asyncpg.connect(PG_ADMIN, timeout=3)
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return False
    await connection.close()
    return True


def machine() -> str:
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


def table(rows: list[tuple[Result, Result]], turns: int, width: int) -> str:
    lines = [
        f"{turns} turns, {width} concurrent, after {WARM_UP} warm-up turns; {machine()}",
        "",
        "| bot | p50 ms | p99 ms | turns/s | replies sent | p50 vs echo | p99 vs echo |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for app, echo in rows:
        for result in (echo, app):
            lines.append(
                f"| {result.name} | {result.p50:.1f} | {result.p99:.1f} "
                f"| {len(result.latencies_ms) / result.seconds:.0f} | {result.replies} "
                f"| {result.p50 / echo.p50:.1f}× | {result.p99 / echo.p99:.1f}× |"
            )
    return "\n".join(lines)


async def run(turns: int, width: int, backends: list[str]) -> str:
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-logs-") as folder:
        for backend in backends:
            if backend == "postgres" and not await postgres_reachable():
                print(f"PostgreSQL unreachable at {PG_ADMIN}: skipped", file=sys.stderr)
                continue
            rows.append(await measure(backend, turns, width, Path(folder)))
    return table(rows, turns, width)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--echo-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.echo_server:
        serve_echo(args.echo_server)
        return 0
    print(asyncio.run(run(args.turns, args.concurrency, args.backends.split(","))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
