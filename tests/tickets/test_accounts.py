"""Desk accounts: argon2 hashes and the lockout after five failures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from bot.tickets.accounts import (
    AccountError,
    LoginOutcome,
    create_user,
    get_user,
    set_password,
    verify_login,
    visible_regions,
)
from bot.tickets.db import session_scope
from tests.tickets.conftest import NOW

PASSWORD = "korrekt-pferd-batterie"


def test_the_password_is_stored_as_an_argon2_hash(engine: Engine) -> None:
    with session_scope(engine) as session:
        create_user(session, "anna", PASSWORD, regions=["bielefeld"])
        create_user(session, "admin", PASSWORD, is_admin=True)
    with session_scope(engine) as session:
        anna = get_user(session, "anna")
        assert anna is not None and anna.password_hash.startswith("$argon2id$")
        assert PASSWORD not in anna.password_hash
        assert visible_regions(anna) == frozenset({"bielefeld"})
        assert visible_regions(get_user(session, "admin")) is None  # type: ignore[arg-type]
        with pytest.raises(AccountError):
            create_user(session, "anna", PASSWORD)
        with pytest.raises(AccountError):
            create_user(session, "ben", "short")


def test_login_and_lockout_after_five_failures(engine: Engine) -> None:
    with session_scope(engine) as session:
        create_user(session, "anna", PASSWORD, regions=["bielefeld"])
    with session_scope(engine) as session:
        result = verify_login(session, "anna", PASSWORD, now=NOW)
        assert result.ok and result.account is not None and result.account.last_login_at == NOW
        assert verify_login(session, "nobody", PASSWORD, now=NOW).outcome is LoginOutcome.UNKNOWN_USER
    outcomes = []
    for attempt in range(5):
        with session_scope(engine) as session:  # each attempt is its own request
            outcomes.append(verify_login(session, "anna", "wrong", now=NOW + timedelta(seconds=attempt)).outcome)
    assert outcomes == [LoginOutcome.WRONG_PASSWORD] * 4 + [LoginOutcome.LOCKED]
    with session_scope(engine) as session:
        locked = verify_login(session, "anna", PASSWORD, now=NOW + timedelta(minutes=14))
        assert locked.outcome is LoginOutcome.LOCKED and not locked.ok
        assert locked.locked_until == NOW + timedelta(seconds=4, minutes=15)
    with session_scope(engine) as session:
        assert verify_login(session, "anna", PASSWORD, now=NOW + timedelta(minutes=16)).ok


def test_a_success_resets_the_failure_count(engine: Engine) -> None:
    with session_scope(engine) as session:
        create_user(session, "anna", PASSWORD)
    for _ in range(4):
        with session_scope(engine) as session:
            verify_login(session, "anna", "wrong", now=NOW)
    with session_scope(engine) as session:
        assert verify_login(session, "anna", PASSWORD, now=NOW).ok
    for _ in range(4):
        with session_scope(engine) as session:
            assert verify_login(session, "anna", "wrong", now=NOW).outcome is LoginOutcome.WRONG_PASSWORD


def test_a_new_password_unlocks(engine: Engine) -> None:
    with session_scope(engine) as session:
        create_user(session, "anna", PASSWORD)
    for _ in range(5):
        with session_scope(engine) as session:
            verify_login(session, "anna", "wrong", now=NOW)
    with session_scope(engine) as session:
        set_password(session, "anna", "ein-neues-passwort")
    with session_scope(engine) as session:
        assert verify_login(session, "anna", "ein-neues-passwort", now=NOW).ok
