"""Weekly digest: the time to build one channel's digest card, and its size.

A fresh SQLite file (or PostgreSQL database) holds one channel of 1,000 threads (0–8 replies
each, about 3,700 messages, spread over 180 days; 60 of them in the digest's week, some solved,
some never answered), 5 IYO WORK days of its team (three past, the latest with 40 registered and
25 impressions; two ahead, the next one with 40 registered), and 3 open polls with answers.
The digest of that week is built the way the `digest.post` task builds it (`compose`: gather
the sections, word them, build the card), inside one transaction:

- cold: right after start-up, nothing of the threads analysed yet (the summaries' cache empty);
- warm: built again (the threads' analyses cached, as between two digests of a running bot).

Checked (exit status 1 otherwise): every section is there, and the card stays under Teams'
~28 KB (cards.digest.MAX_CARD_BYTES is 26 KB).

    python -m bench digest [--threads 1000] [--backends sqlite,postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bench.harness import PG_ADMIN, database, machine, postgres_reachable
from cards.digest import MAX_CARD_BYTES, card_size
from core.i18n import default_catalog
from core.jpcalendar import TOKYO
from dialogs.attendance.model import Choice, Mode
from dialogs.attendance.store import register
from dialogs.digest.posting import compose
from dialogs.digest.settings import DigestSettings
from dialogs.events.model import draft_for
from dialogs.events.store import create_event
from dialogs.feedback.model import Answer, Participation
from dialogs.feedback.store import save_feedback
from dialogs.polls.creation import PollDraft, PollForm
from dialogs.polls.model import ResultsVisibility, Slot
from dialogs.polls.store import create_poll
from dialogs.summaries.service import clear_cache
from dialogs.threads.store import MessageVersion, upsert_messages
from storage.db import Database
from storage.migrate import migrate
from storage.models import PollAnswerRow
from storage.repositories.conversations import upsert_conversation
from tests.app.test_first_contact import card_text

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=TOKYO)  # a Monday, the digest's moment
WEEK = timedelta(days=7)
TEAM_GROUP = "0a1b2c3d-aaaa-4bbb-8ccc-000000000001"
CHANNEL = "19:ehime-it-staff0001@thread.tacv2"
QUESTIONS = (
    "Excelのマクロが動かなくなったのですが、どう直しましたか？",
    "ユーザー権限の棚卸し、みなさんどうしてます？",
    "Windows 11 への移行、進んでいますか？",
    "LGWAN 端末のウイルス対策ソフトは何を使っていますか？",
    "ファイルサーバーの容量が足りません。アーカイブはどうしていますか？",
    "多要素認証を職員全員に展開した方はいますか？",
    "複合機のドライバ配布はどうしていますか？",
    "バックアップの保存期間は何年にしていますか？",
)
ANSWERS = (
    "うちはグループポリシーで配布しています。",
    "セキュリティセンターでマクロを有効にすれば動きます。",
    "委託業者に相談して、来年度の予算で対応する予定です。",
    "年に一度、人事異動の後に棚卸ししています。",
)
SECTIONS = (
    "今週の新着スレッド",
    "未回答のまま",
    "解決済み",
    "話題のキーワード",
    "次回のIYO WORK",
    "受付中の日程調整",
    "感想の回答状況",
)


@dataclass
class Row:
    backend: str
    threads: int
    messages: int
    cold_seconds: float
    warm_seconds: float
    card_bytes: int
    missing: list[str]


async def fill(db: Database, threads: int, seed: int = 9) -> int:
    """The channel, its threads, five days and three polls; how many messages were stored."""
    rng = random.Random(seed)
    staff = [(f"aad-bench-{n:04d}", f"職員{n}") for n in range(40)]
    async with db.transaction() as session:
        await upsert_conversation(
            session, conversation_id=CHANNEL, kind="channel", service_url="https://smba.example/",
            tenant_id="tenant", team_id=CHANNEL, team_aad_group_id=TEAM_GROUP, channel_id=CHANNEL,
            team_name="愛媛県 情報システム担当者", channel_name=None, bot_id=None, bot_name=None,
            now=NOW,
        )  # fmt: skip
    versions: list[MessageVersion] = []
    for number in range(threads):
        this_week = number >= threads - 60
        start = NOW - (
            timedelta(hours=rng.randint(1, 160)) if this_week else timedelta(days=8 + number % 170)
        )
        asker = rng.choice(staff)
        root = f"{1_716_200_000_000 + number * 10}"
        versions.append(_message(root, root, asker, f"{rng.choice(QUESTIONS)}（{number}）", start))
        replies = rng.choice((0, 0, 1, 2, 3, 5, 8))
        for n in range(replies):
            who = rng.choice(staff)
            text = rng.choice(ANSWERS)
            if n == replies - 1 and rng.random() < 0.4:
                who, text = asker, "ありがとうございます、解決しました！"
            when = start + timedelta(minutes=20 * (n + 1))
            versions.append(_message(f"{int(root) + n + 1}", root, who, text, when))
    for first in range(0, len(versions), 500):
        async with db.transaction() as session:
            await upsert_messages(session, versions[first : first + 500], NOW)
    await _days_and_polls(db, staff)
    return len(versions)


def _message(
    message_id: str, root: str, who: tuple[str, str], text: str, at: datetime
) -> MessageVersion:
    return MessageVersion(
        channel_id=CHANNEL, message_id=message_id, root_id=root, created_at=at, modified_at=at,
        source="graph", team_aad_group_id=TEAM_GROUP,
        reply_to_id=root if message_id != root else None, author_aad_id=who[0],
        author_name=who[1], text=text, html=f"<p>{text}</p>",
    )  # fmt: skip


async def _days_and_polls(db: Database, staff: list[tuple[str, str]]) -> None:
    days = (date(2026, 9, 15), date(2026, 10, 20), date(2026, 11, 25), date(2026, 12, 15),
            date(2027, 1, 19))  # fmt: skip
    async with db.transaction() as session:
        for number, day in enumerate(days, start=1):
            event = await create_event(
                session, draft_for(f"第{number}回IYO WORK", day, venue="松前町役場", capacity=30,
                                   zone=TOKYO),
                conversation_id=CHANNEL, thread_outbox_id=None, poll_id=None,
                creator_key="aad-bench-0000", locale="ja", now=NOW - timedelta(days=90),
            )  # fmt: skip
            if day in (date(2026, 11, 25), date(2026, 12, 15)):
                for key, name in staff:
                    choice = Choice(Mode.ONSITE, municipality="iyo")
                    await register(session, event.id, person_key=key, name=name, choice=choice,
                                   now=NOW - timedelta(days=20))  # fmt: skip
            if day == date(2026, 11, 25):
                for key, name in staff[:25]:
                    await save_feedback(
                        session, event.id, person_key=key, name=name, municipality="iyo",
                        department="", participation=Participation.ONSITE,
                        answer=Answer(rating=4, next_themes="RPA\n生成AI"), now=NOW - WEEK,
                    )  # fmt: skip
        for number in range(3):
            draft = PollDraft(
                title=f"第6回IYO WORKの日程 {number}",
                candidates=tuple(Slot(date(2027, 2, 8 + n)) for n in range(5)),
                venue="県庁", capacity=None, deadline=NOW + timedelta(days=10),
                results=ResultsVisibility.ALWAYS, form=PollForm(),
            )  # fmt: skip
            stored = await create_poll(
                session, draft, conversation_id=CHANNEL, creator_key="aad-bench-0000",
                locale="ja", now=NOW - WEEK,
            )  # fmt: skip
            session.add_all(
                PollAnswerRow(poll_id=stored.poll.id, person_key=key, name=name, choices={},
                              comment="", created_at=NOW, updated_at=NOW)
                for key, name in staff[:12]
            )  # fmt: skip


async def build(db: Database) -> tuple[float, dict[str, object]]:
    settings = DigestSettings(CHANNEL, enabled=True)
    started = time.perf_counter()
    async with db.transaction() as session:
        message, _ = await compose(
            session, settings, default_catalog(), TOKYO, period_start=NOW - WEEK,
            period_end=NOW, marker="iyowork-digest:bench",
        )  # fmt: skip
    assert message.card is not None
    return time.perf_counter() - started, message.card


async def measure(backend: str, threads: int) -> Row:
    async with database(backend) as url:
        await migrate(url)
        db = Database(url)
        try:
            messages = await fill(db, threads)
            clear_cache()
            cold, _ = await build(db)
            warm, card = await build(db)
        finally:
            await db.dispose()
    shown = card_text(card)
    missing = [section for section in SECTIONS if section not in shown]
    return Row(backend, threads, messages, cold, warm, card_size(card), missing)


def table(rows: list[Row]) -> str:
    lines = [
        "| backend | threads | messages | build, cold (s) | build, warm (s) | card (KB) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.backend} | {row.threads} | {row.messages} | {row.cold_seconds:.2f} | "
            f"{row.warm_seconds:.2f} | {row.card_bytes / 1024:.1f} |"
        )
    lines += ["", f"Measured on {machine()}."]
    return "\n".join(lines)


async def run(threads: int, backends: list[str]) -> tuple[str, list[str]]:
    rows: list[Row] = []
    found: list[str] = []
    for backend in backends:
        if backend == "postgres" and not await postgres_reachable():
            print(f"PostgreSQL unreachable at {PG_ADMIN}: skipped", file=sys.stderr)
            continue
        row = await measure(backend, threads)
        rows.append(row)
        if row.missing:
            found.append(f"{backend}: sections missing: {', '.join(row.missing)}")
        if row.card_bytes > MAX_CARD_BYTES:
            found.append(f"{backend}: the card is {row.card_bytes} bytes")
    return table(rows), found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--threads", type=int, default=1000)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args(argv)
    report, found = asyncio.run(run(args.threads, args.backends.split(",")))
    print(report)
    for problem in found:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
