"""What a Telegram update means for the assistant: kind, chat, text; pseudonymous ids; duplicates."""

from __future__ import annotations

import hashlib
import hmac
from collections import OrderedDict
from dataclasses import dataclass, replace
from enum import Enum

from telegram import Update

# what the assistant cannot read; each gets a short "please write" reply
MEDIA_ATTRIBUTES = ("voice", "audio", "photo", "sticker", "document", "video", "video_note", "animation",
                    "contact", "poll", "dice", "venue")


class Kind(str, Enum):
    """What an update asks of the assistant."""

    TEXT = "text"
    COMMAND = "command"
    CALLBACK = "callback"
    LOCATION = "location"
    MEDIA = "media"
    GROUP = "group"  # anything in a group, supergroup or channel


@dataclass(frozen=True)
class Incoming:
    """One update, reduced to what the channel needs."""

    kind: Kind
    chat_id: int
    language_code: str | None = None
    text: str = ""  # message text, or callback data
    command: str = ""  # without the slash and @botname, lower case
    argument: str = ""  # text after the command (a deep-link payload for /start)
    callback_id: str = ""
    location: tuple[float, float] | None = None
    media: str = ""  # which kind of attachment
    edited: bool = False


def conversation_id(chat_id: int, key: str) -> str:
    """The Rasa sender id: a keyed hash of the chat id (the chat id itself is never stored)."""
    return hmac.new(key.encode(), f"telegram:{chat_id}".encode(), hashlib.sha256).hexdigest()


def log_ref(sender_id: str) -> str:
    """A short reference to a conversation for logs (a prefix of its keyed hash)."""
    return sender_id[:12]


def classify(update: Update) -> Incoming | None:
    """The meaning of an update; None for updates the assistant does not act on."""
    query = update.callback_query
    if query is not None:
        message = query.message
        if message is None or query.data is None:
            return None
        return Incoming(kind=Kind.CALLBACK, chat_id=message.chat.id, language_code=query.from_user.language_code,
                        text=query.data, callback_id=query.id)
    message = update.message or update.edited_message
    if message is None:
        return None
    edited = update.message is None
    language_code = message.from_user.language_code if message.from_user else None
    if message.chat.type != "private":
        return Incoming(kind=Kind.GROUP, chat_id=message.chat.id, language_code=language_code, edited=edited)
    base = Incoming(kind=Kind.TEXT, chat_id=message.chat.id, language_code=language_code, edited=edited)
    if message.location is not None:
        return replace(base, kind=Kind.LOCATION, location=(message.location.latitude, message.location.longitude))
    text = message.text
    if text is None:
        media = next((name for name in MEDIA_ATTRIBUTES if getattr(message, name, None)), "")
        if not media and message.caption is None:
            return None  # service messages (pinned, joined, ...)
        return replace(base, kind=Kind.MEDIA, media=media or "other")
    if text.startswith("/"):
        head, _, argument = text.partition(" ")
        command = head[1:].split("@", 1)[0].lower()
        return replace(base, kind=Kind.COMMAND, text=text, command=command, argument=argument.strip())
    return replace(base, text=text)


class UpdateDeduplicator:
    """Remembers the last `size` update ids, so that a redelivered update is processed once."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._seen: OrderedDict[int, None] = OrderedDict()

    def first_time(self, update_id: int) -> bool:
        """True the first time an update id is seen; False for a duplicate."""
        if update_id in self._seen:
            return False
        self._seen[update_id] = None
        while len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return True
