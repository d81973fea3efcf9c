"""Regions and language names found in free text."""

import pytest

from bot.lang.names import language_gazetteer
from bot.regions import load_region_gazetteer
from bot.scope import get_scope
from bot.settings import get_settings


@pytest.fixture(scope="module")
def regions():  # type: ignore[no-untyped-def]
    return load_region_gazetteer(get_settings().knowledge_dir / "regions.yml", set(get_scope().regions))


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("ich wohne in Bielefeld", "bielefeld"),
        ("wo ist das jobcenter in bilefeld", "bielefeld"),
        ("Где джобцентр в Билефельде?", "bielefeld"),
        ("Gelsenkirchen'de kita arıyorum", "gelsenkirchen"),
        ("أين مكتب الأجانب في غيلزنكيرشن", "gelsenkirchen"),
        ("أسكن ببيليفيلد منذ شهر", "bielefeld"),  # Arabic prefix glued to the name
        ("وغلسنكيرشن", "gelsenkirchen"),
        ("Ik woon in Gelsenkirschn", "gelsenkirchen"),  # a typo in the last letters
        ("I live in Lemgo", "kreis-lippe"),
        ("wir wohnen in Bad Salzuflen", "kreis-lippe"),
        ("ich bin nach Lage gezogen", "kreis-lippe"),
        ("Lage", "kreis-lippe"),
        ("Где в Детмольде подают заявление?", "detmold"),
        ("Detmold", "detmold"),
    ],
)
def test_finds_region(regions, text: str, region: str) -> None:  # type: ignore[no-untyped-def]
    assert regions.first(text) == region


@pytest.mark.parametrize("text", ["Wie ist die Lage bei der Ausländerbehörde?", "hello", "Termin beim Arzt"])
def test_common_words_are_not_regions(regions, text: str) -> None:  # type: ignore[no-untyped-def]
    assert regions.first(text) is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [("English please", "en"), ("можно по-русски", "ru"), ("Türkçe konuş", "tr"), ("فارسی", "fa"),
     ("українською будь ласка", "uk"), ("بالعربي", "ar"), ("auf Deutsch", "de")],
)
def test_finds_language_names(text: str, lang: str) -> None:
    assert language_gazetteer().first(text) == lang
