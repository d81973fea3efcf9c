"""The Telegram channel (python-telegram-bot): long polling by default, a webhook when a URL is set.

Updates are deduplicated by update_id and handled in background tasks, one at a time per chat, so a
webhook answers at once and a slow or failing turn never makes Telegram redeliver.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot, BotCommand, Update
from telegram.error import RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from bot import DEFAULT_LANGUAGE
from bot.channels.relay import hold_aware
from bot.channels.telegram_format import CallbackPayloads
from bot.channels.telegram_handlers import UpdateHandler
from bot.channels.telegram_send import TelegramSender
from bot.channels.telegram_texts import COMMANDS, command_descriptions
from bot.channels.telegram_updates import UpdateDeduplicator, classify, log_ref
from bot.lang.registry import supported_languages
from bot.settings import Settings, get_settings

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
POLL_TIMEOUT = 25  # seconds a getUpdates call waits for new updates
MAX_BACKOFF = 30.0


class ChatLocks:
    """One asyncio lock per conversation, dropped when nobody holds or waits for it (FIFO per chat)."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    async def run(self, key: str, work: Callable[[], Awaitable[None]]) -> None:
        """Run `work` after earlier work of the same conversation."""
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                await work()
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class TelegramInput(InputChannel):
    """Telegram updates in, Rasa's replies out (registered in the credentials file when a token is set)."""

    def __init__(self, settings: Settings, poll_timeout: int = POLL_TIMEOUT) -> None:
        if not settings.telegram_token:
            raise ValueError("the Telegram channel needs TELEGRAM_BOT_TOKEN")
        self.settings = settings
        self.mode = settings.telegram_mode
        self.poll_timeout = poll_timeout
        self.dedupe = UpdateDeduplicator()
        self.payloads = CallbackPayloads()
        self.locks = ChatLocks()
        self._tasks: set[asyncio.Task[None]] = set()
        self._connector: asyncio.Future[None] | None = None
        self._bot: Bot | None = None
        self._handler: UpdateHandler | None = None

    @classmethod
    def name(cls) -> str:
        """Channel name (and URL prefix /webhooks/telegram)."""
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramInput:
        """Secrets come from the environment (settings), never from the credentials file."""
        return cls(get_settings())

    def make_bot(self) -> Bot:
        """A Bot for the configured Bot API server (Telegram's or a local one)."""
        api = self.settings.telegram_api_url
        return Bot(
            self.settings.telegram_token or "",
            base_url=f"{api}/bot",
            base_file_url=f"{api}/file/bot",
            request=HTTPXRequest(connection_pool_size=16, read_timeout=15.0),
            get_updates_request=HTTPXRequest(connection_pool_size=1, read_timeout=10.0),
        )

    # --- receiving -----------------------------------------------------------------------------

    def dispatch(self, update: Update) -> bool:
        """Schedule an update's handling; False for a duplicate or an update without anything to do."""
        if not self.dedupe.first_time(update.update_id):
            log.info("telegram update %d seen before: skipped", update.update_id)
            return False
        incoming = classify(update)
        if incoming is None or self._handler is None:
            return False
        handler = self._handler
        key = handler.sender_id(incoming)

        async def work() -> None:
            try:
                await handler.handle(incoming)
            except Exception:  # noqa: BLE001 - logged with the stack; Telegram must not redeliver
                log.exception("telegram update %d for %s failed", update.update_id, log_ref(key))

        task = asyncio.create_task(self.locks.run(key, work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def webhook(self, request: Request) -> HTTPResponse:
        """POST /webhooks/telegram/webhook: check the secret, schedule the update, answer 200 at once."""
        if self.mode != "webhook":
            return response.json({"error": "webhook mode is off"}, status=404)
        secret = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(secret.encode(), self.settings.telegram_webhook_secret.encode()):
            log.warning("telegram webhook request with a wrong or missing secret refused")
            return response.json({"error": "forbidden"}, status=403)
        try:
            update = Update.de_json(request.json, self._bot)
        except Exception:  # noqa: BLE001 - a malformed body is answered, not retried forever
            log.warning("telegram webhook body is not an Update", exc_info=True)
            return response.json({"error": "not an update"}, status=400)
        if update is not None:
            self.dispatch(update)
        return response.json({"ok": True})

    async def poll(self) -> None:
        """Long polling: fetch updates forever, backing off when the Bot API fails."""
        assert self._bot is not None
        offset: int | None = None
        backoff = 1.0
        while True:
            try:
                updates = await self._bot.get_updates(offset=offset, timeout=self.poll_timeout,
                                                      allowed_updates=ALLOWED_UPDATES)
            except RetryAfter as exc:
                await asyncio.sleep(float(exc.retry_after))
                continue
            except TelegramError as exc:
                log.warning("getUpdates failed (%s): retrying in %.0f s", type(exc).__name__, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            backoff = 1.0
            for update in updates:
                offset = update.update_id + 1
                self.dispatch(update)

    # --- life cycle ----------------------------------------------------------------------------

    async def start(self, app: Sanic, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Create the bot; set up the menu and the webhook or start polling in the background."""
        # httpx logs every request URL at INFO, and a Bot API URL contains the token
        logging.getLogger("httpx").setLevel(logging.WARNING)
        self._bot = self.make_bot()
        sender = TelegramSender(self._bot, self.payloads)
        self._handler = UpdateHandler(sender, self.payloads, self.settings.id_hash_key,
                                      lambda: app.ctx.agent, hold_aware(on_new_message))
        self._connector = asyncio.ensure_future(self._connect())

    async def _connect(self) -> None:
        assert self._bot is not None
        backoff = 1.0
        while True:
            try:
                await self._bot.initialize()
                await self.set_commands()
                if self.mode == "webhook":
                    await self._bot.set_webhook(
                        url=self.settings.telegram_webhook_url or "", secret_token=self.settings.telegram_webhook_secret,
                        allowed_updates=ALLOWED_UPDATES)
                    log.info("telegram: webhook mode, webhook registered")
                    return
                await self._bot.delete_webhook()
                break
            except TelegramError as exc:
                log.warning("telegram: Bot API not ready (%s): retrying in %.0f s", type(exc).__name__, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
        log.info("telegram: long polling mode")
        await self.poll()

    async def set_commands(self) -> None:
        """The command menu in each language (Telegram picks it by the person's app language)."""
        assert self._bot is not None
        for lang in (None, *supported_languages()):
            descriptions = command_descriptions(lang or DEFAULT_LANGUAGE)
            commands = [BotCommand(command, descriptions[command]) for command in COMMANDS]
            await self._bot.set_my_commands(commands, language_code=lang)

    async def stop(self) -> None:
        """Stop polling, let running turns finish briefly, close the HTTP clients."""
        if self._connector is not None:
            self._connector.cancel()
        if self._tasks:
            _done, pending = await asyncio.wait(list(self._tasks), timeout=5)
            for task in pending:
                task.cancel()
        if self._bot is not None:
            try:
                await self._bot.shutdown()
            except TelegramError:
                log.warning("telegram: closing the Bot API client failed", exc_info=True)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Routes under /webhooks/telegram and the listeners that start and stop the channel."""
        telegram_webhook = Blueprint("telegram_webhook", __name__)

        @telegram_webhook.listener("after_server_start")
        async def start(app: Sanic, _loop: Any) -> None:
            await self.start(app, on_new_message)

        @telegram_webhook.listener("before_server_stop")
        async def stop(_app: Sanic, _loop: Any) -> None:
            await self.stop()

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok", "mode": self.mode})

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self.webhook(request)

        return telegram_webhook
