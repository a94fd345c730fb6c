"""Validated settings, read from the environment or `.env` (Azure Bot naming for the app)."""

from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _split_ids(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    host: str = Field("127.0.0.1", alias="HOST")
    port: int = Field(3978, alias="PORT", ge=1, le=65535)
    database_url: str = Field("sqlite+aiosqlite:///var/iyowork.db", alias="DATABASE_URL")
    # Processes serving the port together (Linux, PostgreSQL): one Python process uses one core.
    workers: int = Field(1, alias="WEB_CONCURRENCY", ge=1, le=32)
    public_base_url: str = Field("http://127.0.0.1:3978", alias="PUBLIC_BASE_URL")
    app_id: str = Field("", validation_alias=AliasChoices("MicrosoftAppId", "MICROSOFT_APP_ID"))
    app_password: str = Field(
        "", validation_alias=AliasChoices("MicrosoftAppPassword", "MICROSOFT_APP_PASSWORD")
    )
    app_type: Literal["SingleTenant", "UserAssignedMSI", "MultiTenant"] = Field(
        "SingleTenant", validation_alias=AliasChoices("MicrosoftAppType", "MICROSOFT_APP_TYPE")
    )
    app_tenant_id: str = Field(
        "", validation_alias=AliasChoices("MicrosoftAppTenantId", "MICROSOFT_APP_TENANT_ID")
    )
    allowed_tenant_ids: Annotated[list[str], NoDecode] = Field(
        default_factory=list, alias="ALLOWED_TENANT_IDS"
    )
    coordinator_ids: Annotated[list[str], NoDecode] = Field(
        default_factory=list, alias="COORDINATOR_IDS"
    )
    timezone: str = Field("Asia/Tokyo", alias="TIMEZONE")
    retention_months: int = Field(24, alias="RETENTION_MONTHS", ge=1, le=120)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", alias="LOG_LEVEL")
    log_format: Literal["text", "json"] = Field("text", alias="LOG_FORMAT")
    export_secret: str = Field("", alias="EXPORT_SECRET")
    # Microsoft Graph (channel history): tests and benchmarks point it at a fake on 127.0.0.1.
    graph_base_url: str = Field("https://graph.microsoft.com/v1.0", alias="GRAPH_BASE_URL")
    # How often the channels the bot is installed in are synced from Graph.
    threads_sync_minutes: int = Field(15, alias="THREADS_SYNC_MINUTES", ge=1, le=1440)
    # The app's pages in Teams (app details, store listing); each organisation should set its own.
    website_url: str = Field("https://www.pref.ehime.jp/", alias="WEBSITE_URL")
    privacy_url: str = Field(
        "https://www.pref.ehime.jp/h12200/jyouhoukoukai/kojin2.html", alias="PRIVACY_URL"
    )
    terms_url: str = Field("https://www.pref.ehime.jp/", alias="TERMS_URL")
    # Tests steer the clock of a bot in another process through this file (ISO 8601 inside).
    clock_file: str = Field("", alias="IYOWORK_CLOCK_FILE")

    @field_validator("allowed_tenant_ids", "coordinator_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        return _split_ids(value)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db")
        return value

    @field_validator("workers")
    @classmethod
    def _workers_share_postgresql(cls, value: int, info: ValidationInfo) -> int:
        # SQLite has one writer: processes would queue on its file lock, sleeping, instead of
        # on the in-process queue that keeps a crowd's answers fast.
        database_url = str(info.data.get("database_url", ""))
        if value > 1 and not database_url.startswith("postgresql+asyncpg://"):
            raise ValueError("more than 1 needs PostgreSQL (DATABASE_URL)")
        return value

    @field_validator("public_base_url", "graph_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("website_url", "privacy_url", "terms_url")
    @classmethod
    def _https_page(cls, value: str) -> str:
        # Teams shows these links in the app details; it accepts only https pages there.
        if not value.startswith("https://"):
            raise ValueError("must start with https://")
        return value

    @property
    def auth_enabled(self) -> bool:
        return bool(self.app_id)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class SettingsError(Exception):
    """A setting is invalid; the message names it in one line."""


def load_settings(**overrides: object) -> Settings:
    """Read settings; turn pydantic's report into one line per bad setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]) or "settings"
            lines.append(f"invalid setting {name}: {error['msg']}")
        raise SettingsError("; ".join(lines)) from None
