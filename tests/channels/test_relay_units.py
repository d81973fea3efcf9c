"""The person's half of the relay: held conversations go to the ticket; /delete reaches the tickets."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain

from bot.channels.relay import hold_aware, remember_telegram_chat
from bot.privacy import erase_conversation
from bot.settings import get_settings
from bot.tickets.db import dispose_engines, ready_engine, session_scope
from bot.tickets.repository import REMOVED, ConversationRef, claim, get_ticket, resolve
from tests.tickets.conftest import open_example


@pytest.fixture
def tickets_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The configured tickets database is an SQLite file in a temporary state folder."""
    monkeypatch.setenv("WEGWEISER_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    dispose_engines()
    yield tmp_path
    dispose_engines()
    get_settings.cache_clear()


def _passed_on(sender: str, text: str) -> list[str]:
    seen: list[str] = []

    async def assistant(message: UserMessage) -> None:
        seen.append(str(message.text))

    asyncio.run(hold_aware(assistant)(UserMessage(text, CollectingOutputChannel(), sender)))
    return seen


def test_a_held_conversation_goes_to_the_ticket_and_comes_back_after_resolving(tickets_in: Path) -> None:
    with session_scope(ready_engine()) as session:
        number = open_example(session, sender="person-a").ticket.number
    assert _passed_on("person-a", "hallo?") == ["hallo?"]  # a new ticket: the assistant still answers
    with session_scope(ready_engine()) as session:
        claim(session, number, "anna")
    assert _passed_on("person-a", "ich habe den Brief jetzt") == []
    assert _passed_on("person-a", '/intake_choice{"choice":"done"}') == []  # an old button: not forwarded
    assert _passed_on("person-b", "wo ist das Jobcenter") == ["wo ist das Jobcenter"]  # others are not held
    with session_scope(ready_engine()) as session:
        texts = [m.text for m in get_ticket(session, number).messages]
        assert texts[-1] == "ich habe den Brief jetzt" and not any(t.startswith("/") for t in texts)
        resolve(session, number, "anna")
    assert _passed_on("person-a", "danke") == ["danke"]


def test_only_the_conversation_that_opened_a_ticket_attaches_its_chat(tickets_in: Path) -> None:
    with session_scope(ready_engine()) as session:
        number = open_example(session, conversation=ConversationRef("person-a", "telegram")).ticket.number
    asyncio.run(remember_telegram_chat(number, "person-b", 111))
    with session_scope(ready_engine()) as session:
        assert get_ticket(session, number).telegram_chat_id is None
    asyncio.run(remember_telegram_chat(number, "person-a", 222))
    with session_scope(ready_engine()) as session:
        assert get_ticket(session, number).telegram_chat_id == "222"


def test_delete_pseudonymises_the_persons_tickets(tickets_in: Path) -> None:
    with session_scope(ready_engine()) as session:
        mine = open_example(session, key="a:1", sender="person-a").ticket.number
        other = open_example(session, key="b:1", sender="person-b").ticket.number
    asyncio.run(erase_conversation(InMemoryTrackerStore(Domain.empty()), "person-a"))
    with session_scope(ready_engine()) as session:
        erased = get_ticket(session, mine)
        assert erased.person_name is None and erased.contact_value is None and erased.description == REMOVED
        assert erased.telegram_chat_id is None and erased.sender_id is None
        assert erased.region == "bielefeld"  # the structured fields stay for statistics
        assert get_ticket(session, other).person_name == "Maryam"
