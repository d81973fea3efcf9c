"""Migrations build the schema from nothing, on both databases, and match the models."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from bot.settings import get_settings
from bot.tickets.db import alembic_config, current_revision, database_url, make_engine, migrate, session_scope
from bot.tickets.models import Base
from tests.tickets.conftest import postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database that has never been migrated."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'state' / 'tickets.sqlite3'}")
        yield engine
        engine.dispose()
        return
    with postgres_database() as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


def test_migrations_build_the_schema_from_nothing_and_match_the_models(empty_engine: Engine) -> None:
    assert current_revision(empty_engine) is None
    migrate(empty_engine)
    migrate(empty_engine)  # at every start: nothing to do the second time
    assert current_revision(empty_engine) == "0001"
    assert {"tickets", "ticket_messages", "ticket_notes", "ticket_audit", "ticket_counters",
            "case_managers"} <= set(inspect(empty_engine).get_table_names())
    with empty_engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_migrations_go_down_and_up_again(empty_engine: Engine) -> None:
    migrate(empty_engine)
    config = alembic_config(empty_engine)
    with empty_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert "tickets" not in inspect(empty_engine).get_table_names()
    migrate(empty_engine)
    assert current_revision(empty_engine) == "0001"


def test_sqlite_is_the_default_and_database_url_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WEGWEISER_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        assert database_url() == f"sqlite:///{tmp_path / 'tickets.sqlite3'}"
        monkeypatch.setenv("DATABASE_URL", "postgres://kim@db/tickets")
        get_settings.cache_clear()
        assert database_url() == "postgresql://kim@db/tickets"
    finally:
        get_settings.cache_clear()


def test_a_failing_unit_of_work_leaves_nothing_behind(tmp_path: Path) -> None:
    from tests.tickets.conftest import open_example

    engine = make_engine(f"sqlite:///{tmp_path / 't.sqlite3'}")
    migrate(engine)
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        open_example(session)
        raise RuntimeError("the action crashed")
    with session_scope(engine) as session:
        assert open_example(session).created
    engine.dispose()
