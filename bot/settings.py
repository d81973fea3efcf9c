"""One typed, frozen settings object read from the environment once."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_PLACEHOLDERS = {"", "changeme", "change-me", "secret", "dev", "xxx"}


class SettingsError(RuntimeError):
    """A setting is missing or unsafe for this environment."""


@dataclass(frozen=True)
class Settings:
    """Runtime configuration; secrets come only from the environment."""

    env: str
    root: Path
    knowledge_dir: Path
    locales_dir: Path
    models_dir: Path
    state_dir: Path
    rasa_port: int
    actions_port: int
    host: str
    telegram_token: str | None
    id_hash_key: str
    knowledge_reload_seconds: float
    tracker_store_url: str | None
    lock_store_url: str | None
    database_url: str | None  # tickets; None means SQLite in state_dir
    telegram_api_url: str
    teams_file: Path
    desk_url: str
    retention_days: int
    smtp_host: str | None
    smtp_port: int
    smtp_from: str
    smtp_user: str | None
    smtp_password: str | None
    smtp_starttls: bool

    @property
    def is_development(self) -> bool:
        """True outside production (placeholder secrets allowed)."""
        return self.env != "production"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).resolve() if value else default


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the environment once and validate it."""
    env = os.environ.get("WEGWEISER_ENV", "development")
    key = os.environ.get("WEGWEISER_ID_HASH_KEY", "")
    if key.lower() in _PLACEHOLDERS:
        if env == "production":
            raise SettingsError("WEGWEISER_ID_HASH_KEY must be set to a random secret in production")
        key = "development-only-key"
    state_dir = _path("WEGWEISER_STATE_DIR", ROOT / ".state")
    return Settings(
        env=env,
        root=ROOT,
        knowledge_dir=_path("WEGWEISER_KNOWLEDGE_DIR", ROOT / "knowledge"),
        locales_dir=_path("WEGWEISER_LOCALES_DIR", ROOT / "locales"),
        models_dir=_path("WEGWEISER_MODELS_DIR", ROOT / "models"),
        state_dir=state_dir,
        rasa_port=int(os.environ.get("WEGWEISER_RASA_PORT", "5005")),
        actions_port=int(os.environ.get("WEGWEISER_ACTIONS_PORT", "5055")),
        host=os.environ.get("WEGWEISER_HOST", "127.0.0.1"),
        telegram_token=os.environ.get("TELEGRAM_BOT_TOKEN") or None,
        id_hash_key=key,
        knowledge_reload_seconds=float(os.environ.get("WEGWEISER_KNOWLEDGE_RELOAD_SECONDS", "2")),
        tracker_store_url=os.environ.get("WEGWEISER_TRACKER_STORE_URL") or None,
        lock_store_url=os.environ.get("WEGWEISER_LOCK_STORE_URL") or None,
        database_url=os.environ.get("DATABASE_URL") or None,
        telegram_api_url=(os.environ.get("TELEGRAM_API_URL") or "https://api.telegram.org").rstrip("/"),
        teams_file=_path("WEGWEISER_TEAMS_FILE", ROOT / "teams.yml"),
        desk_url=(os.environ.get("WEGWEISER_DESK_URL") or "http://127.0.0.1:5080").rstrip("/"),
        retention_days=int(os.environ.get("WEGWEISER_RETENTION_DAYS", "90")),
        smtp_host=os.environ.get("SMTP_HOST") or None,
        smtp_port=int(os.environ.get("SMTP_PORT", "25")),
        smtp_from=os.environ.get("SMTP_FROM") or "wegweiser@localhost",
        smtp_user=os.environ.get("SMTP_USER") or None,
        smtp_password=os.environ.get("SMTP_PASSWORD") or None,
        smtp_starttls=_flag("SMTP_STARTTLS", False),
    )
