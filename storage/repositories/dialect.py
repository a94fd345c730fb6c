"""INSERT … ON CONFLICT for the dialect of a session (both of ours spell it the same way), and
hot statements built once per dialect."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import BindParameter, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

Insert = Callable[[Any], Any]
_BUILT: dict[tuple[str, Callable[[Insert], Any]], Any] = {}


def insert(session: AsyncSession, table: Any) -> Any:
    """`postgresql.insert` or `sqlite.insert` (both have on_conflict_do_nothing/_update)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def prepared(session: AsyncSession, build: Callable[[Insert], Any]) -> Any:
    """The statement `build(insert)` makes for the session's dialect, built on first use and
    reused after. For statements every turn runs (with `bindparam` values): constructing an
    upsert and computing its cache key costs more CPU than executing it, and a crowd
    answering one poll runs them hundreds of times a second."""
    dialect = session.get_bind().dialect.name
    key = (dialect, build)
    statement = _BUILT.get(key)
    if statement is None:
        statement = build(postgresql.insert if dialect == "postgresql" else sqlite.insert)
        _BUILT[key] = statement
    return statement


def bound(columns: Iterable[str]) -> dict[str, BindParameter[Any]]:
    """`values()` for a prepared statement: each column filled from the parameter of its name."""
    return {column: bindparam(column) for column in columns}
