"""The database itself: times, readiness and migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.exc import StatementError

from storage.db import Database
from storage.migrate import head_revision, migrate
from storage.models import AuditEntry, Base
from storage.repositories.audit import record

JST = timezone(timedelta(hours=9))


async def test_a_time_written_in_tokyo_reads_back_as_the_same_instant_in_utc(
    database: Database,
) -> None:
    written = datetime(2026, 4, 1, 9, 30, 15, 123456, tzinfo=JST)
    async with database.transaction() as session:
        entry = await record(
            session, actor_key="aad-1", action="poll.open", detail={"poll": 1}, now=written
        )
        entry_id = entry.id
    async with database.transaction() as session:
        session.expunge_all()
        stored = await session.get(AuditEntry, entry_id)
        assert stored is not None
        assert stored.at == written
        assert stored.at.tzinfo is not None
        assert stored.at.utcoffset() == timedelta(0)
        assert stored.at == datetime(2026, 4, 1, 0, 30, 15, 123456, tzinfo=UTC)
        assert stored.detail == {"poll": 1}
        # Comparisons in SQL see the same instant whatever offset the caller used.
        later = await session.scalar(
            select(AuditEntry.id).where(AuditEntry.at > datetime(2026, 4, 1, 0, 30, tzinfo=UTC))
        )
        assert later == entry_id


async def test_a_naive_time_is_refused_and_nothing_is_stored(database: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        async with database.transaction() as session:
            await record(
                session, actor_key=None, action="x", detail={}, now=datetime(2026, 4, 1, 9, 0)
            )
    async with database.transaction() as session:
        assert (await session.scalars(select(AuditEntry))).all() == []


async def test_is_ready_only_once_the_schema_is_at_head(empty_database_url: str) -> None:
    db = Database(empty_database_url)
    try:
        assert await db.is_ready() is False
        await migrate(empty_database_url)
        assert await db.is_ready() is True
    finally:
        await db.dispose()


async def test_an_unreachable_database_is_not_ready() -> None:
    db = Database("postgresql+asyncpg://postgres@127.0.0.1:1/nowhere")
    try:
        assert await db.is_ready() is False
    finally:
        await db.dispose()


async def test_two_instances_migrating_together_both_succeed_with_one_schema(
    empty_database_url: str,
) -> None:
    await asyncio.gather(migrate(empty_database_url), migrate(empty_database_url))
    await migrate(empty_database_url)  # and again, as on every later start: nothing to do
    db = Database(empty_database_url)
    try:
        assert await db.is_ready()
        async with db.engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
            versions = (await connection.exec_driver_sql("SELECT * FROM alembic_version")).all()
        assert set(Base.metadata.tables) <= tables
        assert versions == [(head_revision(),)]
    finally:
        await db.dispose()


async def test_the_migrations_create_exactly_what_the_models_describe(database: Database) -> None:
    def differences(connection: object) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})  # type: ignore[arg-type]
        return list(compare_metadata(context, Base.metadata))

    async with database.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_the_sqlite_file_folder_is_created_and_wal_is_on(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path)) / "nested" / "var"
    url = f"sqlite+aiosqlite:///{folder / 'iyowork.db'}"
    await migrate(url)
    db = Database(url)
    try:
        async with db.engine.connect() as connection:
            mode = (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar()
            keys = (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar()
        assert (folder / "iyowork.db").exists()
        assert (mode, keys) == ("wal", 1)
    finally:
        await db.dispose()
