"""Team notifications against a local SMTP server (aiosmtpd) and a fake Telegram Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine

from bot.evaluation import free_port
from bot.tickets.db import session_scope
from bot.tickets.notify import NotifyConfig, notify_new_ticket
from bot.tickets.repository import get_ticket
from bot.tickets.routing import Team
from bot.tickets.vocab import NotificationStatus, Urgency
from tests.channels.fake_bot_api import FakeBotApi
from tests.tickets.conftest import open_example

TOKEN = "123456:TEST-TOKEN"
GROUP = "-1001234567890"


@pytest.fixture
def bot() -> Iterator[FakeBotApi]:
    """The local fake Bot API the channel tests use too."""
    api = FakeBotApi(token=TOKEN).start()
    yield api
    api.stop()


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
    port = free_port()
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
        engine: Engine, smtp: tuple[Inbox, int], bot: FakeBotApi) -> None:
    inbox, port = smtp
    number = _open(engine)
    report = asyncio.run(notify_new_ticket(number, TEAM, _config(bot.url, port), engine))
    assert report.status is NotificationStatus.SENT
    sent = bot.calls_of("sendMessage")
    assert [str(m.params["chat_id"]) for m in sent] == [GROUP]
    text = str(sent[0].params["text"])
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


def test_a_failed_notification_keeps_the_ticket_and_is_recorded(engine: Engine, smtp: tuple[Inbox, int],
                                                                bot: FakeBotApi) -> None:
    inbox, port = smtp
    number = _open(engine)
    bot.fail("sendMessage", 400, times=10)  # e.g. the group was deleted
    report = asyncio.run(notify_new_ticket(number, TEAM, _config(bot.url, port), engine))
    assert report.status is NotificationStatus.PARTIAL  # e-mail went out, Telegram did not
    assert len(inbox.messages) == 1
    dead = _config(smtp_port=free_port())  # nothing listens: both targets fail
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
