"""Shared fixtures live in tests/fixtures/; each module is registered here."""

pytest_plugins: list[str] = [
    "tests.fixtures.db",
    "tests.fixtures.connector",
    "tests.fixtures.app",
]
