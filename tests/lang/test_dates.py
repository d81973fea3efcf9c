"""Deadlines as people write them, in every supported language."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.lang.dates import parse_date

TODAY = dt.date(2026, 11, 23)  # a Monday


@pytest.mark.parametrize(("lang", "text", "expected"), [
    ("de", "15.12.", dt.date(2026, 12, 15)),
    ("de", "bis zum 15.12.2026", dt.date(2026, 12, 15)),
    ("de", "3.1.", dt.date(2027, 1, 3)),  # without a year: the next 3 January
    ("de", "morgen", dt.date(2026, 11, 24)),
    ("de", "in 2 Wochen", dt.date(2026, 12, 7)),
    ("en", "by 3 December", dt.date(2026, 12, 3)),
    ("en", "tomorrow", dt.date(2026, 11, 24)),
    ("uk", "до 5 грудня", dt.date(2026, 12, 5)),
    ("uk", "завтра", dt.date(2026, 11, 24)),
    ("ru", "10 декабря", dt.date(2026, 12, 10)),
    ("ru", "через неделю", dt.date(2026, 11, 30)),
    ("ar", "١٥ ديسمبر", dt.date(2026, 12, 15)),
    ("ar", "١٥/١٢/٢٠٢٦", dt.date(2026, 12, 15)),  # Arabic-Indic digits
    ("ar", "غدا", dt.date(2026, 11, 24)),
    ("fa", "۱۵ دسامبر", dt.date(2026, 12, 15)),
    ("fa", "۱۵/۱۲", dt.date(2026, 12, 15)),  # Persian digits
    ("fa", "فردا", dt.date(2026, 11, 24)),
    ("tr", "15 Aralık", dt.date(2026, 12, 15)),
    ("tr", "yarın", dt.date(2026, 11, 24)),
    ("tr", "Frist 20.12. Jobcenter", dt.date(2026, 12, 20)),  # German office words mixed in
    ("ro", "până pe 15 decembrie", dt.date(2026, 12, 15)),
    ("ro", "maine", dt.date(2026, 11, 24)),  # without diacritics
    ("pl", "do 15 grudnia", dt.date(2026, 12, 15)),
    ("pl", "jutro", dt.date(2026, 11, 24)),
    ("bg", "до 15 декември", dt.date(2026, 12, 15)),
    ("bg", "утре", dt.date(2026, 11, 24)),
    ("ku", "sibê", dt.date(2026, 11, 24)),  # dateparser knows no Kurmanji: knowledge/languages.yml
    ("ku", "dusibe", dt.date(2026, 11, 25)),
    ("ku", "di 3 rojan de", dt.date(2026, 11, 26)),
    ("ku", "heta 15ê berfanbarê", dt.date(2026, 12, 15)),  # CLDR month names through Babel
    ("ps", "سبا", dt.date(2026, 11, 24)),
    ("ps", "بل سبا", dt.date(2026, 11, 25)),
    ("ps", "په ۵ ورځو کې", dt.date(2026, 11, 28)),
    ("ps", "د دسمبر 15", dt.date(2026, 12, 15)),
])
def test_dates_in_every_language(lang: str, text: str, expected: dt.date) -> None:
    assert parse_date(text, lang, TODAY) == expected


@pytest.mark.parametrize("text", ["", "   ", "keine Ahnung", "31.02.", "\x00\x01", "ا" * 5000])
def test_no_date_gives_none_not_an_error(text: str) -> None:
    assert parse_date(text, "de", TODAY) is None


def test_a_past_date_with_year_is_returned_as_written() -> None:
    # the intake tells the person it has passed instead of silently moving it
    assert parse_date("01.11.2026", "de", TODAY) == dt.date(2026, 11, 1)
