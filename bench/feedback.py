"""感想 at scale: the summary card, the blog report and the Excel file for 500 answers.

The ten realistic answers of tests/feedback/fixture.py are scaled to 500 people (other names,
all the municipalities, about a third anonymous, ratings, participation and 課題 drawn with a
fixed seed), with 10 % more people registered who did not answer. Then, each best of
`--repeat` runs:

- 感想まとめ card: `summarise` + `summary_view` + `summary_card` (what the channel gets);
- report: `report_markdown` (the Markdown for the blog);
- xlsx: `answers_workbook` (the bytes of the .xlsx download);

and, through the real app (`python app.py`, its own process, a fresh SQLite file, system
clock): an IYO WORK day that ended yesterday and its registrations are written with the app's
own store functions, the 500 people send their answer with 送信する (`feedback.submit`
invokes, 10 in flight), then `感想まとめ` in the channel, `感想レポート` in the coordinator's
personal chat and the two downloads it links to are timed over HTTP.

Checked (exit status 1 otherwise): the card stays under Teams' ~28 KB message limit, every
submit answers with the saved card, the app's summary says 回答 500名, the .xlsx downloaded
holds 500 rows and no anonymous person's name.

    python -m bench feedback [--answers 500] [--repeat 5] [--no-app]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import io
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import aiohttp
from openpyxl import load_workbook

from bench.harness import app_server, card_text, client, database, fake_connector, machine
from cards.feedback import summary_card
from core.i18n import Translator, default_catalog
from dialogs.attendance.model import MUNICIPALITIES, Choice, Mode, Registration, Slot, Status
from dialogs.attendance.store import register
from dialogs.events.model import EventDraft
from dialogs.events.store import create_event
from dialogs.feedback.export import answers_workbook
from dialogs.feedback.model import Answer, Feedback, Intent, Issue, Participation
from dialogs.feedback.report import report_markdown
from dialogs.feedback.summary import summarise
from dialogs.feedback.views import summary_view
from storage.db import Database
from tests.fakes.connector import ADAPTIVE_CARD, FakeConnector, Posted
from tests.feedback.fixture import ANSWERS, ATTENDEES, ENDED, EVENT
from tests.fixtures.connector import TARO, TEAM, Activities, TeamsUser

JST = ZoneInfo("Asia/Tokyo")
JA = default_catalog().translator("ja")
SEED = 20261215
# Teams refuses bot messages over about 28 KB; the summary card must stay well below.
TEAMS_MESSAGE_LIMIT_KB = 28.0
IN_FLIGHT = 10  # submits sent at once through the app
SURNAMES = (
    "松山", "今治", "宇和島", "八幡浜", "新居浜", "西条", "大洲", "伊予", "西予", "東温",
    "村上", "越智", "河野", "高橋", "渡部", "矢野", "二宮", "菊池", "山本", "田中",
)  # fmt: skip
GIVEN = (
    "花子", "一郎", "美咲", "健", "陽子", "誠", "大輔", "結衣", "翔太", "真由美",
    "直樹", "さくら", "拓也", "恵", "和也", "彩", "亮", "千尋", "浩二", "遥", "悠真",
)  # fmt: skip
DEPARTMENTS = ("情報政策課", "デジタル推進課", "総務課", "行政改革推進室", "企画課")
T = TypeVar("T")


# --- the 500 answers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Crowd:
    """The scaled day: who answered (with the Teams user each is) and who registered."""

    answers: list[Feedback]
    people: list[TeamsUser]  # people[i] gave answers[i]
    attendees: list[Registration]
    silent: list[tuple[TeamsUser, Registration]]  # registered, no answer


def crowd(count: int, seed: int = SEED) -> Crowd:
    """`count` answers scaled from the fixture's ten, plus 10 % registered who did not answer."""
    rng = random.Random(seed)
    answers: list[Feedback] = []
    people: list[TeamsUser] = []
    attendees: list[Registration] = []
    for n in range(count):
        base = ANSWERS[n % len(ANSWERS)]
        who = _person(n)
        participation = rng.choices(
            (Participation.ONSITE, Participation.ONLINE, Participation.UNREGISTERED), (70, 22, 8)
        )[0]
        issues = base.answer.issues if rng.random() < 0.6 else _some_issues(rng)
        answer = dataclasses.replace(
            base.answer,
            rating=rng.choices((5, 4, 3, 2, 1), (34, 36, 16, 9, 5))[0],
            issues=issues,
            again=_intent(rng, base.answer.again),
            recommend=_intent(rng, base.answer.recommend),
            anonymous=rng.random() < 0.3,
        )
        municipality = rng.choice(MUNICIPALITIES)
        department = rng.choice(DEPARTMENTS)
        at = ENDED + timedelta(minutes=3 * n)
        answers.append(
            Feedback(
                event_id=EVENT.id,
                person_key=who.aad_object_id,
                name=who.name,
                municipality=municipality,
                department=department,
                participation=participation,
                answer=answer,
                created_at=at,
                updated_at=at,
            )
        )
        people.append(who)
        if participation is not Participation.UNREGISTERED:
            online = participation is Participation.ONLINE
            attendees.append(_registration(who, municipality, department, online=online))
    silent = []
    for n in range(count, count + count // 10):
        who = _person(n)
        registration = _registration(who, rng.choice(MUNICIPALITIES), rng.choice(DEPARTMENTS))
        silent.append((who, registration))
        attendees.append(registration)
    return Crowd(answers, people, attendees, silent)


def _person(n: int) -> TeamsUser:
    name = f"{SURNAMES[n % len(SURNAMES)]} {GIVEN[n // len(SURNAMES) % len(GIVEN)]}"
    return TeamsUser(
        name=name if n < len(SURNAMES) * len(GIVEN) else f"{name}{n}",
        teams_id=f"29:1feedback{n:05d}",
        aad_object_id=f"aad00000-0000-4000-c000-{n:012d}",
        upn=f"staff{n:05d}@pref.ehime.example",
    )


def _some_issues(rng: random.Random) -> tuple[Issue, ...]:
    chosen = set(rng.sample(list(Issue), rng.choice((0, 1, 1, 2, 3))))
    return tuple(issue for issue in Issue if issue in chosen)


def _intent(rng: random.Random, base: Intent | None) -> Intent | None:
    if rng.random() < 0.7:
        return base
    return rng.choice((Intent.YES, Intent.MAYBE, Intent.NO, None))


def _registration(
    who: TeamsUser, municipality: str, department: str, *, online: bool = False
) -> Registration:
    return Registration(
        event_id=EVENT.id,
        person_key=who.aad_object_id,
        name=who.name,
        mode=Mode.ONLINE if online else Mode.ONSITE,
        slot=Slot.ALLDAY,
        municipality=municipality,
        department=department,
        note="",
        status=Status.ONLINE if online else Status.SEATED,
        position=None,
        created_at=ENDED - timedelta(days=14),
        updated_at=ENDED - timedelta(days=14),
    )


# --- the pure functions ---------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    what: str
    best_ms: float
    median_ms: float
    size_kb: float


def timed(what: str, build: Callable[[], T], size: Callable[[T], int], repeat: int) -> Timing:
    """Best and median of `repeat` runs of `build`, and the size of what it built."""
    seconds = []
    result = build()  # warm-up: imports, the catalog's caches
    for _ in range(repeat):
        started = time.perf_counter()
        result = build()
        seconds.append(time.perf_counter() - started)
    return Timing(what, min(seconds) * 1000, statistics.median(seconds) * 1000, size(result) / 1024)


def card_bytes(card: dict[str, Any]) -> int:
    """The card as JSON on the wire: msrest sends `json.dumps` output, so every Japanese
    character is a 6-byte \\uXXXX escape (about 1.25× the UTF-8 size of these cards)."""
    return len(json.dumps(card).encode("ascii"))


def measure_pure(
    answers: Sequence[Feedback], attendees: Sequence[Registration], repeat: int, t: Translator
) -> list[Timing]:
    """The three builds for these answers; the event is the fixture's (capacity lifted)."""
    event = dataclasses.replace(EVENT, capacity=None)
    keys = [r.person_key for r in attendees]

    def card() -> dict[str, Any]:
        view = summary_view(event, summarise(answers, keys), t, JST, closed=True)
        return summary_card(view, t)

    return [
        timed("感想まとめ card", card, card_bytes, repeat),
        timed(
            "report (.md)",
            lambda: report_markdown(event, attendees, answers, t, JST),
            lambda text: len(text.encode("utf-8")),
            repeat,
        ),
        timed("answers (.xlsx)", lambda: answers_workbook(answers, t, JST), len, repeat),
    ]


# --- through the app ------------------------------------------------------------------------


@dataclass
class AppRun:
    submits_ms: list[float] = field(default_factory=list)
    submit_seconds: float = 0.0
    timings: list[Timing] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


async def measure_app(people: Crowd, repeat: int, logs: Path) -> AppRun:
    """The crowd answers through the app; then its summary, report and downloads are timed."""
    run = AppRun()
    async with (
        fake_connector() as connector,
        database("sqlite") as url,
        app_server(url, logs / "app.log", coordinator_ids=TARO.aad_object_id) as app,
        client(IN_FLIGHT) as session,
    ):
        activities = Activities(connector.url)
        # The team's roster: in a personal chat a person sees the events of their teams only.
        members = [TARO, *people.people, *(who for who, _ in people.silent)]
        connector.set_roster(TEAM.id, [who.roster_member() for who in members])
        # The bot is installed in the team, as Teams tells it: that is how it knows the team.
        installed = activities.conversation_update_bot_added()
        async with session.post(f"{app}/api/messages", json=installed) as response:
            if response.status >= 300:
                run.problems.append(f"install: HTTP {response.status}")
        event_id = await _seed(url, people)
        await _submit_all(session, app, activities, people, event_id, run)

        async def summary() -> Posted:
            return await _said(
                session, app, connector, activities.channel_message("感想まとめ", from_=TARO)
            )

        posted = await summary()
        wanted = JA("feedback.summary.responses_no_registered", count=len(people.answers))
        if wanted not in card_text(posted.card or {}):
            run.problems.append(f"感想まとめ does not say {wanted}")
        run.timings.append(
            await _timed_async("感想まとめ (channel message)", summary, _posted_bytes, repeat)
        )

        async def report() -> Posted:
            return await _said(
                session, app, connector, activities.personal_message("感想レポート", from_=TARO)
            )

        links = re.findall(r"\]\((http[^)]+)\)", (await report()).text or "")
        run.timings.append(
            await _timed_async("感想レポート (links + preview)", report, _posted_bytes, repeat)
        )
        if len(links) != 2:
            run.problems.append(f"感想レポート gave {len(links)} links, not 2")
            return run
        markdown, xlsx = links
        for what, link in (("download .md", markdown), ("download .xlsx", xlsx)):

            async def fetch(link: str = link) -> bytes:
                async with session.get(link) as response:
                    if response.status != 200:
                        raise RuntimeError(f"GET {link}: HTTP {response.status}")
                    return await response.read()

            run.timings.append(await _timed_async(what, fetch, len, repeat))
        run.problems.extend(_workbook_problems(await fetch(xlsx), people))
    return run


async def _seed(url: str, people: Crowd) -> int:
    """An IYO WORK day that ended yesterday, with everyone's registration, as the app's own
    store writes them (registration for a past day cannot be done through the card)."""
    now = datetime.now(JST)
    day = now.date() - timedelta(days=1)
    draft = EventDraft(
        title=EVENT.title,
        day=day,
        start=clock_time(9),
        end=clock_time(17),
        venue=EVENT.venue,
        registration_deadline=datetime.combine(day - timedelta(days=1), clock_time(17), JST),
    )
    registered = {r.person_key: r for r in people.attendees}
    everyone = [*people.people, *(who for who, _ in people.silent)]
    database = Database(url)
    try:
        async with database.transaction() as session:
            event = await create_event(
                session, draft, conversation_id=TEAM.general, thread_outbox_id=None,
                poll_id=None, creator_key=TARO.aad_object_id, locale="ja", now=now,
            )  # fmt: skip
            for who in everyone:
                registration = registered.get(who.aad_object_id)
                if registration is None:
                    continue
                choice = Choice(
                    mode=registration.mode,
                    municipality=registration.municipality,
                    department=registration.department,
                )
                await register(
                    session, event.id, person_key=who.aad_object_id, name=who.name,
                    choice=choice, now=now,
                )  # fmt: skip
    finally:
        await database.dispose()
    return event.id


async def _submit_all(
    session: aiohttp.ClientSession,
    app: str,
    activities: Activities,
    people: Crowd,
    event_id: int,
    run: AppRun,
) -> None:
    """Everyone presses 送信する on their form, IN_FLIGHT at a time."""
    saved = JA("feedback.card.saved")
    limit = asyncio.Semaphore(IN_FLIGHT)

    async def one(who: TeamsUser, feedback: Feedback) -> None:
        body = activities.invoke_action(
            "feedback.submit", {"event_id": event_id, **_inputs(feedback.answer)},
            from_=who, personal=True,
        )  # fmt: skip
        async with limit:
            started = time.perf_counter()
            async with session.post(f"{app}/api/messages", json=body) as response:
                text = await response.text()
            run.submits_ms.append((time.perf_counter() - started) * 1000)
        answer = json.loads(text) if text else {}
        card = answer.get("value") if answer.get("type") == ADAPTIVE_CARD else None
        if response.status != 200 or not isinstance(card, dict) or saved not in card_text(card):
            run.problems.append(f"{who.name}: submit answered HTTP {response.status} {text[:120]}")

    started = time.perf_counter()
    await asyncio.gather(*(one(w, f) for w, f in zip(people.people, people.answers, strict=True)))
    run.submit_seconds = time.perf_counter() - started


def _inputs(answer: Answer) -> dict[str, str]:
    """The form's inputs as Teams sends them."""
    return {
        "rating": str(answer.rating),
        "good": answer.good,
        "trouble": answer.trouble,
        "issues": ",".join(issue.value for issue in answer.issues),
        "issue_details": answer.issue_details,
        "next_themes": answer.next_themes,
        "again": answer.again.value if answer.again else "",
        "recommend": answer.recommend.value if answer.recommend else "",
        "anonymous": "true" if answer.anonymous else "false",
    }


async def _said(
    session: aiohttp.ClientSession, app: str, connector: FakeConnector, body: dict[str, Any]
) -> Posted:
    """Send one message; what the bot said back (within the turn) reached the connector."""
    before = len(connector.sent)
    async with session.post(f"{app}/api/messages", json=body) as response:
        await response.read()
        if response.status >= 300:
            raise RuntimeError(f"HTTP {response.status} for {body.get('text')}")
    sent = await connector.wait_for_sent(before + 1, within=10)
    return sent[before]


async def _timed_async(
    what: str, build: Callable[[], Any], size: Callable[[Any], int], repeat: int
) -> Timing:
    seconds = []
    result = await build()
    for _ in range(repeat):
        started = time.perf_counter()
        result = await build()
        seconds.append(time.perf_counter() - started)
    return Timing(what, min(seconds) * 1000, statistics.median(seconds) * 1000, size(result) / 1024)


def _posted_bytes(posted: Posted) -> int:
    """The whole activity the connector got, as msrest sends it (see `card_bytes`)."""
    return len(json.dumps(posted.activity).encode("ascii"))


def _workbook_problems(content: bytes, people: Crowd) -> list[str]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))[1:]
    found = []
    if len(rows) != len(people.answers):
        found.append(f"the .xlsx holds {len(rows)} answers, not {len(people.answers)}")
    cells = {str(value) for row in rows for value in row if value is not None}
    leaked = [f.name for f in people.answers if f.anonymous and f.name in cells]
    if leaked:
        found.append(f"the .xlsx names {len(leaked)} anonymous people, e.g. {leaked[0]}")
    return found


# --- the table ------------------------------------------------------------------------------


def table(rows: list[tuple[int, list[Timing]]], app: AppRun | None, repeat: int) -> str:
    lines = [f"best (median) of {repeat} runs, ms; {machine()}", ""]
    lines += [
        "| answers | 感想まとめ card | report (.md) | answers (.xlsx) "
        "| card KB | report KB | xlsx KB |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for count, (card, report, xlsx) in rows:
        lines.append(
            f"| {count} | {_ms(card)} | {_ms(report)} | {_ms(xlsx)} "
            f"| {card.size_kb:.1f} | {report.size_kb:.1f} | {xlsx.size_kb:.1f} |"
        )
    if app is not None and app.submits_ms:
        submits = sorted(app.submits_ms)
        lines += [
            "",
            f"Through the app (SQLite): {len(submits)} answers sent with 送信する, {IN_FLIGHT} in "
            f"flight: {len(submits) / app.submit_seconds:.0f} answers/s, p50 "
            f"{statistics.median(submits):.0f} ms, max {submits[-1]:.0f} ms; then",
            "",
            "| over HTTP | best ms | median ms | KB |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| {t.what} | {t.best_ms:.0f} | {t.median_ms:.0f} | {t.size_kb:.1f} |"
            for t in app.timings
        ]
    return "\n".join(lines)


def _ms(timing: Timing) -> str:
    return f"{timing.best_ms:.1f} ({timing.median_ms:.1f})"


def problems(rows: list[tuple[int, list[Timing]]], app: AppRun | None) -> list[str]:
    found = [
        f"{count} answers: the summary card is {card.size_kb:.1f} KB "
        f"(Teams refuses messages over ~{TEAMS_MESSAGE_LIMIT_KB:.0f} KB)"
        for count, (card, _, _) in rows
        if card.size_kb > TEAMS_MESSAGE_LIMIT_KB
    ]
    if app is not None:
        found += app.problems[:5]
        if len(app.problems) > 5:
            found.append(f"… and {len(app.problems) - 5} more")
    return found


async def run(count: int, repeat: int, through_app: bool) -> tuple[str, list[str]]:
    people = crowd(count)
    rows = [
        (len(ANSWERS), measure_pure(ANSWERS, ATTENDEES, repeat, JA)),
        (count, measure_pure(people.answers, people.attendees, repeat, JA)),
    ]
    app = None
    if through_app:
        with tempfile.TemporaryDirectory(prefix="bench-logs-") as folder:
            app = await measure_app(people, repeat, Path(folder))
    return table(rows, app, repeat), problems(rows, app)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--answers", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-app", action="store_true", help="only the pure functions")
    args = parser.parse_args(argv)
    report, found = asyncio.run(run(args.answers, args.repeat, not args.no_app))
    print(report)
    for problem in found:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
