"""Telegram output formatting: HTML escaping, splitting long messages, inline keyboards."""

from __future__ import annotations

import hashlib
import html
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

MAX_MESSAGE_UNITS = 4096  # Telegram's limit, counted in UTF-16 code units
MAX_CALLBACK_BYTES = 64  # Telegram's limit for callback_data
LONG_PAYLOAD_PREFIX = "#"  # callback_data standing for a payload kept in memory


def escape(text: str) -> str:
    """Text safe for parse_mode=HTML (no tags, entities escaped; direction marks kept)."""
    return html.escape(text, quote=False)


def units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _escaped_units(text: str) -> int:
    return units(escape(text))


def _pieces(text: str, separator: str) -> list[str]:
    parts = text.split(separator)
    return [part + separator for part in parts[:-1]] + [parts[-1]]


def _hard_split(text: str, limit: int) -> Iterator[str]:
    chunk, size = "", 0
    for ch in text:
        width = _escaped_units(ch)
        if chunk and size + width > limit:
            yield chunk
            chunk, size = "", 0
        chunk += ch
        size += width
    if chunk:
        yield chunk


def _split(text: str, limit: int, separators: Sequence[str]) -> Iterator[str]:
    if _escaped_units(text) <= limit:
        yield text
        return
    if not separators:
        yield from _hard_split(text, limit)
        return
    chunk = ""
    for piece in _pieces(text, separators[0]):
        if _escaped_units(chunk + piece) <= limit:
            chunk += piece
            continue
        if chunk:
            yield chunk
            chunk = ""
        if _escaped_units(piece) <= limit:
            chunk = piece
        else:
            yield from _split(piece, limit, separators[1:])
    if chunk:
        yield chunk


def split_message(text: str, limit: int = MAX_MESSAGE_UNITS) -> list[str]:
    """Escaped HTML chunks of at most `limit` units: at paragraph breaks, else lines, else words."""
    chunks = (chunk.strip() for chunk in _split(text, limit, ("\n\n", "\n", " ")))
    return [escape(chunk) for chunk in chunks if chunk]


class CallbackPayloads:
    """Button payloads as callback_data; payloads over 64 bytes are kept in bounded memory under a token."""

    def __init__(self, max_entries: int = 5000) -> None:
        self.max_entries = max_entries
        self._long: OrderedDict[str, str] = OrderedDict()

    def encode(self, payload: str) -> str:
        """callback_data for a payload."""
        if len(payload.encode()) <= MAX_CALLBACK_BYTES and not payload.startswith(LONG_PAYLOAD_PREFIX):
            return payload
        token = LONG_PAYLOAD_PREFIX + hashlib.sha256(payload.encode()).hexdigest()[:32]
        self._long[token] = payload
        self._long.move_to_end(token)
        while len(self._long) > self.max_entries:
            self._long.popitem(last=False)
        return token

    def decode(self, data: str) -> str | None:
        """The payload of callback_data; None for a forgotten long payload."""
        if data.startswith(LONG_PAYLOAD_PREFIX):
            return self._long.get(data)
        return data


def inline_keyboard(buttons: Sequence[Mapping[str, Any]], payloads: CallbackPayloads) -> dict[str, Any]:
    """Rasa buttons as a Telegram inline keyboard, one button per row; URL buttons open the link."""
    rows: list[list[dict[str, str]]] = []
    for button in buttons:
        title = str(button.get("title") or "")[:64] or "…"
        url = button.get("url")
        if url:
            rows.append([{"text": title, "url": str(url)}])
        else:
            rows.append([{"text": title, "callback_data": payloads.encode(str(button.get("payload") or title))}])
    return {"inline_keyboard": rows}
