"""Rasa's REST channel with input hygiene: control characters removed, length capped, blanks marked."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.relay import hold_aware, inbox
from bot.names import INTENT_FALLBACK
from bot.text import has_content

log = logging.getLogger(__name__)
MAX_CHARS = 4000
# direction marks are kept: they belong to right-to-left text
_KEEP = {"\n", "\t", "\u200e", "\u200f", "\u200c", "\u200d"}


def clean_text(text: object) -> str:
    """Text a model can read: no control characters, at most MAX_CHARS; blanks become a fallback payload."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    cleaned = "".join(ch for ch in text if ch in _KEEP or unicodedata.category(ch)[0] != "C")
    if len(cleaned) > MAX_CHARS:
        log.info("message of %d characters cut to %d", len(cleaned), MAX_CHARS)
        cleaned = cleaned[:MAX_CHARS]
    if not has_content(cleaned):
        # nothing to understand (empty, spaces, only emoji or punctuation): say so instead of guessing
        return f"/{INTENT_FALLBACK}"
    return cleaned.strip()


class WegweiserRestInput(RestInput):
    """`/webhooks/rest/webhook`, like Rasa's, with cleaned input."""

    @classmethod
    def name(cls) -> str:
        """Same name and URL as Rasa's REST channel."""
        return "rest"

    def _extract_message(self, req: Request) -> str | None:
        return clean_text((req.json or {}).get("message"))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        """Rasa's routes; while a case manager holds the conversation, messages go to them instead.

        `GET /webhooks/rest/inbox?sender=ID&after=N` gives the case manager's replies to a local-chat
        conversation (the terminal chat polls it). Like the rest of this channel it is meant for localhost:
        newcomers reach the assistant through Telegram.
        """
        blueprint = super().blueprint(hold_aware(on_new_message))

        @blueprint.route("/inbox", methods=["GET"])
        async def messages_from_the_desk(request: Request) -> HTTPResponse:
            sender = str(request.args.get("sender") or "")
            try:
                after = int(request.args.get("after") or 0)
            except ValueError:
                after = -1
            if not sender or len(sender) > 200 or after < 0:
                return response.json({"error": "sender and a number 'after' are needed"}, status=400)
            try:
                return response.json(await inbox(sender, after))
            except Exception:  # noqa: BLE001 - the chat keeps working without the desk's messages
                log.exception("could not read the desk's messages for a local chat")
                return response.json({"error": "the desk's messages cannot be read now"}, status=503)

        return blueprint
