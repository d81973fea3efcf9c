"""Data protection: the retention period for tickets and for Rasa's stored conversations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import column, delete, func, inspect, select, table
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError

from bot.tickets.db import make_engine, session_scope
from bot.tickets.models import utcnow
from bot.tickets.repository import purge_finished_tickets

# Rasa's SQLTrackerStore keeps every event as a row of this table (rasa/core/tracker_store.py)
_EVENTS = table("events", column("sender_id"), column("timestamp"))
_SQL_BACKENDS = {"sqlite", "postgresql", "mysql", "mssql", "oracle"}


@dataclass(frozen=True)
class PurgeReport:
    """What a purge did."""

    cutoff: datetime
    tickets: int
    conversations: int | None  # None: no SQL tracker store configured


def sql_tracker_store_url(url: str | None) -> str | None:
    """The URL when it names an SQL database Rasa's SQLTrackerStore can use, else None (Redis, Mongo, none)."""
    if not url:
        return None
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        return None
    return url if backend in _SQL_BACKENDS else None


def purge_tracker_conversations(engine: Engine, cutoff: datetime) -> int:
    """Delete every conversation whose last event is older than the cutoff; returns how many."""
    if not inspect(engine).has_table("events"):
        return 0
    stale = (select(_EVENTS.c.sender_id).group_by(_EVENTS.c.sender_id)
             .having(func.max(_EVENTS.c.timestamp) < cutoff.timestamp()))
    with engine.begin() as connection:
        senders = [row[0] for row in connection.execute(stale)]
        for start in range(0, len(senders), 500):
            connection.execute(delete(_EVENTS).where(_EVENTS.c.sender_id.in_(senders[start:start + 500])))
    return len(senders)


def purge(days: int, *, tickets_engine: Engine | None = None, tracker_store_url: str | None = None,
          now: datetime | None = None) -> PurgeReport:
    """Apply the retention period: finished tickets are pseudonymised and lose their transcript,
    conversations in an SQL tracker store are deleted, both when older than `days`."""
    if days < 1:
        raise ValueError("the retention period must be at least one day")
    now = now or utcnow()
    cutoff = now - timedelta(days=days)
    with session_scope(tickets_engine) as session:
        tickets = purge_finished_tickets(session, closed_before=cutoff, now=now)
    conversations = None
    url = sql_tracker_store_url(tracker_store_url)
    if url:
        engine = make_engine(url)
        try:
            conversations = purge_tracker_conversations(engine, cutoff)
        finally:
            engine.dispose()
    return PurgeReport(cutoff=cutoff, tickets=tickets, conversations=conversations)
