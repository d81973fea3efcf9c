"""Retention: `python -m bot privacy purge` on tickets and on Rasa's SQL tracker store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.__main__ import main
from bot.settings import get_settings
from bot.tickets.db import dispose_engines, get_engine, session_scope
from bot.tickets.privacy import purge, sql_tracker_store_url
from bot.tickets.repository import REMOVED, get_ticket, resolve
from tests.tickets.conftest import NOW, open_example

DAY = 86400.0


@pytest.fixture
def tracker_store(engine: Engine) -> Iterator[Engine]:
    """Rasa's SQLTrackerStore table (rasa/core/tracker_store.py: SQLEvent) in the test database."""
    with engine.begin() as connection:
        connection.execute(text(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
            "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
            "action_name VARCHAR(255), data TEXT)"))
        now = NOW.timestamp()
        rows = [("old", now - 200 * DAY), ("old", now - 100 * DAY),  # last event 100 days ago
                ("active", now - 200 * DAY), ("active", now - 1 * DAY),  # an old conversation, still going
                ("new", now - 2 * DAY)]
        for i, (sender, timestamp) in enumerate(rows):
            connection.execute(text("INSERT INTO events (id, sender_id, type_name, timestamp, data) "
                                    "VALUES (:i, :s, 'user', :t, '{}')"), {"i": i, "s": sender, "t": timestamp})
    yield engine
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE events"))


def _senders(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return sorted({row[0] for row in connection.execute(text("SELECT sender_id FROM events"))})


def test_purge_applies_the_retention_period_to_tickets_and_conversations(tracker_store: Engine) -> None:
    engine = tracker_store
    with session_scope(engine) as session:
        old = open_example(session, "a", now=NOW - timedelta(days=120)).ticket.number
        recent = open_example(session, "b", now=NOW - timedelta(days=120)).ticket.number
        resolve(session, old, "anna", now=NOW - timedelta(days=100))
        resolve(session, recent, "anna", now=NOW - timedelta(days=10))
    url = engine.url.render_as_string(hide_password=False)
    report = purge(90, tickets_engine=engine, tracker_store_url=url, now=NOW)
    assert (report.tickets, report.conversations) == (1, 1)
    assert _senders(engine) == ["active", "new"]
    with session_scope(engine) as session:
        assert get_ticket(session, old).description == REMOVED
        assert get_ticket(session, old).messages == []
        assert get_ticket(session, recent).person_name == "Maryam"


def test_only_sql_tracker_stores_are_purged() -> None:
    assert sql_tracker_store_url("postgresql://rasa@db/rasa") == "postgresql://rasa@db/rasa"
    assert sql_tracker_store_url("sqlite:///.state/rasa.db") == "sqlite:///.state/rasa.db"
    assert sql_tracker_store_url("redis://localhost:6379/0") is None
    assert sql_tracker_store_url(None) is None
    with pytest.raises(ValueError):
        purge(0)


def test_the_command_line_migrates_and_purges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WEGWEISER_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("WEGWEISER_TRACKER_STORE_URL", raising=False)
    get_settings.cache_clear()
    try:
        assert main(["tickets", "migrate"]) == 0
        assert "at revision 0001" in capsys.readouterr().out
        with session_scope(get_engine()) as session:
            number = open_example(session, now=NOW - timedelta(days=400)).ticket.number
            resolve(session, number, "anna", now=NOW - timedelta(days=365))
        assert main(["privacy", "purge", "--days", "30"]) == 0
        out = capsys.readouterr().out
        # the default conversation store (SQLite in the state folder) is purged too; none stored yet here
        assert "1 finished tickets pseudonymised" in out and "0 conversations deleted" in out
        assert (tmp_path / "tickets.sqlite3").exists()
    finally:
        dispose_engines()
        get_settings.cache_clear()
