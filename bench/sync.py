"""Thread sync: the Graph requests a backfill of 1,000 threads makes, the requests an unchanged
incremental sync makes, and messages stored per second.

The fake Graph (`tests/fakes/graph.py`, in this process on 127.0.0.1) holds one channel of
1,000 threads with 0–9 replies each (realistic HTML bodies: mentions, links, code, emoji,
reactions), 30 of them active in the last 14 days. The real `GraphServiceClient` reads it
through `ChannelSync` (dialogs/threads/sync.py) into a fresh SQLite file or PostgreSQL database,
once as a backfill and once more 15 minutes later with nothing changed. Requests are counted
at the fake server. A read-only pass (the same pages, parsed, nothing stored) shows how much of
the time is the SDK's parsing rather than the database.

Checked (exit status 1 otherwise):
- the backfill makes one request per page of 50 threads, no replies request (all replies are
  inlined) and one delta request that anchors the delta link;
- the unchanged sync makes one delta request plus one replies request per active thread;
- every message is stored.

    python -m bench sync [--threads 1000] [--active 30] [--backends sqlite,postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.harness import PG_ADMIN, database, machine, postgres_reachable
from core.clock import FrozenClock
from dialogs.threads.store import count_messages
from dialogs.threads.sync import ChannelSync
from graph.channels import messages_page
from graph.client import close_client
from storage.db import Database
from storage.migrate import migrate
from tests.fakes.graph import Author, FakeChannel, FakeGraph, mention

NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
TEAM = "0a1b2c3d-aaaa-4bbb-8ccc-000000000001"
CHANNEL = "19:ehime-it-staff0001@thread.tacv2"
MUNICIPALITIES = ("松山市", "今治市", "宇和島市", "八幡浜市", "新居浜市", "西条市", "大洲市")
TOPICS = (
    "Excelのマクロ問題って、どうやって解決してます？",
    "ユーザー権限って、みなさんどうしてます？",
    "Windows 11 への移行、進んでいますか？",
    "LGWAN 端末のウイルス対策ソフトは何を使っていますか？",
    "ファイルサーバーの容量が足りません",
)


@dataclass
class Row:
    backend: str
    threads: int
    messages: int
    backfill_requests: Counter[str]
    backfill_seconds: float
    incremental_requests: Counter[str]
    incremental_seconds: float
    read_only_seconds: float
    active: int

    @property
    def stored_per_second(self) -> float:
        return self.messages / self.backfill_seconds

    @property
    def read_per_second(self) -> float:
        return self.messages / self.read_only_seconds


def people(count: int) -> list[Author]:
    return [
        Author(f"{MUNICIPALITIES[n % len(MUNICIPALITIES)][:2]} 職員{n}", f"aad-bench-{n:04d}")
        for n in range(count)
    ]


def fill(channel: FakeChannel, threads: int, active: int, seed: int = 7) -> int:
    """`threads` threads, the last `active` of them with a reply in the last 14 days; how many
    messages (posts and replies) they hold."""
    rng = random.Random(seed)
    staff = people(40)
    total = 0
    for number in range(threads):
        recent = number >= threads - active
        start = NOW - (
            timedelta(days=rng.randint(1, 10)) if recent else timedelta(days=30, hours=14 * number)
        )
        asker = rng.choice(staff)
        root = channel.post(
            asker,
            f"<div><p>{rng.choice(TOPICS)}（{number}）</p>"
            '<p>参考: <a href="https://learn.microsoft.com/ja-jp/" target="_blank">Learn</a></p>'
            "</div>",
            at=start,
            subject=f"相談 {number}",
        )
        total += 1
        for reply_number in range(rng.randint(0, 9)):
            who = rng.choice(staff)
            tag, entry = mention(0, asker)
            channel.reply(
                root,
                who,
                f"<div>{tag}&nbsp;うちではこうしています {reply_number} "
                '<emoji id="1f44d" alt="👍"></emoji></div>'
                "<codeblock><code>Get-ADUser -Filter *<br>| Select Name</code></codeblock>",
                at=start + timedelta(hours=reply_number + 1),
                mentions=[entry],
            )
            total += 1
        if rng.random() < 0.3:
            channel.react(root, rng.choice(staff), "like", at=start + timedelta(minutes=30))
    return total


async def read_only(graph: FakeGraph, client: Any) -> float:
    """Seconds to read and parse every page of posts without storing anything."""
    started = time.perf_counter()
    link: str | None = None
    while True:
        page = await messages_page(client, TEAM, CHANNEL, link)
        if not page.next_link:
            return time.perf_counter() - started
        link = page.next_link


async def measure(backend: str, threads: int, active: int) -> Row:
    async with FakeGraph() as graph, database(backend) as url:
        messages = fill(graph.add_channel(TEAM, CHANNEL), threads, active)
        await migrate(url)
        db = Database(url)
        client = graph.client()
        try:
            clock = FrozenClock(NOW)
            sync = ChannelSync(db, client, clock, retention_months=24)
            read_seconds = await read_only(graph, client)
            graph.requests.clear()
            started = time.perf_counter()
            first = await sync.run(TEAM, CHANNEL)
            backfill_seconds = time.perf_counter() - started
            backfill: Counter[str] = Counter(r.kind for r in graph.requests)
            if not first.ok:
                raise RuntimeError(f"backfill failed: {first.error}")
            async with db.transaction() as session:
                stored = await count_messages(session, CHANNEL)
            if stored != messages:
                raise RuntimeError(f"{stored} messages stored of {messages}")
            clock.advance(timedelta(minutes=15))
            graph.requests.clear()
            started = time.perf_counter()
            second = await sync.run(TEAM, CHANNEL)
            incremental_seconds = time.perf_counter() - started
            if not second.ok:
                raise RuntimeError(f"incremental sync failed: {second.error}")
            incremental: Counter[str] = Counter(r.kind for r in graph.requests)
        finally:
            await close_client(client)
            await db.dispose()
    return Row(
        backend, threads, messages, backfill, backfill_seconds, incremental,
        incremental_seconds, read_seconds, active,
    )  # fmt: skip


def problems(row: Row) -> list[str]:
    found = []
    pages = math.ceil(row.threads / 50)
    expected_backfill = Counter({"messages": pages, "delta": 1})
    if row.backfill_requests != expected_backfill:
        found.append(f"{row.backend}: backfill made {dict(row.backfill_requests)}")
    expected_incremental = Counter({"delta": 1, "replies": row.active})
    if row.incremental_requests != expected_incremental:
        found.append(f"{row.backend}: unchanged sync made {dict(row.incremental_requests)}")
    return found


def _requests(counts: Counter[str]) -> str:
    return " + ".join(f"{counts[kind]} {kind}" for kind in ("messages", "replies", "delta"))


def table(rows: list[Row]) -> str:
    lines = [
        "| backend | threads | messages | backfill requests | backfill s | stored msg/s "
        "| read-only msg/s | unchanged sync requests | unchanged sync s |",
        "|---|---:|---:|---|---:|---:|---:|---|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.backend} | {row.threads} | {row.messages} | "
            f"{_requests(row.backfill_requests)} | {row.backfill_seconds:.1f} | "
            f"{row.stored_per_second:.0f} | {row.read_per_second:.0f} | "
            f"{_requests(row.incremental_requests)} | {row.incremental_seconds:.2f} |"
        )
    lines.append("")
    lines.append(f"Measured on {machine()}; fake Graph in the same process.")
    return "\n".join(lines)


async def run(threads: int, active: int, backends: list[str]) -> tuple[str, list[str]]:
    rows: list[Row] = []
    found: list[str] = []
    for backend in backends:
        if backend == "postgres" and not await postgres_reachable():
            print(f"PostgreSQL unreachable at {PG_ADMIN}: skipped", file=sys.stderr)
            continue
        row = await measure(backend, threads, active)
        rows.append(row)
        found.extend(problems(row))
    return table(rows), found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--threads", type=int, default=1000)
    parser.add_argument("--active", type=int, default=30)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args(argv)
    report, found = asyncio.run(run(args.threads, args.active, args.backends.split(",")))
    print(report)
    for problem in found:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
