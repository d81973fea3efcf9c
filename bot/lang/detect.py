"""Detect the language of a short chat message among the supported languages.

Script rules decide first where the letters are unambiguous (Ukrainian і/ї/є/ґ, Persian پ/چ/ژ/گ,
Turkish ş/ğ/ı); lingua (its models ship inside the package) decides the rest. German office words
and place names are removed before detection, since newcomers put them into every language.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

from bot import SUPPORTED_LANGUAGES

# Words that newcomers take over from German in every language: they say nothing about the language.
OFFICE_WORDS = frozenset(
    w.casefold()
    for w in ["jobcenter", "job-center", "ausländerbehörde", "auslaenderbehoerde", "ausländeramt", "anmeldung", "ummeldung", "abmeldung", "bürgeramt", "buergeramt", "bürgerbüro", "bürgerbuero", "bürgerberatung", "meldebescheinigung", "wohnungsgeberbestätigung", "bürgergeld", "buergergeld", "sozialamt", "kindergeld", "familienkasse", "wohngeld", "wbs", "kita", "kindergarten", "tagesmutter", "krankenkasse", "aok", "tk", "barmer", "egk", "termin", "aufenthaltstitel", "aufenthaltserlaubnis", "fiktionsbescheinigung", "duldung", "aufenthaltsgestattung", "bamf", "anhörung", "anhoerung", "integrationskurs", "sprachkurs", "berufssprachkurs", "vhs", "volkshochschule", "dtz", "anerkennung", "ausbildung", "praktikum", "minijob", "agentur", "arbeit", "arbeitsagentur", "deutschlandticket", "sozialticket", "führerschein", "fuehrerschein", "einbürgerung", "einbuergerung", "schufa", "basiskonto", "girokonto", "sparkasse", "migrationsberatung", "mbe", "jmd", "kim", "frauenhaus", "hausarzt", "überweisung", "apotheke", "beratungshilfe", "prozesskostenhilfe", "widerspruch", "integrationsrat", "ehrenamt", "sprachmittler", "dolmetscher", "übersetzung", "familiennachzug", "visum", "schulamt", "schule", "mietvertrag", "kaution", "nebenkosten", "eat", "ekg", "kommunales", "integrationszentrum", "bielefeld", "gelsenkirchen", "detmold", "lippe", "lemgo", "lage", "salzuflen", "bad", "blomberg", "oerlinghausen"]
)

# Marker words for languages people often write in the Latin script.
TRANSLIT_MARKERS: dict[str, frozenset[str]] = {
    "ru": frozenset(
        ["gde", "kak", "mne", "nuzhno", "nuzhen", "nado", "pomogite", "pomoch", "zdravstvuyte", "zdravstvujte", "privet", "spasibo", "mozhno", "skolko", "pochemu", "chto", "kogda", "ya", "moy", "moya", "moi", "u", "menya", "rabota", "rabotu", "zhena", "muzh", "deti", "rebenok", "kvartira", "dengi", "pozhaluysta", "pozhalujsta", "kuda", "poluchit", "sdelat"]
    ),
    "ar": frozenset(
        ["wein", "wen", "fein", "shu", "shou", "ana", "ana3", "3andi", "3ndi", "bade", "badi", "baddi", "biddi", "mumkin", "momken", "kifak", "kif", "keef", "shukran", "marhaba", "mar7aba", "salam", "ahlan", "ya3ni", "wala", "inshallah", "el", "al", "fi", "mish", "mesh", "ma3", "7abibi", "sho", "ayna", "hal", "ureed", "aba3at"]
    ),
}

_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)

_UK_ONLY = set("іїєґІЇЄҐ")
_RU_ONLY = set("ыэъёЫЭЪЁ")
_FA_ONLY = set("پچژگیکۀ۰۱۲۳۴۵۶۷۸۹")
_AR_ONLY = set("ةيىكؤإأ٠١٢٣٤٥٦٧٨٩ذضظ")
_TR_ONLY = set("şğıŞĞİ")
_DE_ONLY = set("äöüßÄÖÜ")


@dataclass(frozen=True)
class Detection:
    """The detected language of one message."""

    language: str | None
    confidence: float
    reliable: bool
    script: str

    def as_dict(self) -> dict[str, Any]:
        """The form stored in Rasa's parse data."""
        return {
            "language": self.language,
            "confidence": round(self.confidence, 3),
            "reliable": self.reliable,
            "script": self.script,
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


def _best(scores: dict[str, float], default: str) -> tuple[str, float]:
    if not scores:
        return default, 0.5
    lang = max(scores, key=lambda code: scores[code])
    return lang, scores[lang]


class LanguageDetector:
    """Thread-safe detector; lingua's models load lazily on the first ambiguous message."""

    def __init__(self, languages: tuple[str, ...] = SUPPORTED_LANGUAGES, min_words: int = 3) -> None:
        self.languages = languages
        self.min_words = min_words
        self._lingua: Any = None
        self._lock = threading.Lock()

    def _model(self) -> Any:
        with self._lock:
            if self._lingua is None:
                from lingua import IsoCode639_1, LanguageDetectorBuilder

                codes = [getattr(IsoCode639_1, code.upper()) for code in self.languages]
                self._lingua = (
                    LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
                    .with_preloaded_language_models()
                    .build()
                )
            return self._lingua

    def warm_up(self) -> None:
        """Load the models now (servers call this at start so the first turn is not slow)."""
        self._model()

    def _lingua_scores(self, text: str, allowed: set[str]) -> dict[str, float]:
        scores: dict[str, float] = {}
        for value in self._model().compute_language_confidence_values(text):
            code = value.language.iso_code_639_1.name.lower()
            if code in allowed:
                scores[code] = value.value
        total = sum(scores.values())
        if total > 0:
            for code in scores:
                scores[code] /= total
        return scores

    def detect(self, text: str) -> Detection:
        """Detect the language of `text`; `reliable` is False when it is too short to be sure."""
        cleaned = _URL.sub(" ", text or "")
        words = _WORD.findall(cleaned)
        content = [w for w in words if w.casefold() not in OFFICE_WORDS]
        if not content:
            # only office words or names: nothing to go by
            content = words
        letters = [ch for w in content for ch in w]
        if not letters:
            return Detection(None, 0.0, False, "none")
        scripts = Counter(_script_of(ch) for ch in letters)
        script, _ = scripts.most_common(1)[0]
        chars = set(letters)
        n_words = len(content)
        long_enough = n_words >= self.min_words
        allowed = set(self.languages)

        if script == "cyrillic":
            if chars & _UK_ONLY and "uk" in allowed:
                return Detection("uk", 0.95, True, script)
            if chars & _RU_ONLY and "ru" in allowed:
                return Detection("ru", 0.95, True, script)
            scores = self._lingua_scores(" ".join(content), {"uk", "ru"} & allowed)
            lang, conf = _best(scores, "ru")
            # the script alone already rules out the Latin-script languages
            return Detection(lang, conf, long_enough or conf >= 0.75, script)

        if script == "arabic":
            fa_hits = sum(1 for ch in letters if ch in _FA_ONLY)
            ar_hits = sum(1 for ch in letters if ch in _AR_ONLY)
            if fa_hits and fa_hits >= ar_hits and "fa" in allowed:
                return Detection("fa", 0.9, True, script)
            if ar_hits and ar_hits > fa_hits and "ar" in allowed:
                return Detection("ar", 0.9, True, script)
            scores = self._lingua_scores(" ".join(content), {"ar", "fa"} & allowed)
            lang, conf = _best(scores, "ar")
            return Detection(lang, conf, long_enough or conf >= 0.75, script)

        if script == "latin":
            lowered = [w.casefold() for w in content]
            for lang, markers in TRANSLIT_MARKERS.items():
                hits = sum(1 for w in lowered if w in markers)
                if lang in allowed and hits >= 2 and hits >= len(lowered) / 3:
                    return Detection(lang, 0.7, True, script)
            latin_langs = {"de", "en", "tr"} & allowed
            if chars & _TR_ONLY and "tr" in allowed:
                return Detection("tr", 0.9, True, script)
            scores = self._lingua_scores(" ".join(content), latin_langs)
            if not scores:
                return Detection(None, 0.0, False, script)
            lang, conf = _best(scores, "de")
            if lang != "de" and chars & _DE_ONLY and n_words < 3:
                conf = min(conf, 0.5)
            return Detection(lang, conf, long_enough and conf >= 0.6 or conf >= 0.9 and n_words >= 2, script)

        return Detection(None, 0.0, False, script)


_DEFAULT: LanguageDetector | None = None


def default_detector() -> LanguageDetector:
    """A process-wide detector for the supported languages."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = LanguageDetector()
    return _DEFAULT
