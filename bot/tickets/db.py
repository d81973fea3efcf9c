"""Engine, units of work and migrations of the tickets database.

SQLite (a file in the state directory) by default, PostgreSQL when `DATABASE_URL` is set. One engine
per process (`get_engine`), one session per unit of work (`session_scope`), the schema is owned by the
Alembic migrations in `bot/tickets/migrations/` (`migrate`), never by `create_all`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from bot.settings import Settings, get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_FILE = "tickets.sqlite3"

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def database_url(settings: Settings | None = None) -> str:
    """The configured database URL: `DATABASE_URL`, else an SQLite file in the state directory."""
    settings = settings or get_settings()
    if settings.database_url:
        url = settings.database_url
        # the scheme Heroku-style providers hand out is not one SQLAlchemy 1.4 accepts
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
        return url
    return f"sqlite:///{settings.state_dir / SQLITE_FILE}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # let SQLAlchemy (not pysqlite) decide when a transaction begins, so SAVEPOINT works
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # take the write lock up front: SQLite then serialises writers and waits (busy_timeout) instead
    # of failing when a read transaction later wants to write
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """A new engine for the URL (prefer `get_engine`, which keeps one per process)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for the URL (default: the configured database), made on first use."""
    url = url or database_url()
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = make_engine(url)
        return engine


_migrated: set[str] = set()


def ready_engine() -> Engine:
    """The configured database's engine, migrated to the current schema once per process."""
    engine = get_engine()
    key = str(engine.url)
    with _engines_lock:
        done = key in _migrated
    if not done:
        migrate(engine)
        with _engines_lock:
            _migrated.add(key)
    return engine


def dispose_engines() -> None:
    """Close every engine made by `get_engine` (tests, and before a process forks)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _migrated.clear()


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commits when the block ends, rolls back when it raises.

    Objects stay readable after the block (no expiry on commit); lazy relationships must be loaded
    inside it (repository functions that return a ticket for display load them).
    """
    session = Session(engine or get_engine(), future=True, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(engine: Engine | None = None) -> Any:
    """An Alembic configuration for our migrations, bound to the engine when one is given."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def migrate(engine: Engine | None = None, revision: str = "head") -> None:
    """Bring the schema up to `revision` (default: the newest) with Alembic; safe to run at every start."""
    from alembic import command

    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # one line per plugin otherwise
    engine = engine or get_engine()
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine | None = None) -> str | None:
    """The schema revision the database is at (None when it was never migrated)."""
    from alembic.runtime.migration import MigrationContext

    with (engine or get_engine()).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()  # type: ignore[no-any-return]
