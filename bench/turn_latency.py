"""Turn latency: 500 `ヘルプ` posts (50 at a time) through the real HTTP endpoint.

The real app (`python app.py`, in its own process, on SQLite and on PostgreSQL) and a bare
botbuilder echo bot (ActivityHandler + CloudAdapter, bench/harness.py, in its own process)
answer the same Teams-shaped channel messages; both send their reply to the fake Bot Connector
running in this process. Latency is the POST /api/messages round trip, which includes sending
the reply.

    python -m bench.turn_latency [--turns 500] [--concurrency 50] [--backends sqlite,postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bench.harness import (
    PG_ADMIN,
    app_server,
    baseline_server,
    database,
    fake_connector,
    machine,
    percentile,
    postgres_reachable,
)
from tests.fakes.connector import FakeConnector
from tests.fixtures.connector import Activities

WARM_UP = 20


@dataclass(frozen=True)
class Result:
    name: str
    latencies_ms: list[float]
    seconds: float
    replies: int

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p99(self) -> float:
        return percentile(self.latencies_ms, 99)


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


async def measure(backend: str, turns: int, width: int, logs: Path) -> tuple[Result, Result]:
    async with fake_connector() as connector:
        async with (
            database(backend) as url,
            app_server(url, logs / f"app-{backend}.log") as app_url,
        ):
            app = await drive(f"IYO WORK app, {backend}", app_url, connector, turns, width)
        async with baseline_server(logs / "echo.log") as echo_url:
            echo = await drive("botbuilder echo bot", echo_url, connector, turns, width)
    return app, echo


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
    args = parser.parse_args(argv)
    print(asyncio.run(run(args.turns, args.concurrency, args.backends.split(","))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
