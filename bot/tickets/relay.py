"""The outbound half of the live relay: the case manager's words (and the hand-back) to the person.

Every message is first recorded on the ticket, then delivered: on Telegram it is pushed to the
person's chat through the Bot API; for the local chat (Rasa's REST channel) it stays on the ticket
and the chat fetches it (`repository.messages_for_person`). A failed delivery is logged (ticket
number and reason only: no chat id, no text) and audited on the ticket, so the desk shows
"nicht zugestellt"; it never raises and never loses the message.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from bot.channels.telegram_format import split_message
from bot.i18n import gettext_for
from bot.settings import Settings
from bot.tickets.db import database_url, get_engine, session_scope
from bot.tickets.models import TicketMessage
from bot.tickets.repository import HAND_BACK, add_message, get_ticket, record_delivery
from bot.tickets.vocab import Author

log = logging.getLogger(__name__)

TELEGRAM = "telegram"
LOCAL_CHANNELS = frozenset({"rest"})  # the local chat fetches its messages from the ticket
SEND_ATTEMPTS = 3
RETRY_DELAY = 0.5
MAX_RETRY_AFTER = 5.0  # wait this long at most for Telegram's rate limit; later counts as not delivered
TIMEOUT = 10.0


def case_manager_prefix(lang: str) -> str:
    """The line that tells the person a message comes from their case manager (in their language)."""
    _ = gettext_for(lang)
    return _("Your case manager writes:")


def hand_back_text(lang: str) -> str:
    """What the person is told when the case manager has finished (in their language)."""
    _ = gettext_for(lang)
    return _("Your case manager has finished working on your request. From now on the assistant answers "
             "you again. Write to me whenever you have a question.")


def person_text(message: TicketMessage, lang: str) -> str:
    """A desk message as the person reads it: case-manager words with the prefix, the hand-back as it is."""
    if message.author == Author.CASE_MANAGER.value:
        return f"{case_manager_prefix(lang)}\n\n{message.text}"
    return message.text


@dataclass(frozen=True)
class _Target:
    message_id: int
    channel: str | None
    chat_id: str | None
    language: str


class DeliveryError(Exception):
    """Telegram did not take the message (the reason contains no personal data)."""


def _engine(settings: Settings, engine: Engine | None) -> Engine:
    return engine or get_engine(database_url(settings))


def _redact(text: str, settings: Settings) -> str:
    return text.replace(settings.telegram_token, "***") if settings.telegram_token else text


async def _send_telegram(settings: Settings, chat_id: str, text: str) -> None:
    """Escaped HTML chunks to the chat; raises DeliveryError when a chunk does not arrive."""
    from telegram import Bot, LinkPreviewOptions
    from telegram.constants import ParseMode
    from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError
    from telegram.request import HTTPXRequest

    if not settings.telegram_token:
        raise DeliveryError("TELEGRAM_BOT_TOKEN ist nicht gesetzt")
    request = HTTPXRequest(connect_timeout=TIMEOUT, read_timeout=TIMEOUT, write_timeout=TIMEOUT)
    bot = Bot(settings.telegram_token, base_url=f"{settings.telegram_api_url.rstrip('/')}/bot", request=request)
    async with bot:
        for chunk in split_message(text):
            for attempt in range(1, SEND_ATTEMPTS + 1):
                try:
                    await bot.send_message(chat_id=chat_id, text=chunk, parse_mode=ParseMode.HTML,
                                           link_preview_options=LinkPreviewOptions(is_disabled=True))
                    break
                except RetryAfter as exc:
                    wait = float(exc.retry_after if isinstance(exc.retry_after, (int, float))
                                 else exc.retry_after.total_seconds())
                    if wait > MAX_RETRY_AFTER or attempt == SEND_ATTEMPTS:
                        raise DeliveryError(f"Telegram: Ratenbegrenzung ({wait:.0f} s)") from exc
                    await asyncio.sleep(wait)
                except Forbidden as exc:
                    raise DeliveryError("Telegram: die Person hat den Bot blockiert") from exc
                except NetworkError as exc:  # 5xx, connection errors, time-outs (BadRequest is not one)
                    if attempt == SEND_ATTEMPTS:
                        raise DeliveryError(f"Telegram nicht erreichbar: {_redact(exc.message, settings)}") from exc
                    await asyncio.sleep(RETRY_DELAY * attempt)
                except TelegramError as exc:  # BadRequest and the rest: Telegram refused it
                    raise DeliveryError(f"Telegram lehnt ab: {_redact(exc.message, settings)}") from exc


def _record_message(engine: Engine, number: str, author: Author, text: str, author_name: str | None) -> _Target:
    with session_scope(engine) as session:
        message = add_message(session, number, author, text, author_name=author_name)
        session.flush()
        ticket = message.ticket
        return _Target(message.id, ticket.channel, ticket.telegram_chat_id, ticket.language)


def _record_delivery(engine: Engine, number: str, message_id: int, delivered: bool, detail: str) -> None:
    with session_scope(engine) as session:
        record_delivery(session, number, message_id, delivered, detail)


async def _deliver(settings: Settings, engine: Engine, number: str, target: _Target, text: str) -> bool:
    if target.channel == TELEGRAM and target.chat_id:
        try:
            await _send_telegram(settings, target.chat_id, text)
        except Exception as exc:  # any failure of the Bot API or the network: the message stays on the ticket
            reason = str(exc) if isinstance(exc, DeliveryError) else f"Fehler: {type(exc).__name__}"
            log.warning("ticket %s: message %d not delivered to the person on Telegram: %s",
                        number, target.message_id, reason)
            await asyncio.to_thread(_record_delivery, engine, number, target.message_id, False, reason)
            return False
        await asyncio.to_thread(_record_delivery, engine, number, target.message_id, True, "Telegram")
        return True
    if target.channel in LOCAL_CHANNELS:
        return True  # the local chat picks it up from the ticket
    reason = "kein Chat mit der Person" if not target.channel else f"Kanal {target.channel} ohne Rückweg"
    log.info("ticket %s: message %d stays on the ticket: %s", number, target.message_id, reason)
    await asyncio.to_thread(_record_delivery, engine, number, target.message_id, False, reason)
    return False


async def deliver_to_person(settings: Settings, number: str, text: str, author: str,
                            *, engine: Engine | None = None) -> bool:
    """Record the case manager's message on the ticket and deliver it to the person.

    True when it reached the person's Telegram chat or waits for the local chat to fetch it; False
    when it could not be delivered (recorded on the ticket as not delivered). Raises
    `TicketNotFoundError` for an unknown ticket number.
    """
    engine = _engine(settings, engine)
    target = await asyncio.to_thread(_record_message, engine, number, Author.CASE_MANAGER, text, author)
    return await _deliver(settings, engine, number, target,
                          f"{case_manager_prefix(target.language)}\n\n{text}")


async def hand_back(settings: Settings, number: str, *, engine: Engine | None = None) -> None:
    """Tell the person (in their language) that the case manager has finished and the assistant answers again.

    Recorded on the ticket as the assistant's hand-back message, delivered like a case manager's reply.
    """
    engine = _engine(settings, engine)

    def language() -> str:
        with session_scope(engine) as session:
            return str(get_ticket(session, number).language)

    text = hand_back_text(await asyncio.to_thread(language))
    target = await asyncio.to_thread(_record_message, engine, number, Author.ASSISTANT, text, HAND_BACK)
    await _deliver(settings, engine, number, target, text)
