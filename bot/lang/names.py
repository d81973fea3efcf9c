"""Language names: each language in its own name (for buttons) and the names people use for them.

Both are data in knowledge/languages.yml; language names are proper names, not UI text.
"""

from __future__ import annotations

from functools import lru_cache

from bot.gazetteer import Gazetteer
from bot.lang.registry import get_languages


def autonyms() -> dict[str, str]:
    """Each supported language in its own name, in button order."""
    return {language.code: language.name for language in get_languages().entries}


def autonym(code: str) -> str:
    """One language in its own name (the code itself when it is not supported)."""
    return autonyms().get(code, code)


@lru_cache(maxsize=1)
def language_gazetteer() -> Gazetteer:
    """Gazetteer over the names people use for each language."""
    return Gazetteer({language.code: language.names for language in get_languages().entries})
