"""Registration burst: 200 distinct people press 登録する (現地) at once for an IYO WORK day with
8 seats, over HTTP.

A coordinator creates the day with one channel message to the real app (`python app.py`, its own
process, a fresh SQLite file or PostgreSQL database): `イベント作成 … 定員:8`, 2–4 weeks ahead.
Then 200 people, each with their own Entra object id and name, press 登録する on its card with
現地 and a 所属 chosen: 200 `adaptiveCard/action` invokes (`event.register`) in flight together.
The same 200 invokes then go to a bare botbuilder bot that answers each with a fixed card
(bench/harness.py), the baseline of the same run.

With everyone in flight at once, arrival is the order in which the server decides: each
registration takes the next place in line (`queue_no`) under the event's row lock and commits
before the next one gets the lock. Checked:

- every invoke answers 200 with a card, in under Teams' 5 s;
- 200 registrations are stored, with places in line 1..200, no gaps, no duplicates;
- exactly 8 are seated, and they are the first 8 in line; the other 192 are waitlisted, and
  their positions (as the app computes them) are 1..192 in the order of their places in line;
- each person's answer told them that very outcome (席を確保しました, or キャンセル待ちのn番目);
- the event card in its thread ends up saying 現地 8/8名 … キャンセル待ち 192名.

Exit status 1 when any of that fails.

    python -m bench register_burst [--people 200] [--capacity 8] [--backends sqlite,postgres]
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

from sqlalchemy import select

from bench.harness import (
    PG_ADMIN,
    Burst,
    app_server,
    baseline_server,
    card_text,
    client,
    database,
    fake_connector,
    fire,
    machine,
    open_connections,
    percentile,
    postgres_reachable,
    staff,
    walk,
)
from core.i18n import Translator, default_catalog, locale_of
from core.jpcalendar import next_business_day
from dialogs.attendance.model import MUNICIPALITIES, OTHER, Registration, Status
from dialogs.attendance.store import registrations
from storage.db import Database
from storage.models import RegistrationRow
from tests.fakes.connector import FakeConnector, Posted
from tests.fixtures.connector import TARO, Activities, TeamsUser

JST = ZoneInfo("Asia/Tokyo")
TEAMS_INVOKE_LIMIT_MS = 5000.0
WARM_UP = 10  # event.view presses by the coordinator before the burst, not counted
FINAL_CARD_WITHIN = 30.0  # seconds for the event card to show every registration
SERIES = 0x5EA  # keeps these people apart from other benchmarks' (bench.harness.staff)
# Where the crowd works: every municipality in turn (その他 is not one anyone picks here).
WORKPLACES = tuple(code for code in MUNICIPALITIES if code != OTHER)


@dataclass
class Seating:
    """What the database says after the burst, and what is wrong with it."""

    stored: int
    seated: int
    waitlisted: int
    problems: list[str] = field(default_factory=list)
    # Registrants whose place in the event's list (registrations(): by created_at) is not their
    # place in line (queue_no). Not a failure: the list is "as first registered", measured by
    # the clock when the turn began, not when it got the event's lock.
    list_out_of_line: int = 0


@dataclass
class Result:
    name: str
    burst: Burst
    seating: Seating | None = None  # the app only
    told_wrong: list[str] = field(default_factory=list)  # answers not saying the outcome
    card_updates: int | None = None  # edits of the event card that reached the connector
    final_card_ok: bool | None = None  # the last edit shows the final counts

    @property
    def latencies_ms(self) -> list[float]:
        return self.burst.latencies_ms

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p99(self) -> float:
        return percentile(self.latencies_ms, 99)

    @property
    def max(self) -> float:
        return max(self.latencies_ms)

    @property
    def failures(self) -> list[str]:
        return [a.problem for a in self.burst.answers if a.problem is not None]


def event_day(today: date) -> date:
    """A business day three weeks ahead (2–4 weeks, whatever weekday `today` is)."""
    return next_business_day(today + timedelta(days=21), include_today=True)


def event_command(day: date, capacity: int) -> str:
    """The coordinator's one line (the date as ISO, so the year is never in doubt)."""
    when = f"{day.isoformat()} 10:00-16:00"
    return f"イベント作成 第3回IYO WORK {when} 会場:八幡浜市役所 定員:{capacity}"


def ja() -> Translator:
    return default_catalog().translator(locale_of("ja-JP"))


def final_counts(people: int, capacity: int) -> str:
    """`現地 8/8名　オンライン 0名　キャンセル待ち 192名`, as the event card says it."""
    t = ja()
    seated = min(people, capacity)
    return t("attendance.event.count_separator").join(
        (
            t("attendance.event.onsite_of", count=seated, capacity=capacity),
            t("attendance.event.online", count=0),
            t("attendance.event.waitlisted", count=people - seated),
        )
    )


def _register_data(card: dict[str, Any]) -> dict[str, Any]:
    """The data of the event card's 参加登録 button (which event)."""
    return dict(
        next(
            node["data"]
            for node in walk(card)
            if node.get("type") == "Action.Execute" and node.get("verb") == "event.view"
        )
    )


async def _event_post(connector: FakeConnector, within: float = 15.0) -> Posted:
    """The event's own thread: the first post whose card has the 参加登録 button."""

    def has_button(post: Posted) -> bool:
        return any(node.get("verb") == "event.view" for node in walk(post.card or {}))

    deadline = time.monotonic() + within
    while True:
        posts = [p for p in connector.sent if p.card is not None and has_button(p)]
        if posts:
            return posts[0]
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise RuntimeError("the event card was never posted")
        with contextlib.suppress(TimeoutError):
            await connector.wait_for_sent(len(connector.sent) + 1, within=remaining)


def _on_site(event: dict[str, Any], n: int) -> dict[str, Any]:
    """What the n-th person's card sends: 現地, 終日, their 所属, nothing else typed."""
    municipality = WORKPLACES[n % len(WORKPLACES)]
    return {**event, "mode": "onsite", "slot": "allday", "municipality": municipality,
            "department": "", "note": ""}  # fmt: skip


async def burst_app(
    backend: str, people: list[TeamsUser], capacity: int, connector: FakeConnector, logs: Path
) -> Result:
    """Create the event on the app, then have `people` register on site at once."""
    activities = Activities(connector.url)
    async with (
        database(backend) as url,
        app_server(url, logs / f"app-{backend}.log", coordinator_ids=TARO.aad_object_id) as app,
        client(len(people)) as session,
    ):
        day = event_day(datetime.now(JST).date())
        command = activities.channel_message(event_command(day, capacity), from_=TARO)
        async with session.post(f"{app}/api/messages", json=command) as response:
            if response.status >= 300:
                raise RuntimeError(f"creating the event: HTTP {response.status}")
        post = await _event_post(connector)
        event = _register_data(post.card or {})

        def press(verb: str, who: TeamsUser, data: dict[str, Any]) -> dict[str, Any]:
            return activities.invoke_action(
                verb, data, from_=who, card_activity_id=post.activity_id, thread=post.activity_id
            )

        await open_connections(session, app, len(people))
        await fire(session, app, [press("event.view", TARO, event) for _ in range(WARM_UP)])
        bodies = [press("event.register", who, _on_site(event, n)) for n, who in enumerate(people)]
        result = Result(f"IYO WORK app, {backend}", await fire(session, app, bodies))
        wanted = final_counts(len(people), capacity)
        result.final_card_ok = await _event_card_shows(connector, post, wanted)
        result.card_updates = sum(1 for p in connector.updated if p.activity_id == post.activity_id)
        rows, listed = await _stored(url, int(event["event_id"]))
    result.seating = seating(rows, listed, capacity, len(people))
    result.told_wrong = told_wrong(people, result.burst, listed)
    return result


async def burst_baseline(people: list[TeamsUser], connector: FakeConnector, logs: Path) -> Burst:
    """The same burst of invokes against the bare botbuilder bot."""
    activities = Activities(connector.url)
    async with baseline_server(logs / "baseline.log") as url, client(len(people)) as session:
        card_id = activities.next_id()
        event = {"event_id": 1}

        def press(verb: str, who: TeamsUser, data: dict[str, Any]) -> dict[str, Any]:
            return activities.invoke_action(verb, data, from_=who, card_activity_id=card_id)

        await open_connections(session, url, len(people))
        await fire(session, url, [press("event.view", TARO, event) for _ in range(WARM_UP)])
        bodies = [press("event.register", who, _on_site(event, n)) for n, who in enumerate(people)]
        return await fire(session, url, bodies)


async def _event_card_shows(connector: FakeConnector, post: Posted, wanted: str) -> bool:
    """Wait (bounded) until the latest edit of the event card shows `wanted`."""
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


async def _stored(url: str, event_id: int) -> tuple[list[RegistrationRow], list[Registration]]:
    """The event's registration rows, and its registrations as the app lists them."""
    db = Database(url)
    try:
        async with db.transaction() as session:
            rows = list(
                await session.scalars(
                    select(RegistrationRow).where(RegistrationRow.event_id == event_id)
                )
            )
            listed = await registrations(session, event_id)
    finally:
        await db.dispose()
    return rows, listed


def seating(
    rows: list[RegistrationRow], listed: list[Registration], capacity: int, people: int
) -> Seating:
    """Who got a seat and who waits, checked against the order of the line."""
    status = {row.person_key: Status(row.status) for row in rows}
    result = Seating(
        stored=len(rows),
        seated=sum(1 for s in status.values() if s is Status.SEATED),
        waitlisted=sum(1 for s in status.values() if s is Status.WAITLISTED),
    )
    found = result.problems
    if result.stored != people:
        found.append(f"{result.stored} registrations stored, not {people}")
    numbers = [row.queue_no for row in rows]
    if any(n is None for n in numbers):
        found.append("a registration on site has no place in line")
        return result
    line = sorted(rows, key=lambda row: row.queue_no or 0)
    if [row.queue_no for row in line] != list(range(1, len(rows) + 1)):
        found.append("places in line are not 1..n without gaps or duplicates")
    seats = min(people, capacity)
    if result.seated != seats or result.waitlisted != people - seats:
        found.append(f"{result.seated} seated and {result.waitlisted} waitlisted, "
                     f"not {seats} and {people - seats}")  # fmt: skip
    wrong_seats = [row.queue_no for row in line[:seats] if row.status != Status.SEATED.value]
    if wrong_seats:
        found.append(f"places in line {wrong_seats} are among the first {seats} but not seated")
    position = {r.person_key: r.position for r in listed if r.status is Status.WAITLISTED}
    waiting = [row.person_key for row in line[seats:]]
    told = [position.get(key) for key in waiting]
    if told != list(range(1, len(waiting) + 1)):
        first = next(i for i, p in enumerate(told, start=1) if p != i)
        found.append(f"waitlist positions do not follow the line: waiting no. {first} in line "
                     f"is at position {told[first - 1]}")  # fmt: skip
    in_line = [row.person_key for row in line]
    result.list_out_of_line = sum(
        1 for a, b in zip(in_line, [r.person_key for r in listed], strict=False) if a != b
    )
    return result


def told_wrong(people: list[TeamsUser], burst: Burst, listed: list[Registration]) -> list[str]:
    """Those whose answer did not tell them where they stand now (seated, or waiting n-th)."""
    t = ja()
    by_key = {r.person_key: r for r in listed}
    wrong: list[str] = []
    for who, answer in zip(people, burst.answers, strict=True):
        own = by_key.get(who.aad_object_id)
        if own is None or answer.card is None:
            wrong.append(f"{who.name}: no registration or no card")
            continue
        if own.status is Status.WAITLISTED:
            expected = t("attendance.status.waitlisted", position=own.position or 0)
        else:
            expected = t(f"attendance.status.{own.status.value}")
        if expected not in card_text(answer.card):
            wrong.append(f"{who.name}: answer does not say {expected[:40]!r}")
    return wrong


def problems(app: Result, baseline: Result, people: int, capacity: int) -> list[str]:
    """Why this run fails the bar (empty when it passes)."""
    found: list[str] = []
    for result in (app, baseline):
        failures = result.failures
        if failures:
            found.append(f"{result.name}: {len(failures)} bad answers, first: {failures[0]}")
        slow = [ms for ms in result.latencies_ms if ms >= TEAMS_INVOKE_LIMIT_MS]
        if slow:
            found.append(f"{result.name}: {len(slow)} invokes took ≥ 5 s (max {max(slow):.0f} ms)")
    if app.seating is not None:
        found.extend(f"{app.name}: {problem}" for problem in app.seating.problems)
    if app.told_wrong:
        found.append(f"{app.name}: {len(app.told_wrong)} people were told the wrong outcome, "
                     f"first: {app.told_wrong[0]}")  # fmt: skip
    if not app.final_card_ok:
        found.append(f"{app.name}: the event card never showed "
                     f"{final_counts(people, capacity)!r}")  # fmt: skip
    return found


def table(rows: list[tuple[Result, Result]], people: int, capacity: int) -> str:
    lines = [
        f"{people} distinct people register on site at once for {capacity} seats (one invoke "
        f"each, all in flight), after {WARM_UP} warm-up invokes; {machine()}",
        "",
        "| bot | p50 ms | p99 ms | max ms | invokes/s | seated | waitlisted | card updates sent "
        "| p50 vs baseline | p99 vs baseline |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for app, baseline in rows:
        for result in (baseline, app):
            seats = result.seating
            seated = "–" if seats is None else str(seats.seated)
            waiting = "–" if seats is None else str(seats.waitlisted)
            updates = "–" if result.card_updates is None else str(result.card_updates)
            rate = len(result.latencies_ms) / result.burst.seconds
            lines.append(
                f"| {result.name} | {result.p50:.0f} | {result.p99:.0f} | {result.max:.0f} "
                f"| {rate:.0f} | {seated} | {waiting} | {updates} "
                f"| {result.p50 / baseline.p50:.1f}× | {result.p99 / baseline.p99:.1f}× |"
            )
    for app, _ in rows:
        if app.seating is not None:
            lines.append(
                f"\n{app.name}: {app.seating.list_out_of_line} of {app.seating.stored} are at "
                "another place in the event's list (by first registration) than in line"
            )
    return "\n".join(lines)


async def run(people: int, capacity: int, backends: list[str]) -> tuple[str, list[str]]:
    crowd = staff(people, SERIES)
    rows: list[tuple[Result, Result]] = []
    found: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-logs-") as folder:
        logs = Path(folder)
        for backend in backends:
            if backend == "postgres" and not await postgres_reachable():
                print(f"PostgreSQL unreachable at {PG_ADMIN}: skipped", file=sys.stderr)
                continue
            async with fake_connector() as connector:
                app = await burst_app(backend, crowd, capacity, connector, logs)
                baseline = Result(
                    "botbuilder invoke baseline", await burst_baseline(crowd, connector, logs)
                )
            rows.append((app, baseline))
            found.extend(problems(app, baseline, people, capacity))
    return table(rows, people, capacity), found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--capacity", type=int, default=8)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args(argv)
    report, found = asyncio.run(run(args.people, args.capacity, args.backends.split(",")))
    print(report)
    for problem in found:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
