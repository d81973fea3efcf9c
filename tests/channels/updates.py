"""Factories for Telegram Update JSON in the shapes of the Bot API documentation."""

from __future__ import annotations

import itertools
import time
from typing import Any

_update_ids = itertools.count(700_000_000)
_message_ids = itertools.count(1)


def user(user_id: int, language_code: str | None = "de", first_name: str = "Amina") -> dict[str, Any]:
    """A User."""
    data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if language_code:
        data["language_code"] = language_code
    return data


def private_chat(chat_id: int, first_name: str = "Amina") -> dict[str, Any]:
    """A private Chat (its id equals the user's id)."""
    return {"id": chat_id, "type": "private", "first_name": first_name}


def _message(chat_id: int, language_code: str | None, chat: dict[str, Any] | None = None,
             **content: Any) -> dict[str, Any]:
    return {"message_id": next(_message_ids), "from": user(chat_id, language_code), "date": int(time.time()),
            "chat": chat or private_chat(chat_id), **content}


def update(**content: Any) -> dict[str, Any]:
    """An Update with a fresh update_id."""
    return {"update_id": next(_update_ids), **content}


def text(chat_id: int, body: str, language_code: str | None = "de") -> dict[str, Any]:
    """A text message; a leading /command gets its bot_command entity."""
    message = _message(chat_id, language_code, text=body)
    if body.startswith("/"):
        message["entities"] = [{"offset": 0, "length": len(body.split(" ", 1)[0]), "type": "bot_command"}]
    return update(message=message)


def edited_text(chat_id: int, body: str, language_code: str | None = "de") -> dict[str, Any]:
    """An edited text message."""
    message = _message(chat_id, language_code, text=body)
    message["edit_date"] = message["date"] + 5
    return update(edited_message=message)


def callback(chat_id: int, data: str, language_code: str | None = "de") -> dict[str, Any]:
    """A button press on a message the bot sent."""
    bot_message = {"message_id": next(_message_ids), "date": int(time.time()), "chat": private_chat(chat_id),
                   "from": {"id": 123456, "is_bot": True, "first_name": "Wegweiser", "username": "wegweiser_test_bot"},
                   "text": "…"}
    return update(callback_query={"id": str(next(_update_ids)), "from": user(chat_id, language_code),
                                  "message": bot_message, "chat_instance": f"-{chat_id}", "data": data})


def voice(chat_id: int, language_code: str | None = "de") -> dict[str, Any]:
    """A voice message."""
    return update(message=_message(chat_id, language_code, voice={
        "file_id": "AwACAgIAAxkBAAIBV2", "file_unique_id": "AgADbw", "duration": 4, "mime_type": "audio/ogg",
        "file_size": 12345}))


def photo(chat_id: int, language_code: str | None = "de") -> dict[str, Any]:
    """A photo with a caption."""
    size = {"file_id": "AgACAgIAAxkBAAIBWG", "file_unique_id": "AQADr", "width": 90, "height": 90}
    return update(message=_message(chat_id, language_code, photo=[size], caption="mein Bescheid"))


def location(chat_id: int, latitude: float, longitude: float, language_code: str | None = "de") -> dict[str, Any]:
    """A shared location."""
    return update(message=_message(chat_id, language_code, location={"latitude": latitude, "longitude": longitude}))


def group_text(chat_id: int, user_id: int, body: str, language_code: str | None = "de") -> dict[str, Any]:
    """A message in a group chat."""
    message = _message(user_id, language_code, chat={"id": chat_id, "type": "group", "title": "Deutschkurs A2"},
                       text=body)
    return update(message=message)
