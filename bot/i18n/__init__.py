"""gettext catalogs per language (compiled with Babel) and locale-aware formatting."""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel.support import Translations

from bot.lang.registry import supported_languages
from bot.settings import get_settings

DOMAIN = "messages"


class CatalogMissingError(RuntimeError):
    """A language's compiled catalog is missing: never fall back to English silently."""


@lru_cache(maxsize=32)
def translations(lang: str, locales_dir: Path | None = None) -> Translations:
    """The compiled catalog for `lang`; raises CatalogMissingError when it is not there."""
    directory = locales_dir or get_settings().locales_dir
    mo = directory / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not mo.is_file():
        raise CatalogMissingError(f"no compiled catalog for {lang!r} at {mo} (run: python -m bot i18n compile)")
    with mo.open("rb") as fh:
        return Translations(fp=fh, domain=DOMAIN)


def gettext_for(lang: str) -> Callable[[str], str]:
    """The gettext function of a supported language."""
    if lang not in supported_languages():
        lang = "de"
    return translations(lang).gettext


def ngettext_for(lang: str) -> Callable[[str, str, int], str]:
    """The plural-aware gettext of a supported language (the catalog's own plural rule)."""
    if lang not in supported_languages():
        lang = "de"
    return translations(lang).ngettext


def null_gettext() -> Callable[[str], str]:
    """Identity translation, for extraction-only code paths."""
    return _gettext.NullTranslations().gettext
