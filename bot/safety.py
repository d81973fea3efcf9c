"""Danger safety net: recognise violence, a crisis or a medical emergency in a short message,
whatever the NLU model thinks, in every supported language (and Latin-script Arabic, Russian, Bulgarian).

The terms are data: knowledge/danger/<language>.yml (README.md there for editors). They are written in natural spelling and normalised like the message (casefold, no diacritics,
one form of the Arabic/Persian letter variants, no ZWNJ or tatweel). Term syntax:

    word     the whole word                 word*   a word starting with it (inflection)
    *word    a word ending with it          *word*  a word containing it (Arabic clitics)
    ..       up to two words in between     word~   also with one typo (words of 6+ letters)

Negative terms (per language) are blanked out before matching ("kill time", "طول میکشه").
Where matches overlap, the longest wins ("heart attack" is an emergency, not an attack).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path

import yaml

from bot.settings import get_settings


class DangerKind(str, Enum):
    """What kind of danger the message shows."""

    VIOLENCE = "violence"  # violence, threats, abuse: police 110, women's helpline 116 016
    CRISIS = "crisis"  # suicidal thoughts, acute mental-health crisis: crisis lines, 112
    EMERGENCY = "emergency"  # medical emergency or fire: 112


# when a message shows several kinds, the one named first decides what is shown first
PRIORITY = (DangerKind.CRISIS, DangerKind.VIOLENCE, DangerKind.EMERGENCY)


@dataclass(frozen=True)
class DangerSignal:
    """The danger found: its kind, the language of the term (`ar-Latn`, `ru-Latn` for Latin script),
    the term that matched, and every kind the message showed."""

    kind: DangerKind
    language: str
    term: str
    kinds: frozenset[DangerKind]


V, C, E = DangerKind.VIOLENCE, DangerKind.CRISIS, DangerKind.EMERGENCY

DANGER_DIR = "danger"  # inside the knowledge directory: one file per language (and per script)
_KINDS = {kind.value: kind for kind in DangerKind}


class DangerTermsError(ValueError):
    """A danger-terms file is malformed (the message names the file and the entry)."""


def load_terms(directory: Path) -> tuple[dict[str, dict[DangerKind, tuple[str, ...]]], dict[str, tuple[str, ...]]]:
    """Positive terms per language and kind, and negative terms per language, from `directory/*.yml`."""
    positive: dict[str, dict[DangerKind, tuple[str, ...]]] = {}
    negative: dict[str, tuple[str, ...]] = {}
    for path in sorted(directory.glob("*.yml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise DangerTermsError(f"{path}: cannot read danger terms: {exc}") from exc
        if not isinstance(data, dict) or data.get("language") != path.stem:
            raise DangerTermsError(f"{path}: needs 'language: {path.stem}' (the file name)")
        kinds: dict[DangerKind, tuple[str, ...]] = {}
        for key, value in data.items():
            if key == "language":
                continue
            if key != "negative" and key not in _KINDS:
                raise DangerTermsError(f"{path}: unknown key {key!r} (violence, crisis, emergency, negative)")
            if not isinstance(value, list | type(None)) or not all(isinstance(t, str) and t for t in value or ()):
                raise DangerTermsError(f"{path}: {key!r} must be a list of terms")
            if key == "negative":
                negative[path.stem] = tuple(value or ())
            else:
                kinds[_KINDS[key]] = tuple(value or ())
        positive[path.stem] = kinds
    if not positive:
        raise DangerTermsError(f"{directory}: no danger terms found")
    return positive, negative


# letters written in several ways; ZWNJ, ZWJ and tatweel vanish
_LETTERS = str.maketrans({
    "ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "ٱ": "ا",
    "\u200c": None, "\u200d": None, "\u0640": None,
    "’": "'", "ʼ": "'", "`": "'", "´": "'", "‘": "'",
    "ı": "i", "ґ": "г",
})
_REPEATS = re.compile(r"(\w)\1{2,}")
_NOT_WORD = re.compile(r"[^\w']+")
_PERSIAN_PREFIX = re.compile(r"(?<!\w)(ن?می) (?=\w)")
_GAP = r"(?:\s+[\w']+){0,2}"
# "25 ضرب 14", "۲۵ ضربدر ۱۴": multiplication, not a blow
_ARITHMETIC = re.compile(r"\d+\s*(?:ضرب|ضربدر|ضرب در|ضرب فی)\s*\d+")


def normalise(text: str) -> str:
    """The form terms and messages are compared in: casefolded, without diacritics or letter variants."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_LETTERS)
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFC", text)
    text = _REPEATS.sub(r"\1\1", text)  # "hilfeeee", "killlll"
    text = _NOT_WORD.sub(" ", text).strip(" '")
    return _PERSIAN_PREFIX.sub(r"\1", text)  # "می زند" is written "میزند" too


def _token_regex(token: str) -> str:
    core = normalise(token.strip("*"))
    if not core:
        raise ValueError(f"empty term token {token!r}")
    # a wildcard side takes in the rest of the word; either way the match ends at word boundaries
    before = r"(?<![\w'])" + (r"[\w']*" if token.startswith("*") else "")
    after = (r"[\w']*" if token.endswith("*") else "") + r"(?![\w'])"
    return before + re.escape(core) + after


@dataclass(frozen=True)
class _Term:
    language: str
    kind: DangerKind | None  # None: a negative term
    text: str
    pattern: re.Pattern[str]
    fuzzy: str | None  # normalised word for the one-typo comparison
    fuzzy_prefix: bool


def _compile(language: str, kind: DangerKind | None, term: str) -> _Term:
    fuzzy = term.endswith("~")
    body = term.rstrip("~")
    tokens = body.split()
    parts: list[str] = []
    for token in tokens:
        if token == "..":
            parts.append(_GAP)
        else:
            parts.append((r"\s+" if parts else "") + _token_regex(token))
    fuzzy_word = None
    if fuzzy:
        fuzzy_word = normalise(body.strip("*"))
        if len(tokens) != 1 or body.startswith("*") or len(fuzzy_word) < 6:
            raise ValueError(f"{term!r}: typo tolerance needs one word of at least 6 letters")
    return _Term(language, kind, term, re.compile("".join(parts)), fuzzy_word, body.endswith("*"))


@lru_cache(maxsize=1)
def _terms() -> tuple[tuple[_Term, ...], dict[str, tuple[_Term, ...]]]:
    terms_by_language, negative_terms = load_terms(get_settings().knowledge_dir / DANGER_DIR)
    positive = tuple(_compile(lang, kind, term)
                     for lang, kinds in terms_by_language.items() for kind, terms in kinds.items() for term in terms)
    negative = {lang: tuple(_compile(lang, None, term) for term in terms) for lang, terms in negative_terms.items()}
    return positive, negative


@lru_cache(maxsize=1)
def _any_term() -> re.Pattern[str]:
    """All positive terms in one pattern: most messages show no danger, and one search says so quickly."""
    positive, _negative = _terms()
    return re.compile("|".join(f"(?:{term.pattern.pattern})" for term in positive))


def _one_typo(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1:]


def _fuzzy_spans(term: _Term, text: str) -> list[tuple[int, int]]:
    assert term.fuzzy is not None
    spans = []
    for word in re.finditer(r"[\w']+", text):
        candidate = word.group()
        if candidate[0] != term.fuzzy[0]:
            continue
        if term.fuzzy_prefix:
            hit = any(_one_typo(candidate[:len(term.fuzzy) + d], term.fuzzy) for d in (-1, 0, 1))
        else:
            hit = _one_typo(candidate, term.fuzzy)
        if hit:
            spans.append((word.start(), word.end()))
    return spans


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def detect_danger(text: str, languages: Iterable[str] | None = None) -> DangerSignal | None:
    """The danger a message shows, or None. `languages` limits the term lists (default: all)."""
    normalised = normalise(text)
    if not normalised:
        return None
    wanted = None if languages is None else set(languages)
    for found in _ARITHMETIC.finditer(normalised):
        normalised = _blank(normalised, found.start(), found.end())
    positive, negative = _terms()
    for terms in negative.values():
        for term in terms:
            for found in term.pattern.finditer(normalised):
                normalised = _blank(normalised, found.start(), found.end())
    fuzzy = [term for term in positive if term.fuzzy]
    if not _any_term().search(normalised) and not any(_fuzzy_spans(term, normalised) for term in fuzzy):
        return None
    matches: list[tuple[int, int, _Term]] = []
    for term in positive:
        if wanted is not None and term.language not in wanted and term.language.split("-")[0] not in wanted:
            continue
        spans = [(m.start(), m.end()) for m in term.pattern.finditer(normalised)]
        if term.fuzzy and not spans:
            spans = _fuzzy_spans(term, normalised)
        matches.extend((start, end, term) for start, end in spans if end > start)
    if not matches:
        return None
    # overlapping matches: the longest one counts ("heart attack" over "attack")
    matches.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
    kept: list[tuple[int, int, _Term]] = []
    for start, end, term in matches:
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, term))
    kinds = frozenset(term.kind for _, _, term in kept if term.kind is not None)
    kind = next(k for k in PRIORITY if k in kinds)
    best = next(term for _, _, term in kept if term.kind is kind)
    return DangerSignal(kind=kind, language=best.language, term=best.text, kinds=kinds)
