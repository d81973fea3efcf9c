"""Sending through the Bot API: HTML chunks, inline keyboards, retries on 429 and 5xx, blocked chats."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from rasa.core.channels.channel import OutputChannel
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.channels.relay import remember_telegram_chat
from bot.channels.telegram_format import CallbackPayloads, inline_keyboard, split_message
from bot.names import META_KEY

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_RETRY_AFTER = 60.0


def keyboard_markup(keyboard: dict[str, Any]) -> InlineKeyboardMarkup:
    """PTB's markup object for a keyboard built by inline_keyboard()."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(**button) for button in row]
                                 for row in keyboard["inline_keyboard"]])


class TelegramSender:
    """Bot API calls with retries; `ref` is a pseudonymous conversation reference for the logs."""

    def __init__(self, bot: Bot, payloads: CallbackPayloads, attempts: int = 6, base_delay: float = 0.5,
                 max_delay: float = 30.0) -> None:
        self.bot = bot
        self.payloads = payloads
        self.attempts = attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._blocked: OrderedDict[str, None] = OrderedDict()

    async def call(self, method: str, ref: str, request: Callable[[], Awaitable[T]]) -> T | None:
        """Run one request; retried after 429 (retry_after) and 5xx/network errors, so it happens once."""
        delay = self.base_delay
        for attempt in range(1, self.attempts + 1):
            try:
                result = await request()
            except RetryAfter as exc:
                wait = min(float(exc.retry_after), MAX_RETRY_AFTER)
                log.warning("%s for %s: rate limited, retrying in %.1f s (attempt %d)", method, ref, wait, attempt)
                await asyncio.sleep(wait)
                continue
            except Forbidden:
                # the person blocked the bot (or deleted their account): nothing to send, log once
                if ref not in self._blocked:
                    log.info("%s for %s refused: the person blocked the bot", method, ref)
                    self._blocked[ref] = None
                    while len(self._blocked) > 10_000:
                        self._blocked.popitem(last=False)
                return None
            except BadRequest as exc:
                log.error("%s for %s rejected by Telegram: %s", method, ref, exc.message)
                return None
            except NetworkError as exc:
                # 5xx, connection errors and time-outs: Telegram did not confirm, so try again
                if attempt == self.attempts:
                    break
                log.warning("%s for %s failed (%s), retrying in %.1f s", method, ref, exc.message, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_delay)
                continue
            self._blocked.pop(ref, None)
            return result
        log.error("%s for %s given up after %d attempts", method, ref, self.attempts)
        return None

    async def send_text(self, chat_id: int, ref: str, text: str,
                        buttons: Sequence[dict[str, Any]] | None = None) -> None:
        """Escaped HTML, split into messages of at most 4096 characters; the keyboard goes on the last one."""
        chunks = split_message(text)
        markup = keyboard_markup(inline_keyboard(buttons, self.payloads)) if buttons else None
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            await self.call("sendMessage", ref, lambda chunk=chunk, last=last: self.bot.send_message(  # type: ignore[misc]
                chat_id=chat_id, text=chunk, parse_mode=ParseMode.HTML,
                reply_markup=markup if last else None,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            ))

    async def answer_callback(self, callback_id: str, ref: str) -> None:
        """Stop the button's loading animation."""
        await self.call("answerCallbackQuery", ref, lambda: self.bot.answer_callback_query(callback_id))


class TelegramOutput(OutputChannel):
    """Rasa's replies to one chat."""

    def __init__(self, sender: TelegramSender, chat_id: int, ref: str) -> None:
        self.sender = sender
        self.chat_id = chat_id
        self.ref = ref

    @classmethod
    def name(cls) -> str:
        """Channel name."""
        return "telegram"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """A text (escaped, split when long). The message confirming a new ticket also attaches this chat
        to the ticket, so that the case manager's replies reach it."""
        await self.sender.send_text(self.chat_id, self.ref, text)
        ticket = (kwargs.get(META_KEY) or {}).get("ticket")
        if ticket:
            await remember_telegram_chat(str(ticket), recipient_id, self.chat_id)

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list[dict[str, Any]],
                                     **kwargs: Any) -> None:
        """A text with an inline keyboard."""
        await self.sender.send_text(self.chat_id, self.ref, text, buttons)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """Images are sent as their link."""
        await self.sender.send_text(self.chat_id, self.ref, image)

    async def send_attachment(self, recipient_id: str, attachment: str, **kwargs: Any) -> None:
        """Attachments are sent as text."""
        await self.sender.send_text(self.chat_id, self.ref, str(attachment))

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """The assistant sends no custom payloads; ignore them rather than show JSON to a person."""
        log.debug("custom payload for %s not sent to Telegram", self.ref)

