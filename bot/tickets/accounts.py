"""Case manager accounts of the desk: argon2 password hashes, lockout after repeated failures."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.tickets.models import CaseManager, utcnow

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)


class AccountError(Exception):
    """An account cannot be created or changed."""


class LoginOutcome(str, Enum):
    """Why a login succeeded or not (the desk shows the same message for every failure)."""

    OK = "ok"
    UNKNOWN_USER = "unknown_user"
    WRONG_PASSWORD = "wrong_password"
    LOCKED = "locked"


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a login; `account` is set only when it succeeded."""

    outcome: LoginOutcome
    account: CaseManager | None = None
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        """True when the password was right and the account not locked."""
        return self.outcome is LoginOutcome.OK


@lru_cache(maxsize=1)
def password_hasher() -> PasswordHasher:
    """argon2id with the library's recommended parameters."""
    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return password_hasher().hash("wegweiser-no-such-user")


def create_user(
    session: Session,
    username: str,
    password: str,
    *,
    regions: Iterable[str] = (),
    is_admin: bool = False,
    display_name: str | None = None,
) -> CaseManager:
    """Create a desk account; raises AccountError when the name is taken or the password too short."""
    username = username.strip()
    if not username:
        raise AccountError("username must not be empty")
    if len(password) < 10:
        raise AccountError("password must have at least 10 characters")
    account = CaseManager(username=username, password_hash=password_hasher().hash(password),
                          regions=sorted(set(regions)), is_admin=is_admin, display_name=display_name,
                          failed_logins=0, created_at=utcnow())
    try:
        with session.begin_nested():
            session.add(account)
    except IntegrityError as exc:
        raise AccountError(f"username {username!r} exists") from exc
    return account


def get_user(session: Session, username: str) -> CaseManager | None:
    """The account with this username, if any."""
    return session.execute(  # type: ignore[no-any-return]
        select(CaseManager).where(CaseManager.username == username.strip())).scalar_one_or_none()


def set_password(session: Session, username: str, password: str) -> CaseManager:
    """Set a new password and unlock the account."""
    account = get_user(session, username)
    if account is None:
        raise AccountError(f"no account {username!r}")
    if len(password) < 10:
        raise AccountError("password must have at least 10 characters")
    account.password_hash = password_hasher().hash(password)
    account.failed_logins = 0
    account.locked_until = None
    return account


def verify_login(session: Session, username: str, password: str, *, now: datetime | None = None) -> LoginResult:
    """Check a login; after 5 failures in a row the account is locked for 15 minutes.

    A locked account is refused even with the right password; the lock ends by itself.
    """
    now = now or utcnow()
    hasher = password_hasher()
    account = session.execute(
        select(CaseManager).where(CaseManager.username == username.strip()).with_for_update()
    ).scalar_one_or_none()
    if account is None:
        # spend the same time as for a real account, so response times do not reveal usernames
        with contextlib.suppress(VerificationError):
            hasher.verify(_dummy_hash(), password)
        return LoginResult(LoginOutcome.UNKNOWN_USER)
    if account.locked_until is not None and account.locked_until > now:
        return LoginResult(LoginOutcome.LOCKED, locked_until=account.locked_until)
    try:
        hasher.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        account.failed_logins += 1
        if account.failed_logins >= MAX_FAILURES:
            account.locked_until = now + LOCKOUT
            account.failed_logins = 0
            return LoginResult(LoginOutcome.LOCKED, locked_until=account.locked_until)
        return LoginResult(LoginOutcome.WRONG_PASSWORD)
    account.failed_logins = 0
    account.locked_until = None
    account.last_login_at = now
    if hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hasher.hash(password)
    return LoginResult(LoginOutcome.OK, account=account)


def visible_regions(account: CaseManager) -> frozenset[str] | None:
    """The regions whose tickets the account may see (None: all, for an admin).

    A team serving several regions (e.g. Kreis Lippe also for Detmold) lists each of them.
    """
    return None if account.is_admin else frozenset(account.regions)
