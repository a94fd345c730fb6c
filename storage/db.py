"""The database: one async engine, and one transaction per unit of work."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import sqlite_driver

log = logging.getLogger(__name__)

Dialect = Literal["sqlite", "postgresql"]
BUSY_TIMEOUT_MS = 10_000


def create_engine(url: str) -> AsyncEngine:
    """An engine configured for our two backends (see `Database`). Neither puts a statement's
    parameters (what people wrote, names, links) into its errors or logs: a failed turn logs
    the SQL and the error, never the values."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url,
            module=sqlite_driver.dbapi(),
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
            hide_parameters=True,
        )
        _serialize_sqlite_writes(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_async_engine(url, pool_pre_ping=True, hide_parameters=True)
    raise ValueError(f"unsupported database {parsed.get_backend_name()!r}")


def _serialize_sqlite_writes(engine: AsyncEngine) -> None:
    # SQLAlchemy's recipe: the driver emits no BEGIN of its own, we emit BEGIN IMMEDIATE, so a
    # transaction that reads then writes holds the write lock from its first statement and
    # check-then-write cannot interleave between two transactions.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """`async with db.transaction() as session:` commits on success and rolls back on error."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        name = self.engine.dialect.name
        if name not in ("sqlite", "postgresql"):
            raise ValueError(f"unsupported database {name!r}")
        self.dialect: Dialect = "sqlite" if name == "sqlite" else "postgresql"
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer; its busy handler waits by sleeping in growing steps, which
        # gives concurrent turns seconds of tail latency. Queueing our own transactions in
        # the process instead hands the lock over at once (other processes still wait on
        # busy_timeout).
        self._sqlite_writer = asyncio.Lock() if self.dialect == "sqlite" else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One session, one transaction. Don't open a second one inside it."""
        if self._sqlite_writer is None:
            async with self._sessions() as session, session.begin():
                yield session
            return
        async with self._sqlite_writer, self._sessions() as session, session.begin():
            yield session

    async def is_ready(self) -> bool:
        """True when the database answers and its schema is at the latest migration."""
        from storage.migrate import current_revision, head_revision

        try:
            async with self.engine.connect() as connection:
                current = await connection.run_sync(current_revision)
        except (SQLAlchemyError, OSError) as exc:
            log.warning("database not ready: %s", exc)
            return False
        return current == head_revision()

    async def dispose(self) -> None:
        await self.engine.dispose()
