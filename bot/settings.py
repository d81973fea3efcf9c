"""One typed, frozen settings object read from the environment once."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_PLACEHOLDERS = {"", "changeme", "change-me", "secret", "dev", "xxx"}
TELEGRAM_API_URL = "https://api.telegram.org"
# Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and - as a webhook secret token
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


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
    telegram_webhook_url: str | None
    telegram_webhook_secret: str
    telegram_api_url: str
    id_hash_key: str
    knowledge_reload_seconds: float
    tracker_store_url: str | None
    lock_store_url: str | None
    database_url: str | None  # tickets; None means SQLite in state_dir
    teams_file: Path
    desk_url: str
    retention_days: int
    smtp_host: str | None
    smtp_port: int
    smtp_from: str
    smtp_user: str | None
    smtp_password: str | None
    smtp_starttls: bool
    desk_idle_minutes: int = 30  # a desk session ends after this long without a request

    @property
    def is_development(self) -> bool:
        """True outside production (placeholder secrets allowed)."""
        return self.env != "production"

    @property
    def telegram_mode(self) -> str | None:
        """'webhook', 'polling', or None without a Telegram token."""
        if not self.telegram_token:
            return None
        return "webhook" if self.telegram_webhook_url else "polling"


CONVERSATIONS_FILE = "conversations.db"  # Rasa's SQL tracker store, SQLite by default


def conversations_url(settings: Settings) -> str | None:
    """Where Rasa keeps the conversations as a database URL (None: only in memory)."""
    if settings.tracker_store_url is None:
        return f"sqlite:///{settings.state_dir / CONVERSATIONS_FILE}"
    return None if settings.tracker_store_url == "memory" else settings.tracker_store_url


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment variables that recreate `settings` in a child process."""
    # empty values stand for "not set", so a variable of the parent's environment cannot leak through
    return {
        "WEGWEISER_ENV": settings.env,
        "WEGWEISER_STATE_DIR": str(settings.state_dir),
        "WEGWEISER_KNOWLEDGE_DIR": str(settings.knowledge_dir),
        "WEGWEISER_LOCALES_DIR": str(settings.locales_dir),
        "WEGWEISER_KNOWLEDGE_RELOAD_SECONDS": str(settings.knowledge_reload_seconds),
        "WEGWEISER_RASA_PORT": str(settings.rasa_port),
        "WEGWEISER_ACTIONS_PORT": str(settings.actions_port),
        "WEGWEISER_ID_HASH_KEY": settings.id_hash_key,
        "TELEGRAM_BOT_TOKEN": settings.telegram_token or "",
        "TELEGRAM_API_URL": settings.telegram_api_url,
        "TELEGRAM_WEBHOOK_URL": settings.telegram_webhook_url or "",
        "TELEGRAM_WEBHOOK_SECRET": settings.telegram_webhook_secret,
        "DATABASE_URL": settings.database_url or "",
        "WEGWEISER_TRACKER_STORE_URL": settings.tracker_store_url or "",
        "WEGWEISER_LOCK_STORE_URL": settings.lock_store_url or "",
        "WEGWEISER_TEAMS_FILE": str(settings.teams_file),
        "WEGWEISER_DESK_URL": settings.desk_url,
        "WEGWEISER_RETENTION_DAYS": str(settings.retention_days),
        "SMTP_HOST": settings.smtp_host or "",
        "SMTP_PORT": str(settings.smtp_port),
        "SMTP_FROM": settings.smtp_from,
        "SMTP_USER": settings.smtp_user or "",
        "SMTP_PASSWORD": settings.smtp_password or "",
        "SMTP_STARTTLS": "1" if settings.smtp_starttls else "0",
        "WEGWEISER_DESK_IDLE_MINUTES": str(settings.desk_idle_minutes),
    }


def _webhook_secret(env: str, id_hash_key: str) -> str:
    secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "")
    if secret.lower() in _PLACEHOLDERS:
        if env == "production":
            raise SettingsError("TELEGRAM_WEBHOOK_SECRET must be set to a random secret when TELEGRAM_WEBHOOK_URL "
                                "is set in production")
        # development: a stable secret derived from the id hash key, so restarts keep working
        return hmac.new(id_hash_key.encode(), b"telegram-webhook", hashlib.sha256).hexdigest()
    if not _SECRET_TOKEN.match(secret):
        raise SettingsError("TELEGRAM_WEBHOOK_SECRET may only contain A-Z, a-z, 0-9, _ and - (1-256 characters)")
    return secret


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
    webhook_url = os.environ.get("TELEGRAM_WEBHOOK_URL") or None
    webhook_secret = _webhook_secret(env, key) if webhook_url else ""
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
        telegram_webhook_url=webhook_url,
        telegram_webhook_secret=webhook_secret,
        telegram_api_url=(os.environ.get("TELEGRAM_API_URL") or TELEGRAM_API_URL).rstrip("/"),
        id_hash_key=key,
        knowledge_reload_seconds=float(os.environ.get("WEGWEISER_KNOWLEDGE_RELOAD_SECONDS", "2")),
        tracker_store_url=os.environ.get("WEGWEISER_TRACKER_STORE_URL") or None,
        lock_store_url=os.environ.get("WEGWEISER_LOCK_STORE_URL") or None,
        database_url=os.environ.get("DATABASE_URL") or None,
        teams_file=_path("WEGWEISER_TEAMS_FILE", ROOT / "teams.yml"),
        desk_url=(os.environ.get("WEGWEISER_DESK_URL") or "http://127.0.0.1:5080").rstrip("/"),
        retention_days=int(os.environ.get("WEGWEISER_RETENTION_DAYS", "90")),
        smtp_host=os.environ.get("SMTP_HOST") or None,
        smtp_port=int(os.environ.get("SMTP_PORT", "25")),
        smtp_from=os.environ.get("SMTP_FROM") or "wegweiser@localhost",
        smtp_user=os.environ.get("SMTP_USER") or None,
        smtp_password=os.environ.get("SMTP_PASSWORD") or None,
        smtp_starttls=_flag("SMTP_STARTTLS", False),
        desk_idle_minutes=int(os.environ.get("WEGWEISER_DESK_IDLE_MINUTES") or "30"),
    )
