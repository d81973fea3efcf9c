"""Which language the assistant answers in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import DEFAULT_LANGUAGE
from bot.lang.registry import get_languages


def normalise_language_code(code: Any) -> str | None:
    """'uk-UA' -> 'uk', 'prs' (Dari) -> 'fa', 'kmr' -> 'ku'; None for unsupported codes ('ckb', 'fr')."""
    if not isinstance(code, str) or not code:
        return None
    base = code.replace("_", "-").split("-")[0].lower()
    return get_languages().resolve(base)


def reply_language(
    chosen: str | None,
    detection: Mapping[str, Any] | None,
    conversation: str | None,
    client_language_code: str | None,
) -> str:
    """Explicit choice, else a reliably detected message language, else the conversation's language,
    else the client's (Telegram's) language_code, else German."""
    for candidate in (chosen,):
        lang = normalise_language_code(candidate)
        if lang:
            return lang
    if detection and detection.get("reliable"):
        lang = normalise_language_code(detection.get("language"))
        if lang:
            return lang
    for candidate in (conversation, client_language_code):
        lang = normalise_language_code(candidate)
        if lang:
            return lang
    if detection:
        # a fresh conversation with a short message: the best guess beats a language the person never used
        lang = normalise_language_code(detection.get("language"))
        if lang and detection.get("confidence", 0) >= 0.5:
            return lang
    return DEFAULT_LANGUAGE
