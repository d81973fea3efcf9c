"""Messages in languages the assistant does not speak are recognised as such, never given a wrong one."""

import pytest

from bot.lang.detect import LanguageDetector


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize(("text", "code"), [
    ("bonjour, je cherche un travail à Bielefeld", "fr"),
    ("mon mari me frappe et je ne sais pas quoi faire", "fr"),
    ("hola, necesito ayuda con el Jobcenter por favor", "es"),
    ("buongiorno, dove posso imparare il tedesco?", "it"),
    ("من پێویستم بە یارمەتییە بۆ Jobcenter", "ckb"),
    ("ሰላም ከመይ ኣለኹም ሓገዝ የድልየኒ", None),  # Tigrinya: Ge'ez script, a language fastText does not name
])
def test_an_unsupported_language_is_recognised(detector: LanguageDetector, text: str, code: str | None) -> None:
    result = detector.detect(text)
    assert not result.supported
    assert result.reliable
    if code:
        assert result.language == code


@pytest.mark.parametrize("text", [
    "wo kann ich mich in Bielefeld anmelden",
    "got the berechtigungsschein for integration course now what",
    "entegrasyon kursu icin berechtigung nereden alinir",
    "где мне сделать anmeldung в билефельде",
    "Jobcenter",
    "ok",
])
def test_supported_messages_are_never_called_unsupported(detector: LanguageDetector, text: str) -> None:
    assert detector.detect(text).supported
