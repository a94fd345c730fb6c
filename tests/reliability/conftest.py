"""Fixtures of the reliability suite, and its Hypothesis profiles.

Profiles: `ci` (few examples, for CI: chosen when CI=true), `dev` (the default here: still
small, `make test` stays fast), `thorough` (HYPOTHESIS_PROFILE=thorough, for a long look).
Only the reliability tests use them (`HOSTILE`); other tests keep Hypothesis' defaults.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, settings

from storage.db import Database
from storage.migrate import migrate
from tests.fakes.connector import FakeConnector
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import Activities
from tests.fixtures.db import _admin, pg_url
from tests.reliability.world import World, build_world, open_world

_SHARED = {
    "deadline": None,
    # One running bot serves every example of a test: that is the point, not a mistake.
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    "print_blob": True,
}
settings.register_profile("ci", max_examples=5, derandomize=True, **_SHARED)  # type: ignore[arg-type]
settings.register_profile("dev", max_examples=8, **_SHARED)  # type: ignore[arg-type]
settings.register_profile("thorough", max_examples=200, **_SHARED)  # type: ignore[arg-type]


def profile_name() -> str:
    chosen = os.environ.get("HYPOTHESIS_PROFILE")
    if chosen in ("ci", "dev", "thorough"):
        return chosen
    return "ci" if os.environ.get("CI", "").lower() == "true" else "dev"


HOSTILE = settings(settings.get_profile(profile_name()))


@pytest.fixture
async def world(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> World:
    """The community of tests/reliability/world.py, on the `backend` database."""
    return await build_world(bot, activities, connector, database)


@asynccontextmanager
async def module_database(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A fresh, migrated database for the tests of one module."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('world') / 'iyowork.db'}"
        await migrate(url)
        yield url
        return
    template = request.getfixturevalue("pg_template")
    name = f"iyowork_{secrets.token_hex(6)}"
    await _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield pg_url(name)
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[World]:
    """One community on SQLite for every test of a module (tests mark themselves
    `pytest.mark.asyncio(loop_scope="module")`). Tests may change it: each one checks what its
    own actions did, never the state another test left."""
    async with (
        module_database("sqlite", request, tmp_path_factory) as url,
        open_world(url) as opened,
    ):
        yield opened


@pytest_asyncio.fixture(
    scope="module",
    loop_scope="module",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
async def shared_world_on_each_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[World]:
    """`shared_world`, once on SQLite and once on PostgreSQL."""
    async with (
        module_database(request.param, request, tmp_path_factory) as url,
        open_world(url) as opened,
    ):
        yield opened
