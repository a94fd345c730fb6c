"""Export links: signed, tied to who asked, dead after 15 minutes by the bot's clock, and
written to the audit log when issued and when used."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import FrozenClock
from core.i18n import Translator, default_catalog
from core.settings import Settings
from dialogs.exports import (
    LINK_LIFETIME,
    ExportFile,
    LinkExpired,
    LinkInvalid,
    issue_link,
    produce,
    read_link,
)
from dialogs.turn import Person
from storage.db import Database
from storage.models import AuditEntry

JST = ZoneInfo("Asia/Tokyo")
BASE_URL = "https://iyowork.example.jp"
TARO = Person("29:1user0001-taro", "aad00000-0000-4000-8000-000000000001", "松山 太郎")


def settings_with(secret: str) -> Settings:
    return Settings(EXPORT_SECRET=secret, PUBLIC_BASE_URL=BASE_URL)  # type: ignore[call-arg]


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 11, 26, 10, 0, tzinfo=JST))


async def new_link(
    database: Database, clock: FrozenClock, settings: Settings, *, locale: str = "ja"
) -> str:
    async with database.transaction() as session:
        url = await issue_link(
            session,
            kind="poll",
            subject_id="7",
            person=TARO,
            locale="en" if locale == "en" else "ja",
            now=clock.now(),
            settings=settings,
        )
    assert url.startswith(f"{BASE_URL}/exports/")
    return url.removeprefix(f"{BASE_URL}/exports/")


async def audit_log(database: Database) -> list[AuditEntry]:
    async with database.transaction() as session:
        return list((await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all())


async def test_a_link_says_who_asked_for_what_until_it_expires(
    database: Database, clock: FrozenClock
) -> None:
    settings = settings_with("a-long-random-secret")
    token = await new_link(database, clock, settings)

    clock.advance(LINK_LIFETIME)  # the last second it works
    grant = read_link(token, settings=settings, now=clock.now())
    assert (grant.kind, grant.subject_id, grant.person_key, grant.locale) == (
        "poll",
        "7",
        TARO.key,
        "ja",
    )
    assert grant.issued_at == datetime(2026, 11, 26, 10, 0, tzinfo=JST)

    clock.advance(timedelta(minutes=1))
    with pytest.raises(LinkExpired):
        read_link(token, settings=settings, now=clock.now())


async def test_issuing_a_link_is_in_the_audit_log(database: Database, clock: FrozenClock) -> None:
    token = await new_link(database, clock, settings_with("a-long-random-secret"))

    [entry] = await audit_log(database)
    assert entry.action == "export.link"
    assert entry.actor_key == TARO.key
    assert entry.at == clock.now()
    assert entry.detail == {"kind": "poll", "subject_id": "7", "name": "松山 太郎"}
    assert read_link(token, settings=settings_with("a-long-random-secret"), now=clock.now())


async def test_a_tampered_or_foreign_link_is_refused(
    database: Database, clock: FrozenClock
) -> None:
    settings = settings_with("a-long-random-secret")
    token = await new_link(database, clock, settings)
    payload, stamp, signature = token.rsplit(".", 2)
    swapped = payload[:5] + ("A" if payload[5] != "A" else "B") + payload[6:]

    for forged in (
        f"{swapped}.{stamp}.{signature}",
        f"{payload}.{stamp}.{'A' * len(signature)}",
        token[:-10],
        "not-a-token",
    ):
        with pytest.raises(LinkInvalid):
            read_link(forged, settings=settings, now=clock.now())
    with pytest.raises(LinkInvalid):
        read_link(token, settings=settings_with("another-secret"), now=clock.now())


async def test_a_tampered_link_is_refused_even_when_it_would_also_be_expired(
    database: Database, clock: FrozenClock
) -> None:
    settings = settings_with("a-long-random-secret")
    token = await new_link(database, clock, settings)
    payload, stamp, _ = token.rsplit(".", 2)
    clock.advance(timedelta(hours=1))

    with pytest.raises(LinkInvalid):
        read_link(f"{payload}.{stamp}.{'A' * 27}", settings=settings, now=clock.now())


async def test_a_link_from_the_future_is_not_accepted(
    database: Database, clock: FrozenClock
) -> None:
    settings = settings_with("a-long-random-secret")
    token = await new_link(database, clock, settings)

    with pytest.raises(LinkExpired):
        read_link(token, settings=settings, now=clock.now() - timedelta(minutes=5))


async def test_without_export_secret_links_work_for_the_life_of_the_process(
    database: Database, clock: FrozenClock
) -> None:
    token = await new_link(database, clock, settings_with(""))

    assert read_link(token, settings=settings_with(""), now=clock.now()).subject_id == "7"
    with pytest.raises(LinkInvalid):
        read_link(token, settings=settings_with("configured-later"), now=clock.now())


async def test_a_download_builds_the_file_in_the_requesters_language_and_is_logged(
    database: Database, clock: FrozenClock
) -> None:
    settings = settings_with("a-long-random-secret")
    token = await new_link(database, clock, settings, locale="en")
    seen: list[tuple[str, str]] = []

    async def answers(
        session: AsyncSession, subject_id: str, t: Translator, zone: tzinfo, now: datetime
    ) -> ExportFile | None:
        seen.append((subject_id, t.locale))
        return ExportFile("answers.csv", "text/csv; charset=utf-8", b"a,b\r\n")

    clock.advance(timedelta(minutes=3))
    grant = read_link(token, settings=settings, now=clock.now())
    async with database.transaction() as session:
        file = await produce(
            session,
            grant,
            exporters={"poll": answers},
            catalog=default_catalog(),
            zone=JST,
            now=clock.now(),
        )

    assert file is not None and file.content == b"a,b\r\n"
    assert seen == [("7", "en")]
    link, download = await audit_log(database)
    assert download.action == "export.download"
    assert download.actor_key == TARO.key
    assert download.at == clock.now()
    assert download.detail == {
        "kind": "poll",
        "subject_id": "7",
        "link_id": link.id,
        "filename": "answers.csv",
        "bytes": 5,
    }


async def test_an_unknown_kind_or_a_vanished_subject_gives_nothing_and_logs_nothing(
    database: Database, clock: FrozenClock
) -> None:
    settings = settings_with("a-long-random-secret")
    grant = read_link(await new_link(database, clock, settings), settings=settings, now=clock.now())

    async def gone(
        session: AsyncSession, subject_id: str, t: Translator, zone: tzinfo, now: datetime
    ) -> ExportFile | None:
        return None

    catalog = default_catalog()
    async with database.transaction() as session:
        unknown = await produce(
            session, grant, exporters={}, catalog=catalog, zone=JST, now=clock.now()
        )
        vanished = await produce(
            session, grant, exporters={"poll": gone}, catalog=catalog, zone=JST, now=clock.now()
        )

    assert unknown is None and vanished is None
    assert [entry.action for entry in await audit_log(database)] == ["export.link"]
