"""Poll burst: 300 distinct people answer one 日程調整 poll at the same moment, over HTTP.

A coordinator opens a poll with one channel message to the real app (`python app.py`, its own
process, a fresh SQLite file or PostgreSQL database); then 300 people, each with their own
Entra object id and name, press 回答する on its card at once: 300 `adaptiveCard/action`
invokes (`poll.answer`) in flight together. The same 300 invokes then go to a bare botbuilder
bot that answers each with a fixed card (bench/harness.py), the baseline of the same run.

Checked: every invoke answers 200 with a card, under Teams' 5 s (unless the bare bot missed it
too: then the machine is too busy to judge) and at most 1.5× the bare bot's slowest; the
database holds 300 answers; the poll's shared card ends up saying 回答 300名 after far fewer
than 300 edits (the outbox merges pending edits and spaces them ≥ 2 s apart). Exit status 1
when any of that fails. Besides latency, the CPU time each bot process spent per invoke: it
hardly moves with other work on the machine, so it compares the two best.

    python -m bench.poll_burst [--people 300] [--backends sqlite,postgres] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from sqlalchemy import func, select

from bench.harness import (
    PG_ADMIN,
    BotUrl,
    app_server,
    baseline_server,
    card_text,
    client,
    database,
    fake_connector,
    machine,
    open_connections,
    percentile,
    postgres_reachable,
    walk,
)
from core.i18n import default_catalog, locale_of
from storage.db import Database
from storage.models import PollAnswerRow
from tests.fakes.connector import ADAPTIVE_CARD, FakeConnector, Posted
from tests.fixtures.connector import TARO, Activities, TeamsUser

JST = ZoneInfo("Asia/Tokyo")
TEAMS_INVOKE_LIMIT_MS = 5000.0
WARM_UP = 10  # poll.view invokes by the coordinator before the burst, not counted
# A single process may be this much slower than the bare botbuilder bot at its slowest invoke.
MAX_VS_BASELINE = 1.5
FINAL_CARD_WITHIN = 30.0  # seconds for the shared card to show every answer after the burst
CHOICES = ("onsite", "online", "maybe", "no")


@dataclass
class Result:
    name: str
    latencies_ms: list[float]
    seconds: float
    failures: list[str] = field(default_factory=list)  # non-200 or not a card, one line each
    stored: int | None = None  # answers in the database (the app only)
    card_updates: int | None = None  # edits of the shared card that reached the connector
    final_card_ok: bool | None = None  # the last edit shows every respondent
    cpu_seconds: float | None = None  # the bot process's CPU during the burst (Linux)

    @property
    def cpu_ms_per_invoke(self) -> float | None:
        if self.cpu_seconds is None:
            return None
        return self.cpu_seconds * 1000 / len(self.latencies_ms)

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p99(self) -> float:
        return percentile(self.latencies_ms, 99)

    @property
    def max(self) -> float:
        return max(self.latencies_ms)


def crowd(size: int) -> list[TeamsUser]:
    """`size` distinct staff members (own Teams id, Entra object id and name)."""
    return [
        TeamsUser(
            name=f"職員 {n:03d}",
            teams_id=f"29:1burst{n:04d}",
            aad_object_id=f"aad00000-0000-4000-a000-{n:012d}",
            upn=f"staff{n:04d}@pref.ehime.example",
        )
        for n in range(size)
    ]


def poll_command(today: date) -> str:
    """The coordinator's one line, with three dates 2–4 weeks ahead of `today` (as typed: ISO,
    so the year is never in doubt) and no deadline."""
    dates = " ".join((today + timedelta(days=days)).isoformat() for days in (14, 21, 28))
    return f"日程調整 第2回IYO WORK {dates} 会場:松前町役場"


def _answer_action(card: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The data of the card's 回答する (poll.answer) button and the ids of its choice inputs."""
    data = next(
        node["data"]
        for node in walk(card)
        if node.get("type") == "Action.Execute" and node.get("verb") == "poll.answer"
    )
    inputs = [str(node["id"]) for node in walk(card) if node.get("type") == "Input.ChoiceSet"]
    return dict(data), inputs


async def _poll_post(connector: FakeConnector, within: float = 15.0) -> Posted:
    """The poll's own thread: the first post carrying a card."""
    deadline = time.monotonic() + within
    while True:
        posts = [p for p in connector.sent if p.card is not None]
        if posts:
            return posts[0]
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise RuntimeError("the poll card was never posted")
        with contextlib.suppress(TimeoutError):
            await connector.wait_for_sent(len(connector.sent) + 1, within=remaining)


async def _fire(
    session: aiohttp.ClientSession, url: BotUrl, bodies: list[dict[str, Any]], result: Result
) -> None:
    """POST all `bodies` at once; record each round trip, what was wrong with its answer and
    the CPU time the bot spent on them all."""

    async def one(body: dict[str, Any]) -> None:
        started = time.perf_counter()
        async with session.post(f"{url}/api/messages", json=body) as response:
            text = await response.text()
            answer = await response.json(content_type=None) if text else None
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            result.failures.append(f"HTTP {response.status}: {text[:200]}")
        elif not isinstance(answer, dict) or answer.get("type") != ADAPTIVE_CARD:
            result.failures.append(f"not a card: {text[:200]}")

    cpu_before = url.cpu_seconds()
    started = time.perf_counter()
    await asyncio.gather(*(one(body) for body in bodies))
    result.seconds = time.perf_counter() - started
    cpu_after = url.cpu_seconds()
    if cpu_before is not None and cpu_after is not None:
        result.cpu_seconds = cpu_after - cpu_before


async def burst_app(
    backend: str, people: list[TeamsUser], connector: FakeConnector, logs: Path, workers: int = 1
) -> Result:
    """Open a poll on the app, then have `people` answer it at once."""
    activities = Activities(connector.url)
    name = f"IYO WORK app, {backend}" + (f", {workers} workers" if workers > 1 else "")
    result = Result(name, [], 0.0)
    log = logs / f"app-{backend}-{workers}.log"
    async with (
        database(backend) as url,
        app_server(url, log, coordinator_ids=TARO.aad_object_id, workers=workers) as app,
        client(len(people)) as session,
    ):
        today = datetime.now(JST).date()
        command = activities.channel_message(poll_command(today), from_=TARO)
        async with session.post(f"{app}/api/messages", json=command) as response:
            if response.status >= 300:
                raise RuntimeError(f"opening the poll: HTTP {response.status}")
        post = await _poll_post(connector)
        data, inputs = _answer_action(post.card or {})

        def press(verb: str, who: TeamsUser, extra: dict[str, Any]) -> dict[str, Any]:
            return activities.invoke_action(
                verb, {**data, **extra}, from_=who, card_activity_id=post.activity_id
            )

        await open_connections(session, app, len(people))
        warm = Result("warm-up", [], 0.0)
        await _fire(session, app, [press("poll.view", TARO, {}) for _ in range(WARM_UP)], warm)
        answers = [
            press("poll.answer", who, {i: CHOICES[(n + k) % 4] for k, i in enumerate(inputs)})
            for n, who in enumerate(people)
        ]
        await _fire(session, app, answers, result)
        result.final_card_ok = await _shared_card_shows(connector, post, len(people))
        result.card_updates = sum(1 for p in connector.updated if p.activity_id == post.activity_id)
        result.stored = await _answers_stored(url)
    return result


async def burst_baseline(people: list[TeamsUser], connector: FakeConnector, logs: Path) -> Result:
    """The same burst of invokes against the bare botbuilder bot."""
    activities = Activities(connector.url)
    result = Result("botbuilder invoke baseline", [], 0.0)
    async with baseline_server(logs / "baseline.log") as url, client(len(people)) as session:
        card_id = activities.next_id()

        def press(who: TeamsUser) -> dict[str, Any]:
            data = {"poll_id": 1, "choice_1": "onsite"}
            return activities.invoke_action(
                "poll.answer", data, from_=who, card_activity_id=card_id
            )

        await open_connections(session, url, len(people))
        await _fire(session, url, [press(TARO) for _ in range(WARM_UP)], Result("warm-up", [], 0))
        await _fire(session, url, [press(who) for who in people], result)
    return result


async def _shared_card_shows(connector: FakeConnector, post: Posted, respondents: int) -> bool:
    """Wait (bounded) until the latest edit of the poll's card shows every respondent."""
    t = default_catalog().translator(locale_of("ja-JP"))
    wanted = t("polls.card.respondents", count=respondents)
    deadline = time.monotonic() + FINAL_CARD_WITHIN
    while True:
        edits = [p for p in connector.updated if p.activity_id == post.activity_id]
        if edits and wanted in card_text(edits[-1].card or {}):
            return True
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        with contextlib.suppress(TimeoutError):
            await connector.wait_for_updated(len(connector.updated) + 1, within=remaining)


async def _answers_stored(url: str) -> int:
    db = Database(url)
    try:
        async with db.transaction() as session:
            count = await session.scalar(select(func.count()).select_from(PollAnswerRow))
    finally:
        await db.dispose()
    return int(count or 0)


def problems(app: Result, baseline: Result, people: int) -> list[str]:
    """Why this run fails the issue's bar (empty when it passes): a bad or lost answer, a card
    that never caught up, an invoke at Teams' 5 s limit, or a slowest invoke far behind the bare
    botbuilder bot's. The 5 s limit is not judged when that bot missed it too: the machine was
    too busy to tell anything about the app."""
    found: list[str] = []
    if app.failures:
        found.append(f"{app.name}: {len(app.failures)} bad answers, first: {app.failures[0]}")
    slow = [ms for ms in app.latencies_ms if ms >= TEAMS_INVOKE_LIMIT_MS]
    if slow and baseline.max < TEAMS_INVOKE_LIMIT_MS:
        found.append(f"{app.name}: {len(slow)} invokes took ≥ 5 s (max {max(slow):.0f} ms)")
    elif slow:
        print(
            f"note: {app.name} reached 5 s, as did the bare botbuilder bot "
            f"({baseline.max:.0f} ms): too busy a machine to judge the limit",
            file=sys.stderr,
        )
    if app.max > MAX_VS_BASELINE * baseline.max:
        found.append(
            f"{app.name}: slowest invoke {app.max:.0f} ms, over {MAX_VS_BASELINE}× the "
            f"baseline's {baseline.max:.0f} ms"
        )
    if app.stored != people:
        found.append(f"{app.name}: {app.stored} answers stored, not {people}")
    if not app.final_card_ok:
        found.append(f"{app.name}: the shared card never showed all {people} respondents")
    return found


def table(rows: list[tuple[Result, Result]], people: int) -> str:
    lines = [
        f"{people} distinct people answer one poll at once (one invoke each, all in flight), "
        f"after {WARM_UP} warm-up invokes; {machine()}",
        "",
        "| bot | p50 ms | p99 ms | max ms | invokes/s | CPU ms per invoke | answers stored "
        "| card updates sent | p50 vs baseline | CPU vs baseline |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    shown: list[Result] = []
    for app, baseline in rows:
        for result in (baseline, app):
            if any(result is seen for seen in shown):
                continue  # the baseline a second app row is compared with
            shown.append(result)
            stored = "–" if result.stored is None else str(result.stored)
            updates = "–" if result.card_updates is None else str(result.card_updates)
            cpu, own_cpu = baseline.cpu_ms_per_invoke, result.cpu_ms_per_invoke
            lines.append(
                f"| {result.name} | {result.p50:.0f} | {result.p99:.0f} | {result.max:.0f} "
                f"| {len(result.latencies_ms) / result.seconds:.0f} "
                f"| {'–' if own_cpu is None else f'{own_cpu:.1f}'} | {stored} | {updates} "
                f"| {result.p50 / baseline.p50:.1f}× "
                f"| {'–' if cpu is None or own_cpu is None else f'{own_cpu / cpu:.1f}×'} |"
            )
    return "\n".join(lines)


async def run(people: int, backends: list[str], workers: int) -> tuple[str, list[str]]:
    staff = crowd(people)
    rows: list[tuple[Result, Result]] = []
    found: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-logs-") as folder:
        logs = Path(folder)
        for backend in backends:
            if backend == "postgres" and not await postgres_reachable():
                print(f"PostgreSQL unreachable at {PG_ADMIN}: skipped", file=sys.stderr)
                continue
            async with fake_connector() as connector:
                app = await burst_app(backend, staff, connector, logs)
                baseline = await burst_baseline(staff, connector, logs)
                rows.append((app, baseline))
                found.extend(problems(app, baseline, people))
                if backend == "postgres" and workers > 1:
                    spread = await burst_app(backend, staff, connector, logs, workers=workers)
                    rows.append((spread, baseline))
                    found.extend(problems(spread, baseline, people))
    return table(rows, people), found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="also run the app on PostgreSQL with this WEB_CONCURRENCY (from 2)",
    )
    args = parser.parse_args(argv)
    report, found = asyncio.run(run(args.people, args.backends.split(","), args.workers))
    print(report)
    for problem in found:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
