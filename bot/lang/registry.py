"""The languages the assistant speaks: data in knowledge/languages.yml, read once per process."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from bot.settings import get_settings

FILE_NAME = "languages.yml"


class LanguageFileError(ValueError):
    """knowledge/languages.yml is missing or malformed (the message names the entry)."""


@dataclass(frozen=True)
class Language:
    """One supported language."""

    code: str
    name: str  # in its own name
    german: str  # for the case managers' desk
    rtl: bool
    aliases: tuple[str, ...]  # other codes meaning this language (Telegram, ISO 639-3)
    dates: str | None  # dateparser's language code
    names: tuple[str, ...]  # how people name it, in any language
    script: str  # latin, cyrillic or arabic
    letters: frozenset[str]  # only this language uses them (among the supported ones)
    leaning: frozenset[str]  # it shares them with few others
    markers: frozenset[str]  # typical short words (casefolded, without diacritics)
    latin_markers: frozenset[str]  # the same, for the language written in Latin letters
    latin_digits: frozenset[str]  # digits that stand for letters when it is written in Latin letters
    place_prepositions: frozenset[str]  # words after which an ambiguous place name is a place
    relative_days: dict[str, int]  # date words dateparser does not know: "sibê" -> 1
    day_words: tuple[str, ...]  # "N <day word>" is N days from today


@dataclass(frozen=True)
class Borrowed:
    """German words newcomers use in every language: no sign of a message's language."""

    words: frozenset[str]  # casefolded
    endings: tuple[str, ...]  # of German compounds ("...bescheinigung", "...geld")


@dataclass(frozen=True)
class Languages:
    """All supported languages, in button order."""

    entries: tuple[Language, ...]
    unsupported_letters: dict[str, frozenset[str]]  # languages recognised but not spoken: their letters
    borrowed: Borrowed

    @cached_property
    def codes(self) -> tuple[str, ...]:
        """The codes in button order."""
        return tuple(language.code for language in self.entries)

    @cached_property
    def rtl(self) -> frozenset[str]:
        """The codes of the languages written right to left."""
        return frozenset(language.code for language in self.entries if language.rtl)

    def get(self, code: str) -> Language | None:
        """The language with this code, if it is supported."""
        return next((language for language in self.entries if language.code == code), None)

    def resolve(self, code: str) -> str | None:
        """A supported code for a code or an alias ('kmr' -> 'ku'), else None."""
        for language in self.entries:
            if code == language.code or code in language.aliases:
                return language.code
        return None


def parse_languages(path: Path) -> Languages:
    """Read a languages file; raises LanguageFileError naming the entry at fault."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LanguageFileError(f"{path}: cannot read the languages: {exc}") from exc
    raw_entries = data.get("languages") if isinstance(data, dict) else None
    if not isinstance(raw_entries, list) or not raw_entries:
        raise LanguageFileError(f"{path}: needs a non-empty list 'languages'")
    entries: list[Language] = []
    for i, raw in enumerate(raw_entries, start=1):
        if not isinstance(raw, dict) or not isinstance(raw.get("code"), str) or not raw.get("name"):
            raise LanguageFileError(f"{path}: language {i} needs 'code' and 'name'")
        code = raw["code"]
        if code in {e.code for e in entries}:
            raise LanguageFileError(f"{path}: language {code!r} is listed twice")
        entries.append(Language(
            code=code,
            name=str(raw["name"]),
            german=str(raw.get("german") or code),
            rtl=bool(raw.get("rtl", False)),
            aliases=tuple(str(a) for a in raw.get("aliases") or ()),
            dates=str(raw["dates"]) if raw.get("dates") else None,
            names=tuple(str(n) for n in raw.get("names") or ()),
            script=str(raw.get("script") or "latin"),
            letters=frozenset(str(raw.get("letters") or "")),
            leaning=frozenset(str(raw.get("leaning") or "")),
            markers=_words(raw.get("markers")),
            latin_markers=_words(raw.get("latin_markers")),
            relative_days={plain_word(str(k)): int(v) for k, v in (raw.get("relative_days") or {}).items()},
            day_words=tuple(plain_word(str(w)) for w in raw.get("day_words") or ()),
            latin_digits=frozenset(str(raw.get("latin_digits") or "")),
            place_prepositions=frozenset(str(raw.get("place_prepositions") or "").casefold().split()),
        ))
    unsupported = data.get("unsupported") or {}
    if not isinstance(unsupported, dict):
        raise LanguageFileError(f"{path}: 'unsupported' maps language codes to their letters")
    borrowed = data.get("borrowed") or {}
    if not isinstance(borrowed, dict):
        raise LanguageFileError(f"{path}: 'borrowed' needs 'words' and 'endings'")
    return Languages(
        tuple(entries),
        {str(k): frozenset(str(v)) for k, v in unsupported.items()},
        Borrowed(frozenset(str(w).casefold() for w in borrowed.get("words") or ()),
                 tuple(str(e).lower() for e in borrowed.get("endings") or ())),
    )


def plain_word(word: str) -> str:
    """The form markers are compared in: casefolded, without diacritics (Latin and Cyrillic)."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    kept = "".join(ch for ch in decomposed if not (unicodedata.combining(ch) and ch < "\u0600"))
    return unicodedata.normalize("NFC", kept)


def _words(raw: object) -> frozenset[str]:
    return frozenset(plain_word(w) for w in str(raw or "").split())


@lru_cache(maxsize=1)
def get_languages() -> Languages:
    """The languages of the configured knowledge directory."""
    return parse_languages(get_settings().knowledge_dir / FILE_NAME)


def supported_languages() -> tuple[str, ...]:
    """The codes of the languages the assistant speaks, in button order."""
    return get_languages().codes


def is_rtl(code: str) -> bool:
    """True for a language written right to left."""
    return code in get_languages().rtl
