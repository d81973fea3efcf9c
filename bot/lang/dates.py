"""Dates as newcomers write them, in every supported language: "15.12.", "١٥/١٢", "завтра",
"next Friday", "۱۵ دسامبر", "gelecek hafta". Numeric dates are read day first (as in Germany and in the
people's countries); words go to dateparser, with German and English as well, since people mix in the
German and English words they meet here."""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata

from bot.lang.registry import Language, get_languages, plain_word

log = logging.getLogger(__name__)

# day.month[.year] with . / - as separators, in any script's digits (normalised first)
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\s*[./\-]\s*(\d{1,2})(?:\s*[./\-]\s*(\d{2,4}))?(?!\d)")
MAX_TEXT = 200


def _ascii_digits(text: str) -> str:
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text)


def _numeric(text: str, today: dt.date) -> dt.date | None:
    found = _NUMERIC.search(text)
    if not found:
        return None
    day, month = int(found.group(1)), int(found.group(2))
    year_text = found.group(3)
    if year_text:
        year = int(year_text)
        year = year + 2000 if year < 100 else year
        candidates = [year]
    else:
        candidates = [today.year, today.year + 1]  # a date without a year is the next one to come
    for year in candidates:
        try:
            value = dt.date(year, month, day)
        except ValueError:
            return None
        if year_text or value >= today:
            return value
    return None


def _own_words(text: str, language: Language, today: dt.date) -> dt.date | None:
    """Dates in words from knowledge/languages.yml and CLDR month names, for languages dateparser lacks
    (Kurmanji, Pashto): "sibê", "3 roj", "24ê berfanbarê", "سبا", "د دسمبر 24"."""
    from babel.dates import get_month_names  # noqa: PLC0415

    plain = " ".join(plain_word(text).replace("،", " ").split())
    # longest phrases first: "dusibê" before "sibê", "بل سبا" before "سبا"
    for phrase, days in sorted(language.relative_days.items(), key=lambda item: -len(item[0])):
        if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", plain):
            return today + dt.timedelta(days=days)
    number = re.search(r"(?<!\d)(\d{1,3})(?!\d)", plain)
    if number and any(re.search(rf"(?<!\w){re.escape(word)}", plain) for word in language.day_words):
        return today + dt.timedelta(days=int(number.group(1)))
    try:
        months = {plain_word(name): month for context in ("format", "stand-alone")
                  for width in ("wide", "abbreviated")
                  for month, name in get_month_names(width, context, locale=language.code).items()}
    except (ValueError, LookupError):
        return None
    day = re.search(r"(?<!\d)(\d{1,2})(?!\d)", plain)
    for name, month in sorted(months.items(), key=lambda item: -len(item[0])):
        if day and len(name) >= 3 and re.search(rf"(?<!\w){re.escape(name)}", plain):
            for year in (today.year, today.year + 1):
                try:
                    value = dt.date(year, month, int(day.group(1)))
                except ValueError:
                    return None
                if value >= today:
                    return value
    return None


def parse_date(text: str, lang: str, today: dt.date) -> dt.date | None:
    """The date a short answer names, or None. Relative words count from `today`."""
    text = unicodedata.normalize("NFKC", text or "").strip()[:MAX_TEXT]
    if not text:
        return None
    plain = _ascii_digits(text)
    value = _numeric(plain, today)
    if value is not None:
        return value
    language = get_languages().get(lang)
    if language is not None and language.dates is None:
        own = _own_words(plain, language, today)
        if own is not None:
            return own
    import dateparser  # noqa: PLC0415 - heavy import, only needed for dates in words
    from dateparser.search import search_dates  # noqa: PLC0415

    base = dt.datetime.combine(today, dt.time(12, 0))
    settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": base, "DATE_ORDER": "DMY",
                "REQUIRE_PARTS": []}
    dateparser_languages = [language.dates] if language and language.dates else []
    languages = list(dict.fromkeys([*dateparser_languages, "de", "en"]))
    try:
        parsed = dateparser.parse(plain, languages=languages, settings=settings)  # type: ignore[arg-type]
        if parsed is None:
            found = search_dates(plain, languages=languages, settings=settings)  # type: ignore[arg-type]
            parsed = found[0][1] if found else None
    except Exception:  # noqa: BLE001 - dateparser raises odd errors on odd input; not a date then
        log.info("dateparser could not read a %d-character answer", len(plain))
        return None
    return parsed.date() if parsed is not None else None
