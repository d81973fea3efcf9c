"""Every supported language's catalog loads and translates every message the code uses."""

import pytest

from bot.i18n import CatalogMissingError, translations
from bot.i18n.catalogs import extract, missing_messages
from bot.lang.registry import supported_languages
from bot.settings import get_settings


@pytest.mark.parametrize("lang", supported_languages())
def test_catalog_loads_and_is_complete(lang: str) -> None:
    settings = get_settings()
    catalog = translations(lang)
    messages = [m.id for m in extract(settings.root / "bot") if m.id]
    assert messages
    assert missing_messages(settings.locales_dir, settings.root / "bot").get(lang) is None
    if lang != "en":
        translated = [catalog.gettext(str(m)) for m in messages]
        assert sum(t != m for t, m in zip(translated, messages, strict=False)) == len(messages)


def test_missing_catalog_is_an_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CatalogMissingError):
        translations("de", tmp_path)
