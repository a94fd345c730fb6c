"""The golden channel (tests/summaries/corpus.py) stored in a fresh database, on SQLite and on
PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from dialogs.summaries.service import clear_cache
from storage.db import Database
from tests.summaries import corpus


@pytest.fixture
async def channel(database: Database) -> AsyncIterator[Database]:
    """A database holding the golden channel (and the analysis cache emptied, so each test
    reads the threads afresh)."""
    clear_cache()
    async with database.transaction() as session:
        await corpus.load(session)
    yield database
    clear_cache()
