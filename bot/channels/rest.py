"""Rasa's REST channel with input hygiene: control characters removed, length capped, blanks marked."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.request import Request

from bot.channels.relay import hold_aware
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
        """Rasa's routes; while a case manager holds the conversation, messages go to them instead."""
        return super().blueprint(hold_aware(on_new_message))
