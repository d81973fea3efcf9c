"""Language names: each language in its own name (for buttons) and the names people use for them."""

from __future__ import annotations

from functools import lru_cache

from bot.gazetteer import Gazetteer

AUTONYMS: dict[str, str] = {
    "de": "Deutsch",
    "en": "English",
    "uk": "Українська",
    "ru": "Русский",
    "ar": "العربية",
    "fa": "فارسی / دری",
    "tr": "Türkçe",
}

# How people name a language when they ask to switch (any script). Language names are proper data,
# not UI text: they are not translated.
LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    "de": ("Deutsch", "German", "Almanca", "Німецька", "німецькою", "Немецкий", "по-немецки",
           "الألمانية", "الالمانية", "آلمانی", "almanca", "deutsche"),
    "en": ("English", "Englisch", "İngilizce", "Ingilizce", "Англійська", "англійською", "Английский",
           "по-английски", "الإنجليزية", "الانجليزية", "انجليزي", "انگلیسی", "inglizi"),
    "uk": ("Ukrainisch", "Ukrainian", "Українська", "українською", "Украинский", "по-украински",
           "Ukraynaca", "الأوكرانية", "اوکراینی"),
    "ru": ("Russisch", "Russian", "Русский", "по-русски", "русском", "Російська", "російською", "Rusça",
           "الروسية", "روسی", "russkiy", "po russki", "po-russki"),
    "ar": ("Arabisch", "Arabic", "العربية", "عربي", "بالعربي", "Арабська", "Арабский", "Arapça", "عربی",
           "arabi", "3arabi"),
    "fa": ("Persisch", "Persian", "Farsi", "Dari", "فارسی", "دری", "Перська", "Персидский", "Фарси",
           "Farsça", "الفارسية", "فارسي"),
    "tr": ("Türkisch", "Turkish", "Türkçe", "Turkce", "Türkçe konuş", "Турецька", "Турецкий", "التركية",
           "ترکی", "turkce"),
}


@lru_cache(maxsize=1)
def language_gazetteer() -> Gazetteer:
    """Gazetteer over LANGUAGE_NAMES."""
    return Gazetteer(LANGUAGE_NAMES)
