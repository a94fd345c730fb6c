"""Schema migrations: `await migrate(url)`, or `python -m storage.migrate` with DATABASE_URL.

Two instances starting together must not both migrate: PostgreSQL takes an advisory lock and
SQLite a write lock (BEGIN IMMEDIATE) around the whole upgrade, so the second one waits and
then finds the schema at head.
"""

from __future__ import annotations

import asyncio
import logging
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import make_url, text
from sqlalchemy.engine import Connection

from storage.db import create_engine

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant works; it only has to be the same for every instance of this bot.
_PG_LOCK_KEY = 0x1740_0001


def alembic_config(url: str | None = None) -> Config:
    """Alembic configured in code, so the repository root needs no alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@cache
def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _upgrade(connection: Connection, url: str) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def migrate(url: str) -> None:
    """Upgrade the database at `url` to the latest revision, under a lock."""
    lock_path = _sqlite_lock_path(url)
    if lock_path is None:
        await _migrate(url)
        return
    # SQLite answers "database is locked" at once, without waiting, when a second connection
    # switches a fresh file to WAL while the first holds BEGIN IMMEDIATE; a lock file
    # serialises whole migrations across processes first.
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a+b") as handle:
        await asyncio.to_thread(_lock, handle.fileno())
        try:
            await _migrate(url)
        finally:
            _unlock(handle.fileno())


def _sqlite_lock_path(url: str) -> Path | None:
    database = make_url(url).database
    if not url.startswith("sqlite") or not database or database == ":memory:":
        return None
    return Path(database).with_name(Path(database).name + ".migrate-lock")


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: one local instance, nothing to race with
        return
    fcntl.flock(fd, fcntl.LOCK_EX)


def _unlock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:
        return
    fcntl.flock(fd, fcntl.LOCK_UN)


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            # On SQLite this begin emits BEGIN IMMEDIATE (see storage.db): the lock.
            await connection.begin()
            if engine.dialect.name == "postgresql":
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY}
                )
            await connection.run_sync(_upgrade, url)
            await connection.commit()
    finally:
        await engine.dispose()
    log.info("database at revision %s", head_revision())


def main() -> None:
    from core.settings import load_settings

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(migrate(load_settings().database_url))


if __name__ == "__main__":
    main()
