"""Settings: a bad value stops start-up with one line naming the setting."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_are_for_a_local_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT / "tests")  # no .env here
    settings = load_settings()
    assert settings.host == "127.0.0.1"
    assert settings.port == 3978
    assert settings.database_url == "sqlite+aiosqlite:///var/iyowork.db"
    assert settings.timezone == "Asia/Tokyo"
    assert not settings.auth_enabled


def test_azure_bot_names_and_lists_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MicrosoftAppId", "00000000-0000-0000-0000-0000000000b0")
    monkeypatch.setenv("COORDINATOR_IDS", "aad-1, aad-2;aad-3")
    monkeypatch.setenv("ALLOWED_TENANT_IDS", "tenant-a")
    settings = load_settings()
    assert settings.auth_enabled
    assert settings.coordinator_ids == ["aad-1", "aad-2", "aad-3"]
    assert settings.allowed_tenant_ids == ["tenant-a"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "eighty"),
        ("DATABASE_URL", "mysql://root@localhost/x"),
        ("TIMEZONE", "Mars/Olympus"),
        ("PUBLIC_BASE_URL", "bot.example.jp"),
        ("RETENTION_MONTHS", "0"),
    ],
)
def test_a_bad_value_is_named(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert str(raised.value).startswith(f"invalid setting {name}:")
    assert "\n" not in str(raised.value)


def test_several_workers_need_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    monkeypatch.setenv("DATABASE_URL", "sqlite+aiosqlite:///var/iyowork.db")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert str(raised.value).startswith("invalid setting WEB_CONCURRENCY:")
    assert "more than 1 needs PostgreSQL" in str(raised.value)


def test_the_service_refuses_to_start_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py")],
        cwd=tmp_path,
        env={"PORT": "99999", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [lines[0]] and lines[0].startswith("invalid setting PORT:")
