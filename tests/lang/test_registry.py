"""The language registry (knowledge/languages.yml): what the rest of the code is told about languages."""

from pathlib import Path

import pytest

from bot.lang.choice import normalise_language_code
from bot.lang.registry import LanguageFileError, is_rtl, parse_languages, supported_languages
from bot.tickets.vocab import language_label


def test_supported_languages_come_from_the_data_file() -> None:
    assert supported_languages()[0] == "de"
    assert is_rtl("ar") and is_rtl("ps") and not is_rtl("ku")
    assert language_label("fa") == "Persisch (Farsi/Dari)"


@pytest.mark.parametrize(("code", "expected"), [("uk-UA", "uk"), ("prs", "fa"), ("kmr", "ku"), ("pbu", "ps"), ("ro-RO", "ro"),
                                              ("bg", "bg"), ("pl", "pl"), ("fr", None), ("ckb", None), ("", None)])
def test_client_language_codes_map_to_supported_languages(code: str, expected: str | None) -> None:
    assert normalise_language_code(code) == expected


@pytest.mark.parametrize(("content", "message"), [
    ("languages: []\n", "non-empty list"),
    ("languages:\n- name: X\n", "needs 'code' and 'name'"),
    ("languages:\n- {code: de, name: Deutsch}\n- {code: de, name: D}\n", "listed twice"),
    ("languages: [\n", "cannot read"),
])
def test_a_broken_languages_file_is_named_clearly(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "languages.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LanguageFileError, match=message):
        parse_languages(path)


def test_every_language_is_known_to_babel_and_reads_in_its_own_direction() -> None:
    from babel import Locale

    from bot.lang.registry import get_languages

    for language in get_languages().entries:
        locale = Locale.parse(language.code)
        assert (locale.character_order == "right-to-left") == language.rtl, language.code
        assert language.names and language.markers, language.code


def test_every_language_has_its_catalog_danger_terms_and_training_data() -> None:
    from bot.settings import get_settings

    settings = get_settings()
    for lang in supported_languages():
        assert (settings.locales_dir / lang / "LC_MESSAGES" / "messages.po").is_file(), lang
        assert (settings.knowledge_dir / "danger" / f"{lang}.yml").is_file(), lang
        assert (settings.root / "data" / "nlu" / lang / "topics.yml").is_file(), lang
        assert (settings.root / "data" / "nlu" / lang / "dialogue.yml").is_file(), lang
