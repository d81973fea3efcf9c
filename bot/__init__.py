"""Wegweiser: multilingual first-orientation assistant for newcomers.

SUPPORTED_LANGUAGES and RTL_LANGUAGES come from knowledge/languages.yml, read when first used.
"""

from __future__ import annotations

from typing import Any

DEFAULT_LANGUAGE = "de"


def __getattr__(name: str) -> Any:
    if name == "SUPPORTED_LANGUAGES":
        from bot.lang.registry import get_languages

        return get_languages().codes
    if name == "RTL_LANGUAGES":
        from bot.lang.registry import get_languages

        return frozenset(language.code for language in get_languages().entries if language.rtl)
    raise AttributeError(f"module 'bot' has no attribute {name!r}")
