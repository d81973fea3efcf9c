"""Team notifications against a local SMTP server (aiosmtpd) and a fake Telegram Bot API."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine

from bot.tickets.db import session_scope
from bot.tickets.notify import NotifyConfig, notify_new_ticket
from bot.tickets.repository import get_ticket
from bot.tickets.routing import Team
from bot.tickets.vocab import NotificationStatus, Urgency
from tests.tickets.conftest import open_example

TOKEN = "123456:TEST-TOKEN"
GROUP = "-1001234567890"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class FakeBotAPI:
    """Answers getMe and sendMessage like the Bot API and records what was sent."""

    def __init__(self, fail: bool = False) -> None:
        self.sent: list[dict[str, Any]] = []
        self.fail = fail
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = json.loads(body or "{}")
                else:  # python-telegram-bot posts form fields with JSON-encoded values
                    params = {k: v[0] for k, v in parse_qs(body).items()}
                token, _, method = self.path.removeprefix("/bot").partition("/")
                if token != TOKEN:
                    return self._answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                if method == "getMe":
                    return self._answer(200, {"ok": True, "result": {
                        "id": 123456, "is_bot": True, "first_name": "Wegweiser", "username": "wegweiser_bot"}})
                if method == "sendMessage":
                    if api.fail:
                        return self._answer(400, {"ok": False, "error_code": 400,
                                                  "description": "Bad Request: chat not found"})
                    api.sent.append(params)
                    return self._answer(200, {"ok": True, "result": {
                        "message_id": len(api.sent), "date": 0, "text": params.get("text", ""),
                        "chat": {"id": int(params["chat_id"]), "type": "supergroup", "title": "KIM"}}})
                return self._answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})

            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeBotAPI:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class Inbox:
    """aiosmtpd handler keeping every message."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A local SMTP server on a free port."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def _config(bot_url: str = "http://127.0.0.1:9", smtp_port: int = 9) -> NotifyConfig:
    return NotifyConfig(desk_url="https://desk.example/", telegram_token=TOKEN, telegram_api_url=bot_url,
                        smtp_host="127.0.0.1", smtp_port=smtp_port, smtp_from="wegweiser@kim.example",
                        timeout=3)


TEAM = Team(id="bielefeld", name="KIM Bielefeld", regions=("bielefeld",), telegram_chat_id=GROUP,
            emails=("kim@bielefeld.example", "vertretung@bielefeld.example"))


def _open(engine: Engine) -> str:
    with session_scope(engine) as session:
        return open_example(session, urgency=Urgency.URGENT).ticket.number


def test_the_team_gets_a_telegram_message_and_an_email_without_personal_data(
        engine: Engine, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    number = _open(engine)
    with FakeBotAPI() as bot:
        report = asyncio.run(notify_new_ticket(number, TEAM, _config(bot.url, port), engine))
    assert report.status is NotificationStatus.SENT
    assert [m["chat_id"] for m in bot.sent] == [GROUP]
    text = bot.sent[0]["text"]
    assert text.startswith(f"DRINGEND: neues Anliegen {number}")
    assert "Region: Bielefeld" in text and "Lebensbereiche: Wohnen, Geld und Leistungen" in text
    assert "Sprache: Persisch" in text and f"https://desk.example/tickets/{number}" in text
    (recipients, mail), = inbox.messages
    assert recipients == ["kim@bielefeld.example", "vertretung@bielefeld.example"]
    assert mail["Subject"] == f"[Wegweiser] DRINGEND: neues Anliegen {number}"
    body = mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert body.splitlines() == text.splitlines()
    for secret in ("Maryam", "12345678", "صاحبخانه", "777000111", "sender-1"):
        assert secret not in text and secret not in body
    with session_scope(engine) as session:
        assert get_ticket(session, number).notification_status == NotificationStatus.SENT


def test_a_failed_notification_keeps_the_ticket_and_is_recorded(engine: Engine, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    number = _open(engine)
    with FakeBotAPI(fail=True) as bot:
        report = asyncio.run(notify_new_ticket(number, TEAM, _config(bot.url, port), engine))
    assert report.status is NotificationStatus.PARTIAL  # e-mail went out, Telegram did not
    assert len(inbox.messages) == 1
    dead = _config(smtp_port=_free_port())  # nothing listens: both targets fail
    report = asyncio.run(notify_new_ticket(number, TEAM, dead, engine))
    assert report.status is NotificationStatus.FAILED
    with session_scope(engine) as session:
        ticket = get_ticket(session, number)
        assert ticket.status == "new" and ticket.description  # the ticket is intact
        assert ticket.notification_status == NotificationStatus.FAILED
        assert "fehlgeschlagen: Telegram" in (ticket.notification_detail or "")
        assert TOKEN not in (ticket.notification_detail or "")
        assert [(a.field, a.new_value) for a in ticket.audit if a.field == "notification_status"] == [
            ("notification_status", "partial"), ("notification_status", "failed")]


def test_a_team_without_targets_is_recorded_as_not_configured(engine: Engine) -> None:
    number = _open(engine)
    team = Team(id="kreis-lippe", name="KIM Kreis Lippe", regions=("kreis-lippe",))
    report = asyncio.run(notify_new_ticket(number, team, _config(), engine))
    assert report.status is NotificationStatus.NOT_CONFIGURED
    with session_scope(engine) as session:
        assert get_ticket(session, number).notification_status == NotificationStatus.NOT_CONFIGURED
