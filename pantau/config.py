"""One typed settings object for the whole application.

Values come, in increasing priority, from the defaults below, ``pantau.toml`` (the file named
by ``PANTAU_CONFIG`` or ``./pantau.toml``) and ``PANTAU_*`` environment variables (nested
keys use ``__``: ``PANTAU_SOURCES__TELEGRAM_WEB__ENABLED=false``). Unknown keys are errors,
so a typo in the config never silently falls back to a default.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent

ZONE_ALIASES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}


class ConfigError(Exception):
    """A configuration problem, with a message that names the offending key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceSettings(_Strict):
    """Per-source switches. Every collector can be turned off (terms of service)."""

    enabled: bool = True
    token: SecretStr | None = None
    base_url: str | None = None
    max_pages: int = Field(default=20, ge=1)
    options: dict[str, Any] = Field(default_factory=dict)


class SourcesSettings(_Strict):
    telegram_web: SourceSettings = SourceSettings()
    telegram_export: SourceSettings = SourceSettings()
    whatsapp_export: SourceSettings = SourceSettings()
    mastodon: SourceSettings = SourceSettings(enabled=False)
    x: SourceSettings = SourceSettings(enabled=False)
    youtube: SourceSettings = SourceSettings(enabled=False)
    rss: SourceSettings = SourceSettings()
    tips: SourceSettings = SourceSettings()


class HttpSettings(_Strict):
    user_agent: str = "pantau/0.1 (pemantauan netralitas ASN; +mailto:kesbangpol@example.go.id)"
    contact: str = "kesbangpol@example.go.id"
    min_delay_s: float = Field(default=2.0, ge=0)
    per_host_concurrency: int = Field(default=1, ge=1)
    timeout_s: float = Field(default=20.0, gt=0)
    max_retries: int = Field(default=4, ge=0)
    backoff_base_s: float = Field(default=1.0, ge=0)
    backoff_max_s: float = Field(default=120.0, ge=0)
    max_response_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    respect_robots: bool = True
    allow_private_hosts: list[str] = Field(
        default_factory=list,
        description="Hosts that may resolve to private/loopback addresses (tests, demo).",
    )


class ClassifierSettings(_Strict):
    model_dir: Path = PROJECT_ROOT / "models" / "default"
    elections_dir: Path = PROJECT_ROOT / "data" / "elections"
    threshold: float = Field(default=0.5, ge=0, le=1)
    batch_size: int = Field(default=256, ge=1)


class ReviewSettings(_Strict):
    secret_key: SecretStr = SecretStr("ganti-kunci-rahasia-ini")
    claim_minutes: int = Field(default=30, ge=1)
    report_deadline_days: int = Field(default=7, ge=1)
    max_failed_logins: int = Field(default=5, ge=1)
    lockout_minutes: int = Field(default=15, ge=1)
    language: Literal["id", "en"] = "id"
    cookie_secure: bool = False


class PrivacySettings(_Strict):
    non_registry_messages: Literal["drop", "pseudonymise"] = "pseudonymise"
    context_window: int = Field(default=2, ge=0, description="Messages kept around a match.")
    name_match_threshold: float = Field(default=0.9, ge=0, le=1)


class RetentionSettings(_Strict):
    not_violation_days: int = Field(default=90, ge=1)
    unflagged_capture_days: int = Field(default=30, ge=1)
    closed_case_days: int = Field(default=365 * 5, ge=1)


class ScheduleSettings(_Strict):
    nightly_cron: str = "0 1 * * *"


class NotifySettings(_Strict):
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    mail_from: str = "pantau@example.go.id"
    mail_to: list[str] = Field(default_factory=list)
    telegram_bot_token: SecretStr | None = None
    telegram_chat_id: str | None = None
    telegram_api_base: str = "https://api.telegram.org"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PANTAU_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    office_name: str = "Badan Kesatuan Bangsa dan Politik Provinsi (contoh)"
    office_address: str = ""  # reporter's address on Bawaslu/BKN report forms
    database_url: str = Field(default="")
    timezone: str = "Asia/Jakarta"
    data_dir: Path = PROJECT_ROOT / "var"
    archive_dir: Path | None = None
    sources: SourcesSettings = SourcesSettings()
    http: HttpSettings = HttpSettings()
    classifier: ClassifierSettings = ClassifierSettings()
    review: ReviewSettings = ReviewSettings()
    privacy: PrivacySettings = PrivacySettings()
    retention: RetentionSettings = RetentionSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    notify: NotifySettings = NotifySettings()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        name = ZONE_ALIASES.get(value.upper(), value)
        try:
            ZoneInfo(name)
        except Exception as exc:  # ZoneInfoNotFoundError, ValueError
            raise ValueError(f"zona waktu tidak dikenal: {value!r} (contoh: WIB, WITA, WIT)") from exc
        return name

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'pantau.db'}"

    @property
    def warc_dir(self) -> Path:
        return (self.archive_dir or self.data_dir / "archive") / "warc"

    @property
    def raw_dir(self) -> Path:
        return (self.archive_dir or self.data_dir / "archive") / "raw"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = Path(os.environ.get("PANTAU_CONFIG", "pantau.toml"))
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if toml_path.is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_path))
        return tuple(sources)


def _describe(exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(root)"
        if err["type"] == "extra_forbidden":
            lines.append(f"kunci tidak dikenal: {key}")
        else:
            lines.append(f"{key}: {err['msg']} (nilai: {err.get('input')!r})")
    return "; ".join(lines)


def load_settings(**overrides: Any) -> Settings:
    """Build settings, turning validation problems into a ConfigError naming each key."""
    source = os.environ.get("PANTAU_CONFIG", "pantau.toml")
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(f"Konfigurasi tidak valid ({source} / PANTAU_*): {_describe(exc)}") from exc
    except (OSError, ValueError) as exc:  # broken TOML syntax
        raise ConfigError(f"Berkas konfigurasi {source} tidak dapat dibaca: {exc}") from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def reset_settings_cache() -> None:
    get_settings.cache_clear()
