"""What the benchmarks share: a fresh database, the fake Bot Connector, the app and the bare
botbuilder baseline bot as child processes, percentiles and a description of the machine, and
bursts of invokes all in flight at once (`staff`, `open_connections`, `fire`).

The baseline bot runs as `python -m bench.harness PORT`: stock `CloudAdapter` + a tiny
`ActivityHandler` that echoes every message and answers every invoke with one fixed card, no
storage and no routing. It is what botbuilder costs before the app does anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import secrets
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg

from tests.fakes.connector import ADAPTIVE_CARD, FakeConnector, FakeTeam
from tests.fixtures.connector import TEAM, TENANT_ID, TeamsUser
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


class BotUrl(str):
    """A bot's base URL that also knows the bot's process id, to read the CPU it spends."""

    pid: int

    def __new__(cls, url: str, pid: int) -> BotUrl:
        made = super().__new__(cls, url)
        made.pid = pid
        return made

    def cpu_seconds(self) -> float | None:
        """User + system CPU time the bot has used so far, its worker processes included (None
        off Linux). Unlike latency, it hardly moves when other work shares the machine."""
        if not Path(f"/proc/{self.pid}/stat").exists():
            return None
        used = 0.0
        for pid in localstack.family(self.pid):
            try:
                # After the parenthesised command name: utime and stime are the 12th and 13th.
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # it ended while we looked
            used += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return used


@asynccontextmanager
async def server(args: list[str], env: dict[str, str], log_path: Path) -> AsyncIterator[BotUrl]:
    """A bot process (`python *args`), ready on GET /readyz before the block runs."""
    child = await asyncio.to_thread(localstack.start_bot, env, args=args, log_path=log_path)
    try:
        yield BotUrl(child.url, child.process.pid)
    finally:
        await asyncio.to_thread(child.stop)


@asynccontextmanager
async def app_server(
    database_url: str, log_path: Path, *, coordinator_ids: str = "", workers: int = 1
) -> AsyncIterator[BotUrl]:
    """The real app (`python app.py`: build_app, system clock, no app id) on a free port, in
    `workers` processes (WEB_CONCURRENCY)."""
    env = localstack.bot_environment(
        port=localstack.free_port(), database_url=database_url, coordinator_ids=coordinator_ids,
        extra={"LOG_LEVEL": "WARNING", "WEB_CONCURRENCY": str(workers)},
    )  # fmt: skip
    async with server(["app.py"], env, log_path) as url:
        yield url


@asynccontextmanager
async def baseline_server(log_path: Path) -> AsyncIterator[BotUrl]:
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


# --- bursts of invokes ----------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What one POST of a burst got back: round trip, status, and the card answered (if any)."""

    latency_ms: float
    status: int
    card: dict[str, Any] | None
    text: str

    @property
    def problem(self) -> str | None:
        """One line when this is not a 200 answered with a card."""
        if self.status != 200:
            return f"HTTP {self.status}: {self.text[:200]}"
        if self.card is None:
            return f"not a card: {self.text[:200]}"
        return None


@dataclass(frozen=True)
class Burst:
    """The answers of a burst, in the order of the bodies sent, and how long it took."""

    answers: list[Answer]
    seconds: float

    @property
    def latencies_ms(self) -> list[float]:
        return [answer.latency_ms for answer in self.answers]


def staff(size: int, series: int) -> list[TeamsUser]:
    """`size` distinct staff members (own Teams id, Entra object id and name); `series`
    (0–4095) keeps the people of different benchmarks apart."""
    return [
        TeamsUser(
            name=f"職員 {n:03d}",
            teams_id=f"29:1bench{series:03x}{n:04d}",
            aad_object_id=f"aad00000-0000-4000-b{series:03x}-{n:012d}",
            upn=f"staff{series:03x}{n:04d}@pref.ehime.example",
        )
        for n in range(size)
    ]


def walk(node: object) -> Iterator[dict[str, Any]]:
    """Every object in a card (or any JSON), depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def card_text(card: dict[str, Any]) -> str:
    """Every `text` of a card, joined by spaces (TextBlocks and TextRuns)."""
    return " ".join(str(node["text"]) for node in walk(card) if isinstance(node.get("text"), str))


def client(width: int) -> aiohttp.ClientSession:
    """An HTTP client that keeps `width` connections open at once."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=width + 10),
        timeout=aiohttp.ClientTimeout(total=60),
    )


async def open_connections(session: aiohttp.ClientSession, url: str, count: int) -> None:
    """Open `count` keep-alive connections first, so a burst measures invokes, not the listen
    backlog of hundreds of simultaneous TCP handshakes."""

    async def one() -> None:
        async with session.get(f"{url}/healthz") as response:
            await response.read()

    await asyncio.gather(*(one() for _ in range(count)))


async def fire(session: aiohttp.ClientSession, url: str, bodies: list[dict[str, Any]]) -> Burst:
    """POST all `bodies` to `url`/api/messages at once; what each got back, in their order."""

    async def one(body: dict[str, Any]) -> Answer:
        started = time.perf_counter()
        async with session.post(f"{url}/api/messages", json=body) as response:
            text = await response.text()
        latency = (time.perf_counter() - started) * 1000
        card = None
        with contextlib.suppress(ValueError):
            answer = json.loads(text) if text else None
            if isinstance(answer, dict) and answer.get("type") == ADAPTIVE_CARD:
                value = answer.get("value")
                card = value if isinstance(value, dict) else None
        return Answer(latency, response.status, card, text)

    started = time.perf_counter()
    answers = await asyncio.gather(*(one(body) for body in bodies))
    return Burst(list(answers), time.perf_counter() - started)


if __name__ == "__main__":
    serve_baseline(int(sys.argv[1]))
