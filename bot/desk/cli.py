"""`python -m bot desk serve | add-user`, and the first admin account of a new installation."""

from __future__ import annotations

import argparse
import getpass
import logging
import secrets
import sys
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.settings import Settings, get_settings
from bot.tickets.accounts import AccountError, create_user
from bot.tickets.db import database_url, get_engine, migrate, session_scope
from bot.tickets.models import CaseManager
from bot.tickets.vocab import REGION_LABELS

log = logging.getLogger(__name__)
FIRST_ADMIN = "admin"


def desk_address(settings: Settings) -> tuple[str, int]:
    """Host and port the desk listens on (from WEGWEISER_DESK_URL)."""
    parts = urlsplit(settings.desk_url)
    if not parts.hostname:
        raise SystemExit(f"WEGWEISER_DESK_URL is not a URL: {settings.desk_url!r}")
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def quiet_alembic() -> None:
    """Alembic logs every plugin and step at INFO: keep the desk's and the supervisor's output readable."""
    logging.getLogger("alembic").setLevel(logging.WARNING)


def ensure_first_admin(engine: Engine) -> str | None:
    """Create the account `admin` with a random password when there is no account at all.

    Returns the password (to show once) when it created the account, else None.
    """
    with session_scope(engine) as session:
        if session.execute(select(func.count()).select_from(CaseManager)).scalar_one():
            return None
        password = secrets.token_urlsafe(15)
        create_user(session, FIRST_ADMIN, password, is_admin=True, display_name="Administration")
        return password


def serve(settings: Settings) -> int:
    """Migrate the database, then serve the desk until interrupted."""
    from aiohttp import web

    from bot.desk.app import create_app

    quiet_alembic()
    engine = get_engine(database_url(settings))
    migrate(engine)
    host, port = desk_address(settings)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # one line per request is noise here
    print(f"==> desk on {settings.desk_url}", flush=True)
    try:
        web.run_app(create_app(settings, engine), host=host, port=port, print=None, handle_signals=True)
    except OSError as exc:
        print(f"error: the desk cannot listen on {host}:{port} ({exc.strerror or exc}); is another desk running? "
              "Set WEGWEISER_DESK_URL to another address.", file=sys.stderr)
        return 1
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password (at least 10 characters): ")
    second = getpass.getpass("Repeat the password: ")
    if first != second:
        raise AccountError("the passwords do not match")
    return first


def add_user(args: argparse.Namespace) -> int:
    """Create a case manager (or admin) account."""
    regions = list(dict.fromkeys(args.region or []))
    unknown = [r for r in regions if r not in REGION_LABELS]
    if unknown:
        print(f"error: unknown region(s) {', '.join(unknown)}; known: {', '.join(REGION_LABELS)}", file=sys.stderr)
        return 2
    if not regions and not args.admin:
        print("error: a case manager needs at least one --region (or make the account --admin)", file=sys.stderr)
        return 2
    quiet_alembic()
    engine = get_engine(database_url(get_settings()))
    migrate(engine)
    try:
        password = _read_password(args)
        with session_scope(engine) as session:
            create_user(session, args.username, password, regions=regions, is_admin=args.admin,
                        display_name=args.display_name)
    except AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (EOFError, KeyboardInterrupt):
        print("\nerror: no password given", file=sys.stderr)
        return 1
    role = "admin (all regions)" if args.admin else f"case manager for {', '.join(regions)}"
    print(f"account {args.username!r} created: {role}")
    return 0


def run_desk(args: argparse.Namespace) -> int:
    """desk serve | add-user."""
    if args.desk_command == "serve":
        return serve(get_settings())
    return add_user(args)


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the `desk` command."""
    p = sub.add_parser("desk", help="the case managers' desk (web application)")
    d = p.add_subparsers(dest="desk_command", required=True)
    d.add_parser("serve", help="run the desk on the host and port of WEGWEISER_DESK_URL (default 127.0.0.1:5080)")
    a = d.add_parser("add-user", help="create a desk account (password prompted twice, or --password-stdin)")
    a.add_argument("username")
    a.add_argument("--region", action="append", help=f"a region the account serves ({', '.join(REGION_LABELS)}); "
                   "repeat for several")
    a.add_argument("--admin", action="store_true", help="sees every region and may erase data")
    a.add_argument("--display-name", help="the name shown in the desk")
    a.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    p.set_defaults(func=run_desk)
