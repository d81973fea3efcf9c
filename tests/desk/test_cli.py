"""`python -m bot desk add-user`, the first admin, and the desk in the supervisor's stack."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.desk import cli
from bot.runner import Stack
from bot.settings import Settings, get_settings
from bot.tickets.accounts import get_user, verify_login
from bot.tickets.db import database_url, get_engine, session_scope


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    test_settings = replace(get_settings(), state_dir=tmp_path, database_url=None,
                            desk_url="http://127.0.0.1:5999")
    monkeypatch.setattr(cli, "get_settings", lambda: test_settings)
    return test_settings


def _add(monkeypatch: pytest.MonkeyPatch, password: str, *args: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["desk", "add-user", *args, "--password-stdin"])


def test_add_user(settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert _add(monkeypatch, "ein-langes-passwort", "anna", "--region", "bielefeld", "--region", "detmold") == 0
    assert "account 'anna' created: case manager for bielefeld, detmold" in capsys.readouterr().out
    assert _add(monkeypatch, "ein-langes-passwort", "chefin", "--admin") == 0
    engine = get_engine(database_url(settings))
    with session_scope(engine) as session:
        anna = get_user(session, "anna")
        assert anna is not None and anna.regions == ["bielefeld", "detmold"] and not anna.is_admin
        assert verify_login(session, "anna", "ein-langes-passwort").ok
        chefin = get_user(session, "chefin")
        assert chefin is not None and chefin.is_admin


@pytest.mark.parametrize(("args", "password", "code", "message"), [
    (["anna", "--region", "nowhere"], "ein-langes-passwort", 2, "unknown region(s) nowhere"),
    (["anna"], "ein-langes-passwort", 2, "needs at least one --region"),
    (["anna", "--region", "bielefeld"], "kurz", 1, "at least 10 characters"),
])
def test_add_user_errors(settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                         args: list[str], password: str, code: int, message: str) -> None:
    assert _add(monkeypatch, password, *args) == code
    assert message in capsys.readouterr().err


def test_add_user_twice(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                        capsys: pytest.CaptureFixture[str]) -> None:
    assert _add(monkeypatch, "ein-langes-passwort", "anna", "--region", "bielefeld") == 0
    assert _add(monkeypatch, "ein-langes-passwort", "anna", "--region", "bielefeld") == 1
    assert "username 'anna' exists" in capsys.readouterr().err


def test_prompted_passwords_must_match(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    answers = iter(["ein-langes-passwort", "ein-anderes-passwort"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: next(answers))
    assert main(["desk", "add-user", "anna", "--region", "bielefeld"]) == 1
    assert "the passwords do not match" in capsys.readouterr().err


def test_desk_address() -> None:
    base = get_settings()
    assert cli.desk_address(replace(base, desk_url="http://127.0.0.1:5080")) == ("127.0.0.1", 5080)
    assert cli.desk_address(replace(base, desk_url="https://desk.example.org")) == ("desk.example.org", 443)
    with pytest.raises(SystemExit):
        cli.desk_address(replace(base, desk_url="5080"))


def test_stack_prepares_the_database_and_the_first_admin_once(settings: Settings) -> None:
    stack = Stack(settings, quiet=True, with_desk=True)
    desk = [c for c in stack.children if c.name == "desk"]
    assert len(desk) == 1 and desk[0].health_url == "http://127.0.0.1:5999/health"
    assert desk[0].cmd[-3:] == ["bot", "desk", "serve"]
    stack.prepare_tickets()
    password = stack.first_admin_password
    assert password and len(password) >= 16
    with session_scope(get_engine(database_url(settings))) as session:
        result = verify_login(session, "admin", password)
        assert result.ok and result.account is not None and result.account.is_admin
    again = Stack(settings, quiet=True, with_desk=True)
    again.prepare_tickets()
    assert again.first_admin_password is None  # shown only the first time


def test_stacks_without_the_desk(settings: Settings) -> None:
    stack = Stack(settings, quiet=True)
    assert [c.name for c in stack.children] == ["actions", "rasa"]
    stack.prepare_tickets()  # the database is migrated all the same (the actions open tickets)
    assert stack.first_admin_password is None
