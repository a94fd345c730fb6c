"""SQLite's one-trip statements keep what SQLAlchemy reads from a cursor: rows, counts, new
ids, several parameter sets at once, and the driver's errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from storage.db import Database
from storage.sqlite_driver import OneTripConnection


@pytest.fixture
async def sqlite(tmp_path: Path) -> Database:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with db.transaction() as session:
        await session.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT UNIQUE)"))
    return db


async def test_the_engine_uses_one_trip_connections(sqlite: Database) -> None:
    async with sqlite.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.dbapi_connection, OneTripConnection)
    await sqlite.dispose()


async def test_rows_counts_and_new_ids_come_back_from_one_trip(sqlite: Database) -> None:
    async with sqlite.transaction() as session:
        inserted = await session.execute(text("INSERT INTO note (body) VALUES ('一人情シス')"))
        assert inserted.lastrowid == 1
        await session.execute(
            text("INSERT INTO note (body) VALUES (:body)"),
            [{"body": "松前町"}, {"body": "伊予市"}, {"body": "東温市"}],
        )
        updated = await session.execute(text("UPDATE note SET body = body || '役場' WHERE id > 2"))
        assert updated.rowcount == 2
        returned = await session.execute(
            text("UPDATE note SET body = body WHERE id = 2 RETURNING id, body")
        )
        assert returned.all() == [(2, "松前町")]
        rows = (await session.execute(text("SELECT id, body FROM note ORDER BY id"))).all()
    assert rows == [(1, "一人情シス"), (2, "松前町"), (3, "伊予市役場"), (4, "東温市役場")]
    async with sqlite.transaction() as session:
        first = (await session.execute(text("SELECT body FROM note ORDER BY id"))).first()
        assert first == ("一人情シス",)
        assert (await session.execute(text("SELECT body FROM note WHERE id = 99"))).all() == []
    await sqlite.dispose()


async def test_driver_errors_surface_and_roll_the_transaction_back(sqlite: Database) -> None:
    with pytest.raises(IntegrityError):
        async with sqlite.transaction() as session:
            await session.execute(text("INSERT INTO note (body) VALUES ('重複')"))
            await session.execute(text("INSERT INTO note (body) VALUES ('重複')"))
    with pytest.raises(OperationalError, match="no such table"):
        async with sqlite.transaction() as session:
            await session.execute(text("SELECT * FROM missing"))
    async with sqlite.transaction() as session:
        count = await session.scalar(text("SELECT count(*) FROM note"))
    assert count == 0
    await sqlite.dispose()
