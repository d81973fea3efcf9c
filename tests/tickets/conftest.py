"""Real databases for the ticket tests: an SQLite file per test, and one PostgreSQL database per test
session (tables emptied between tests). PostgreSQL is started when it is not running."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import psycopg2
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.tickets.contact import Contact
from bot.tickets.db import make_engine, migrate
from bot.tickets.models import Base
from bot.tickets.repository import Consent, ConversationRef, OpenedTicket, TranscriptEntry, open_ticket
from bot.tickets.vocab import Author, ContactChannel, LifeArea, Urgency

PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"


def _pg_reachable() -> bool:
    try:
        psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", connect_timeout=2).close()
        return True
    except psycopg2.OperationalError:
        return False


def _ensure_postgres() -> None:
    if _pg_reachable():
        return
    versions = sorted(p.name for p in Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").exists() else []
    if not versions:
        pytest.fail("PostgreSQL is not running at 127.0.0.1:5432 and no cluster is installed in /etc/postgresql")
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"]
    result = subprocess.run(command, capture_output=True, text=True)
    for _ in range(50):
        if _pg_reachable():
            return
        time.sleep(0.2)
    pytest.fail(f"PostgreSQL did not start: {' '.join(command)} -> {result.returncode}: "
                f"{result.stderr.strip() or result.stdout.strip()}")


def _admin(sql: str) -> None:
    connection = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database; dropped afterwards. Yields its URL."""
    _ensure_postgres()
    name = f"wegweiser_test_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg2://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    """One migrated PostgreSQL database for the whole test session."""
    with postgres_database() as url:
        engine = make_engine(url)
        migrate(engine)
        yield engine
        engine.dispose()


def _empty(engine: Engine) -> None:
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty tickets database: an SQLite file, then PostgreSQL."""
    if request.param == "sqlite":
        sqlite_engine = make_engine(f"sqlite:///{tmp_path / 'tickets.sqlite3'}")
        migrate(sqlite_engine)
        yield sqlite_engine
        sqlite_engine.dispose()
        return
    pg_engine: Engine = request.getfixturevalue("postgres_engine")
    _empty(pg_engine)
    yield pg_engine


NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def open_example(session: Session, key: str = "sender-1:event-1", *, region: str = "bielefeld",
                 urgency: Urgency = Urgency.NORMAL, language: str = "fa", sender: str = "sender-1",
                 now: datetime = NOW, **overrides: object) -> OpenedTicket:
    """Open a typical ticket (a Persian-speaking person in Bielefeld with a housing problem)."""
    values: dict[str, object] = dict(
        request_key=key, region=region, team=region, language=language,
        contact=Contact(ContactChannel.PHONE, "+4952112345678"),
        consent=Consent("privacy-2026-01", now),
        description="صاحبخانه می‌خواهد ما را بیرون کند",
        life_areas=[LifeArea.HOUSING, LifeArea.MONEY], topics=["housing"],
        urgency=urgency, person_name="Maryam",
        conversation=ConversationRef(sender, "telegram", "777000111"),
        transcript=[TranscriptEntry(Author.PERSON, "سلام، کمک لازم دارم", now),
                    TranscriptEntry(Author.ASSISTANT, "...", now)],
        now=now,
    )
    values.update(overrides)
    return open_ticket(session, **values)  # type: ignore[arg-type]
