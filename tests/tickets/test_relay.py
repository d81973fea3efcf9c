"""The outbound relay against the fake Telegram Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.evaluation import free_port
from bot.settings import Settings, get_settings
from bot.tickets.db import session_scope
from bot.tickets.relay import deliver_to_person, hand_back, hand_back_text, person_text
from bot.tickets.repository import (
    HAND_BACK,
    ConversationRef,
    TicketNotFoundError,
    add_message,
    get_ticket,
    messages_for_person,
    undelivered_message_ids,
)
from bot.tickets.vocab import Author
from tests.channels.fake_bot_api import FakeBotApi
from tests.tickets.conftest import open_example

CHAT = 777000111
PREFIX_FA = "پیام از مسئول پرونده‌ی شما:"


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    fake = FakeBotApi().start()
    yield fake
    fake.stop()


@pytest.fixture
def settings(api: FakeBotApi, tmp_path: Path) -> Settings:
    return replace(get_settings(), state_dir=tmp_path, telegram_token=api.token, telegram_api_url=api.url)


def _open(engine: Engine, **overrides: object) -> str:
    with session_scope(engine) as session:
        return open_example(session, **overrides).ticket.number  # type: ignore[arg-type]


def _ticket(engine: Engine, number: str):  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        return get_ticket(session, number)


def test_reply_reaches_the_chat_escaped_with_the_prefix_in_the_persons_language(
        engine: Engine, settings: Settings, api: FakeBotApi) -> None:
    number = _open(engine)
    assert asyncio.run(deliver_to_person(settings, number, "Am <Montag> & um 10 Uhr", "anna", engine=engine))
    [call] = api.sent(CHAT)
    assert call.params["text"] == f"{PREFIX_FA}\n\nAm &lt;Montag&gt; &amp; um 10 Uhr"
    assert call.params["parse_mode"] == "HTML"
    ticket = _ticket(engine, number)
    last = ticket.messages[-1]
    assert (last.author, last.author_name, last.text) == (Author.CASE_MANAGER.value, "anna", "Am <Montag> & um 10 Uhr")
    assert ticket.audit[-1].field == "delivery" and "zugestellt (Telegram)" in (ticket.audit[-1].new_value or "")
    assert undelivered_message_ids(ticket) == set()


def test_a_long_reply_is_split_into_several_messages(engine: Engine, settings: Settings, api: FakeBotApi) -> None:
    number = _open(engine)
    text = "\n\n".join(["Absatz " + "x" * 1500] * 5)
    assert asyncio.run(deliver_to_person(settings, number, text, "anna", engine=engine))
    sent = api.sent(CHAT)
    assert len(sent) >= 2 and all(len(c.params["text"]) <= 4096 for c in sent)


def test_a_passing_server_error_is_retried(engine: Engine, settings: Settings, api: FakeBotApi) -> None:
    number = _open(engine)
    api.fail("sendMessage", 500, times=1)
    assert asyncio.run(deliver_to_person(settings, number, "Hallo", "anna", engine=engine))
    assert len(api.sent(CHAT)) == 1


@pytest.mark.parametrize("status", [500, 403])
def test_failed_delivery_is_logged_without_personal_data_and_kept_on_the_ticket(
        engine: Engine, settings: Settings, api: FakeBotApi, status: int, caplog: pytest.LogCaptureFixture) -> None:
    number = _open(engine)
    api.fail("sendMessage", status, times=10)
    with caplog.at_level(logging.DEBUG, logger="bot.tickets.relay"):
        delivered = asyncio.run(deliver_to_person(settings, number, "Vertraulicher Termin", "anna", engine=engine))
    assert delivered is False
    ticket = _ticket(engine, number)
    message = ticket.messages[-1]
    assert message.text == "Vertraulicher Termin"
    assert undelivered_message_ids(ticket) == {message.id}
    assert "not delivered" in caplog.text and number in caplog.text
    assert str(CHAT) not in caplog.text and "Vertraulicher" not in caplog.text and settings.telegram_token not in caplog.text


def test_telegram_unreachable_is_not_a_crash(engine: Engine, settings: Settings) -> None:
    number = _open(engine)
    down = replace(settings, telegram_api_url=f"http://127.0.0.1:{free_port()}")
    assert asyncio.run(deliver_to_person(down, number, "Hallo", "anna", engine=engine)) is False
    assert undelivered_message_ids(_ticket(engine, number))


def test_without_a_token_the_reply_is_not_delivered(engine: Engine, settings: Settings) -> None:
    number = _open(engine)
    assert asyncio.run(deliver_to_person(replace(settings, telegram_token=None), number, "Hallo", "anna",
                                         engine=engine)) is False


def test_a_ticket_without_a_chat_keeps_the_reply(engine: Engine, settings: Settings, api: FakeBotApi) -> None:
    number = _open(engine, conversation=None)
    assert asyncio.run(deliver_to_person(settings, number, "Hallo", "anna", engine=engine)) is False
    assert api.calls_of("sendMessage", ok_only=False) == []
    ticket = _ticket(engine, number)
    assert "kein Chat" in (ticket.audit[-1].new_value or "")


def test_unknown_ticket(engine: Engine, settings: Settings) -> None:
    with pytest.raises(TicketNotFoundError):
        asyncio.run(deliver_to_person(settings, "BI-2026-999999", "Hallo", "anna", engine=engine))


def test_local_chat_fetches_the_desk_messages_from_the_ticket(engine: Engine, settings: Settings,
                                                              api: FakeBotApi) -> None:
    number = _open(engine, conversation=ConversationRef("local-1", "rest"), language="uk")
    other = _open(engine, key="x:2", conversation=ConversationRef("local-2", "rest"))
    assert asyncio.run(deliver_to_person(settings, number, "Перша відповідь", "anna", engine=engine))
    asyncio.run(deliver_to_person(settings, other, "not for local-1", "anna", engine=engine))
    with session_scope(engine) as session:
        add_message(session, number, Author.PERSON, "Дякую")
    asyncio.run(hand_back(settings, number, engine=engine))
    assert api.calls_of("sendMessage", ok_only=False) == []
    with session_scope(engine) as session:
        messages = messages_for_person(session, "local-1", 0)
        assert [(m.author, m.text) for m in messages] == [
            (Author.CASE_MANAGER.value, "Перша відповідь"), (Author.ASSISTANT.value, hand_back_text("uk"))]
        assert messages[1].author_name == HAND_BACK
        assert person_text(messages[0], "uk").endswith("\n\nПерша відповідь")
        assert person_text(messages[1], "uk") == hand_back_text("uk")
        assert messages_for_person(session, "local-1", messages[0].id) == [messages[1]]
        assert messages_for_person(session, "local-1", messages[1].id) == []


def test_hand_back_tells_the_person_in_their_language(engine: Engine, settings: Settings, api: FakeBotApi) -> None:
    number = _open(engine, language="ar")
    asyncio.run(hand_back(settings, number, engine=engine))
    [call] = api.sent(CHAT)
    assert call.params["text"] == hand_back_text("ar") and "المساعد" in call.params["text"]
    assert hand_back_text("ar") != hand_back_text("de") != hand_back_text("en")
    ticket = _ticket(engine, number)
    assert (ticket.messages[-1].author, ticket.messages[-1].author_name) == (Author.ASSISTANT.value, HAND_BACK)


def test_hand_back_failure_is_recorded(engine: Engine, settings: Settings, api: FakeBotApi) -> None:
    number = _open(engine)
    api.blocked.add(CHAT)
    asyncio.run(hand_back(settings, number, engine=engine))
    ticket = _ticket(engine, number)
    assert undelivered_message_ids(ticket) == {ticket.messages[-1].id}
