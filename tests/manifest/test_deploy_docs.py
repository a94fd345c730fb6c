"""An IT department configures the bot from docs/deploy.md and .env.example alone: every
setting the bot reads is explained in both, and the example file is itself a valid setup."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import AliasChoices

from core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _environment_names() -> list[str]:
    """The variable each setting is read from (the first name where there are several)."""
    names = []
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.append(str(alias.choices[0]))
        else:
            assert field.alias, field
            names.append(field.alias)
    return names


def test_every_setting_is_in_the_example_file_and_the_deployment_guide() -> None:
    example = ROOT / ".env.example"
    assigned = set(re.findall(r"^([A-Za-z_]+)=", example.read_text("utf-8"), flags=re.M))
    guide = (ROOT / "docs/deploy.md").read_text("utf-8")
    for name in _environment_names():
        assert name in assigned, f"{name} is missing from .env.example"
        assert f"`{name}`" in guide, f"{name} is missing from docs/deploy.md"


def test_the_example_file_is_a_valid_local_setup() -> None:
    settings = Settings(_env_file=ROOT / ".env.example")  # type: ignore[call-arg]
    assert settings.database_url.startswith("sqlite+aiosqlite://")
    assert settings.privacy_url.startswith("https://")
