"""Footprint: how long the app takes to start and how much memory it holds.

The real app (`python app.py`, its own process, no app id) is started twice on a fresh
database: the first start migrates it, the second finds it migrated (a restart). Start-up is
the time from launching the process to the first 200 of GET /readyz (database reachable and at
the latest migration). Resident memory (VmRSS) is read from /proc when the process has been
idle for a few seconds after start-up, and again after 200 `ヘルプ` turns. The bare botbuilder
echo bot (bench/harness.py) is measured the same way, as the baseline.

    python -m bench footprint [--backends sqlite,postgres] [--turns 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bench.harness import PG_ADMIN, database, fake_connector, machine, postgres_reachable
from tests.fakes.connector import FakeConnector
from tests.fixtures.connector import Activities
from tools import localstack

IDLE_SECONDS = 3.0


@dataclass(frozen=True)
class Footprint:
    name: str
    first_start_s: float
    restart_s: float | None
    idle_rss_mib: float
    busy_rss_mib: float
    turns: int


def rss_mib(pid: int) -> float:
    """The process's resident memory (VmRSS), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


@asynccontextmanager
async def started(
    args: list[str], env: dict[str, str], log_path: Path
) -> AsyncIterator[tuple[localstack.Child, float]]:
    """The process, ready, and how long it took to be."""
    began = time.perf_counter()
    child = await asyncio.to_thread(localstack.start_bot, env, args=args, log_path=log_path)
    seconds = time.perf_counter() - began
    try:
        yield child, seconds
    finally:
        await asyncio.to_thread(child.stop)


async def help_turns(url: str, connector: FakeConnector, turns: int) -> None:
    """`turns` channel messages `@IYO WORK ヘルプ`, 10 at a time."""
    activities = Activities(connector.url)
    limit = asyncio.Semaphore(10)
    async with aiohttp.ClientSession() as session:

        async def one() -> None:
            async with (
                limit,
                session.post(
                    f"{url}/api/messages", json=activities.channel_message("ヘルプ")
                ) as answer,
            ):
                await answer.read()
                if answer.status >= 300:
                    raise RuntimeError(f"HTTP {answer.status}")

        await asyncio.gather(*(one() for _ in range(turns)))


async def measure_app(backend: str, turns: int, logs: Path) -> Footprint:
    async with fake_connector() as connector, database(backend) as url:

        def environment() -> dict[str, str]:
            return localstack.bot_environment(
                port=localstack.free_port(),
                database_url=url,
                coordinator_ids="",
                extra={"LOG_LEVEL": "WARNING"},
            )

        async with started(["app.py"], environment(), logs / f"first-{backend}.log") as (_, first):
            pass
        async with started(["app.py"], environment(), logs / f"again-{backend}.log") as (
            child,
            again,
        ):
            await asyncio.sleep(IDLE_SECONDS)
            idle = rss_mib(child.process.pid)
            await help_turns(child.url, connector, turns)
            busy = rss_mib(child.process.pid)
    return Footprint(f"IYO WORK app, {backend}", first, again, idle, busy, turns)


async def measure_baseline(turns: int, logs: Path) -> Footprint:
    port = localstack.free_port()
    env = {**os.environ, "PORT": str(port)}
    async with (
        fake_connector() as connector,
        started(["-m", "bench.harness", str(port)], env, logs / "echo.log") as (child, first),
    ):
        await asyncio.sleep(IDLE_SECONDS)
        idle = rss_mib(child.process.pid)
        await help_turns(child.url, connector, turns)
        busy = rss_mib(child.process.pid)
    return Footprint("botbuilder echo bot", first, None, idle, busy, turns)


def table(rows: list[Footprint]) -> str:
    lines = [
        "| process | start-up s (fresh database) | start-up s (restart) | idle RSS MiB "
        "| RSS MiB after turns | turns |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        restart = "–" if row.restart_s is None else f"{row.restart_s:.2f}"
        lines.append(
            f"| {row.name} | {row.first_start_s:.2f} | {restart} | {row.idle_rss_mib:.0f} "
            f"| {row.busy_rss_mib:.0f} | {row.turns} |"
        )
    lines.append("")
    lines.append(f"Measured on {machine()}.")
    return "\n".join(lines)


async def run(backends: list[str], turns: int) -> str:
    rows: list[Footprint] = []
    with tempfile.TemporaryDirectory(prefix="bench-logs-") as folder:
        logs = Path(folder)
        rows.append(await measure_baseline(turns, logs))
        for backend in backends:
            if backend == "postgres" and not await postgres_reachable():
                print(f"PostgreSQL unreachable at {PG_ADMIN}: skipped", file=sys.stderr)
                continue
            rows.append(await measure_app(backend, turns, logs))
    return table(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--turns", type=int, default=200)
    args = parser.parse_args(argv)
    if not Path("/proc/self/status").exists():
        print("footprint needs /proc (Linux): skipped", file=sys.stderr)
        return 0
    print(asyncio.run(run(args.backends.split(","), args.turns)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
