"""`python -m bot tickets ...` and `python -m bot privacy ...`."""

from __future__ import annotations

import argparse

from bot.settings import conversations_url, get_settings
from bot.tickets.db import current_revision, database_url, get_engine, migrate
from bot.tickets.privacy import purge, sql_tracker_store_url


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return str(make_url(url).render_as_string(hide_password=True))


def run_tickets(args: argparse.Namespace) -> int:
    """tickets migrate | revision."""
    url = database_url()
    engine = get_engine(url)
    if args.tickets_command == "migrate":
        migrate(engine)
        print(f"tickets database {_safe_url(url)} at revision {current_revision(engine)}")
        return 0
    print(f"tickets database {_safe_url(url)} at revision {current_revision(engine) or '(empty)'}")
    return 0


def run_privacy(args: argparse.Namespace) -> int:
    """privacy purge [--days N]."""
    settings = get_settings()
    days = args.days if args.days is not None else settings.retention_days
    engine = get_engine(database_url(settings))
    migrate(engine)
    report = purge(days, tickets_engine=engine, tracker_store_url=conversations_url(settings))
    print(f"retention {days} days (before {report.cutoff:%Y-%m-%d %H:%M} UTC): "
          f"{report.tickets} finished tickets pseudonymised")
    if report.conversations is None:
        if settings.tracker_store_url and not sql_tracker_store_url(settings.tracker_store_url):
            print("tracker store is not an SQL database: conversations not purged")
        else:
            print("conversations are kept in memory only (WEGWEISER_TRACKER_STORE_URL=memory): nothing else to purge")
    else:
        print(f"{report.conversations} conversations deleted from the tracker store")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the `tickets` and `privacy` commands."""
    p = sub.add_parser("tickets", help="tickets database")
    t = p.add_subparsers(dest="tickets_command", required=True)
    t.add_parser("migrate", help="create or upgrade the schema (Alembic)")
    t.add_parser("revision", help="show the schema revision of the database")
    p.set_defaults(func=run_tickets)

    p = sub.add_parser("privacy", help="data protection")
    v = p.add_subparsers(dest="privacy_command", required=True)
    u = v.add_parser("purge", help="apply the retention period (run daily from cron)")
    u.add_argument("--days", type=int, help="retention in days (default: WEGWEISER_RETENTION_DAYS or 90)")
    p.set_defaults(func=run_privacy)
