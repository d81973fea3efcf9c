"""Find names (regions, languages) in free text, tolerant of case, typos and inflection."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
# prefixes Arabic and Persian glue to a name: "في بيليفيلد" is separate, but "ببيليفيلد"/"وبيليفيلد" are not
_ARABIC_PREFIXES = ("وب", "ول", "وف", "ب", "ل", "و", "ف", "ك")


@lru_cache(maxsize=1)
def place_prepositions() -> frozenset[str]:
    """Words after which an ambiguous place name ("Lage", "Horn") is taken as a place, in every language."""
    from bot.lang.registry import get_languages

    return frozenset(word for language in get_languages().entries for word in language.place_prepositions)

MAX_TOKENS = 300


def normalise(text: str) -> str:
    """Case-fold and strip accents (but keep letters of non-Latin scripts intact)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("ß", "ss")
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.category(ch) == "Mn" and not ("\u0600" <= ch <= "\u06ff"):
            continue
        out.append(ch)
    # Arabic diacritics (harakat) carry no meaning for matching
    return re.sub("[\u064b-\u065f\u0670\u0640]", "", unicodedata.normalize("NFC", "".join(out)))


def tokens(text: str) -> list[str]:
    """Normalised word tokens."""
    return [t for t, _s, _e in spans(text)]


def spans(text: str) -> list[tuple[str, int, int]]:
    """Normalised word tokens with their character offsets in the original text."""
    result = []
    for match in _TOKEN.finditer(text):
        token = normalise(match.group())
        if token:
            result.append((token, match.start(), match.end()))
        if len(result) >= MAX_TOKENS:
            break
    return result


def _edit_distance(a: str, b: str, limit: int) -> int:
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        best = i
        for j, cb in enumerate(b, 1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            current.append(value)
            best = min(best, value)
        if best > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _token_matches(word: str, name: str) -> bool:
    if word == name:
        return True
    if len(name) >= 4:
        # inflected forms: "билефельде", "bielefelder", "lemgo'da" (apostrophe splits already)
        if word.startswith(name) and len(word) - len(name) <= 3:
            return True
        for prefix in _ARABIC_PREFIXES:
            if word.startswith(prefix) and word[len(prefix):] == name:
                return True
    allowed = 2 if len(name) >= 9 else 1 if len(name) >= 6 else 0
    if allowed and word[:1] == name[:1]:
        stem = word[: len(name) + 2]
        return _edit_distance(stem, name, allowed) <= allowed or _edit_distance(word, name, allowed) <= allowed
    return False


@dataclass(frozen=True)
class Match:
    """A found name."""

    key: str
    name: str
    start: int  # character offsets in the original text
    end: int


class Gazetteer:
    """Names per key (e.g. region id -> names); ambiguous names need a preposition or stand alone."""

    def __init__(self, names: Mapping[str, Iterable[str]], ambiguous: Mapping[str, Iterable[str]] | None = None):
        self._entries: list[tuple[str, str, tuple[str, ...], bool]] = []
        for key, values in names.items():
            for value in values:
                toks = tuple(tokens(value))
                if toks:
                    self._entries.append((key, value, toks, False))
        for key, values in (ambiguous or {}).items():
            for value in values:
                toks = tuple(tokens(value))
                if toks:
                    self._entries.append((key, value, toks, True))
        # longer names first: "Bad Salzuflen" before "Bad", "Kreis Lippe" before "Lippe"
        self._entries.sort(key=lambda e: (-len(e[2]), -len("".join(e[2]))))

    def find(self, text: str) -> list[Match]:
        """All matches, in order of appearance, each text position used once."""
        spanned = spans(text)
        words = [t for t, _s, _e in spanned]
        # a name can only match where a word (or an Arabic word without its prefix) starts with its letter
        initials = {w[:1] for w in words} | {w[len(p):len(p) + 1] for w in words for p in _ARABIC_PREFIXES
                                             if w.startswith(p)}
        used: set[int] = set()
        found: list[Match] = []
        for key, value, name_tokens, ambiguous in self._entries:
            if name_tokens[0][:1] not in initials:
                continue
            n = len(name_tokens)
            for i in range(len(words) - n + 1):
                if any(j in used for j in range(i, i + n)):
                    continue
                if ambiguous:
                    exact = all(words[i + k] == name_tokens[k] for k in range(n))
                    standalone = len(words) <= n + 1
                    after_preposition = i > 0 and words[i - 1] in place_prepositions()
                    if not exact or not (standalone or after_preposition):
                        continue
                elif not all(_token_matches(words[i + k], name_tokens[k]) for k in range(n)):
                    continue
                used.update(range(i, i + n))
                found.append(Match(key=key, name=value, start=spanned[i][1], end=spanned[i + n - 1][2]))
        found.sort(key=lambda m: m.start)
        return found

    def first(self, text: str) -> str | None:
        """The key of the first name in the text, if any."""
        matches = self.find(text)
        return matches[0].key if matches else None
