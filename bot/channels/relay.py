"""The person's half of the live relay: while a case manager holds a conversation (a claimed or waiting
ticket), the assistant stays silent and the person's messages go to the ticket; the Telegram chat of a
new ticket is remembered so that the case manager's replies reach it. The desk sends the replies
(bot/tickets/relay.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage

from bot.privacy import register_eraser
from bot.tickets.vocab import Author

log = logging.getLogger(__name__)


def _relay(sender_id: str, text: str) -> str | None:
    from bot.tickets.db import ready_engine, session_scope
    from bot.tickets.repository import add_message, find_held_ticket

    with session_scope(ready_engine()) as session:
        ticket = find_held_ticket(session, sender_id)
        if ticket is None:
            return None
        number = str(ticket.number)
        if text and not text.startswith("/"):  # buttons of earlier answers mean nothing to a case manager
            add_message(session, number, Author.PERSON, text)
        return number


async def relay_if_held(sender_id: str, text: str | None) -> bool:
    """True when a case manager holds the conversation: the message went to the ticket, not to Rasa.

    When the tickets database cannot be read, the assistant answers (better than silence)."""
    try:
        number = await asyncio.to_thread(_relay, sender_id, text or "")
    except Exception:  # noqa: BLE001 - the person still gets an answer from the assistant
        log.exception("could not check whether a case manager holds the conversation")
        return False
    if number is not None:
        log.info("message relayed to ticket %s", number)
    return number is not None


def hold_aware(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[Any]]:
    """Wrap a channel's `on_new_message` so that held conversations go to their case manager."""

    async def handle(message: UserMessage) -> Any:
        if message.sender_id and await relay_if_held(message.sender_id, message.text):
            return None
        return await on_new_message(message)

    return handle


def _attach(number: str, sender_id: str, chat_id: int) -> bool:
    from bot.tickets.db import ready_engine, session_scope
    from bot.tickets.repository import attach_telegram_chat

    with session_scope(ready_engine()) as session:
        return attach_telegram_chat(session, number, sender_id, chat_id)


async def remember_telegram_chat(number: str, sender_id: str, chat_id: int) -> None:
    """Store the chat of a ticket just opened from Telegram (logged without the id)."""
    try:
        if await asyncio.to_thread(_attach, number, sender_id, chat_id):
            log.info("ticket %s: Telegram chat attached for the case manager's replies", number)
    except Exception:  # noqa: BLE001 - the ticket exists; only live replies by Telegram are missing
        log.exception("ticket %s: could not attach the Telegram chat", number)


def _pseudonymise(sender_id: str) -> int:
    from bot.tickets.db import ready_engine, session_scope
    from bot.tickets.repository import pseudonymise_conversation

    with session_scope(ready_engine()) as session:
        return pseudonymise_conversation(session, sender_id)


async def pseudonymise_tickets(sender_id: str) -> None:
    """/delete: the person's data leaves their tickets too (errors propagate: the person is told)."""
    count = await asyncio.to_thread(_pseudonymise, sender_id)
    if count:
        log.info("%d ticket(s) pseudonymised on request", count)


register_eraser(pseudonymise_tickets)


def _inbox(sender_id: str, after_id: int) -> list[dict[str, Any]]:
    from bot.tickets.db import ready_engine, session_scope
    from bot.tickets.relay import person_text
    from bot.tickets.repository import messages_for_person

    with session_scope(ready_engine()) as session:
        return [{"id": m.id, "text": person_text(m, m.ticket.language)}
                for m in messages_for_person(session, sender_id, after_id)]


async def inbox(sender_id: str, after_id: int) -> list[dict[str, Any]]:
    """What the desk sent to a local-chat conversation since message `after_id` (the local chat polls)."""
    return await asyncio.to_thread(_inbox, sender_id, after_id)
