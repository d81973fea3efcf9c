"""Language detection on short, mixed newcomer messages."""

import pytest

from bot.lang.choice import reply_language
from bot.lang.detect import LanguageDetector


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Where can I find the Ausländerbehörde in my town?", "en"),
        ("Wo kann ich mich in Bielefeld anmelden?", "de"),
        ("дякую за допомогу", "uk"),
        ("Где находится джобцентр в Билефельде?", "ru"),
        ("وين الجوب سنتر بدي اسأل عن البورغرغيلد", "ar"),
        ("کجا باید برای انملدونگ بروم", "fa"),
        ("Jobcenter nerede, randevu almam lazım", "tr"),
        ("gde mne nuzhno sdelat anmeldung", "ru"),
        ("wein el jobcenter ya3ni", "ar"),
    ],
)
def test_detects_the_language_of_mixed_messages(detector: LanguageDetector, text: str, lang: str) -> None:
    result = detector.detect(text)
    assert result.language == lang
    assert result.reliable


@pytest.mark.parametrize("text", ["", "   ", "😀😀", "123 456", "Jobcenter", "\u200f\u202e", "https://example.org"])
def test_too_little_text_is_not_reliable(detector: LanguageDetector, text: str) -> None:
    assert not detector.detect(text).reliable


def test_reply_language_order() -> None:
    sure_ar = {"language": "ar", "confidence": 0.9, "reliable": True}
    unsure_en = {"language": "en", "confidence": 0.4, "reliable": False}
    assert reply_language("uk", sure_ar, "de", "ru") == "uk"  # explicit choice wins
    assert reply_language(None, sure_ar, "de", "ru") == "ar"  # then a clear message
    assert reply_language(None, unsure_en, "tr", "ru") == "tr"  # a short message keeps the conversation's
    assert reply_language(None, unsure_en, None, "ru-RU") == "ru"  # then the app's language_code
    assert reply_language(None, None, None, None) == "de"
    assert reply_language(None, None, None, "zh") == "de"
