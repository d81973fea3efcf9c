"""Figures computed from an evaluation results file (the JSON that `python -m bot eval --json` writes)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.lang.registry import supported_languages

# answer.topic values that are outcomes rather than topics; None is shown as "null"
OUTCOMES: tuple[str, ...] = ("greeting", "handoff", "out-of-scope", "null")
NULL = "null"


@dataclass(frozen=True)
class Score:
    """Correct cases out of a total."""

    correct: int
    total: int

    @property
    def accuracy(self) -> float:
        """Share of correct cases (0 when there are none)."""
        return self.correct / self.total if self.total else 0.0

    @property
    def misses(self) -> int:
        """Cases that were not correct."""
        return self.total - self.correct


def load_results(path: Path) -> dict[str, Any]:
    """A results file; raises SystemExit with a clear message when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(f"{path}: cannot read results: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise SystemExit(f"{path}: not an evaluation results file (no 'cases' list)")
    return data


def is_correct(case: dict[str, Any]) -> bool:
    """The recorded verdict; results without one are judged on topic and language only."""
    if "correct" in case:
        return bool(case["correct"])
    answer = case.get("answer") or {}
    return answer.get("topic") == case.get("expect") and answer.get("lang") == case.get("lang")


def label(topic: object) -> str:
    """A topic or outcome as shown in tables and pictures (None becomes "null")."""
    return NULL if topic is None else str(topic)


def answered(case: dict[str, Any]) -> str:
    """The topic or outcome the reply answered."""
    return label((case.get("answer") or {}).get("topic"))


def order_languages(langs: set[str]) -> list[str]:
    """Supported languages in their usual order, then any others alphabetically."""
    known = [lang for lang in supported_languages() if lang in langs]
    return known + sorted(langs - set(known))


def order_labels(labels: set[str]) -> list[str]:
    """Topics alphabetically, then the outcomes in a fixed order."""
    return sorted(labels - set(OUTCOMES)) + [o for o in OUTCOMES if o in labels]


def _score(cases: list[dict[str, Any]]) -> Score:
    return Score(sum(1 for c in cases if is_correct(c)), len(cases))


def overall(cases: list[dict[str, Any]]) -> Score:
    """The score over all cases."""
    return _score(cases)


def by_language(cases: list[dict[str, Any]]) -> dict[str, Score]:
    """The score per expected reply language."""
    langs = order_languages({str(c.get("lang")) for c in cases})
    return {lang: _score([c for c in cases if str(c.get("lang")) == lang]) for lang in langs}


def by_topic(cases: list[dict[str, Any]]) -> dict[str, Score]:
    """The score per expected topic or outcome."""
    topics = order_labels({label(c.get("expect")) for c in cases})
    return {topic: _score([c for c in cases if label(c.get("expect")) == topic]) for topic in topics}


@dataclass(frozen=True)
class Confusion:
    """Counts of (expected, answered) pairs; rows and columns are the same labels (so the diagonal is right)."""

    rows: list[str]
    columns: list[str]
    counts: dict[tuple[str, str], int]


def confusion(cases: list[dict[str, Any]]) -> Confusion:
    """Expected versus answered topic; only labels that occur as expected or answered are shown."""
    counts = Counter((label(c.get("expect")), answered(c)) for c in cases)
    labels = order_labels({e for e, _ in counts} | {a for _, a in counts})
    return Confusion(labels, labels, dict(counts))


def misses(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cases that were not correct, in file order."""
    return [c for c in cases if not is_correct(c)]


def detected_language(case: dict[str, Any]) -> str | None:
    """The language the detector found in the reply text, when the scoring recorded a mismatch."""
    for problem in case.get("problems") or []:
        if str(problem).startswith("text-language:"):
            return str(problem).split(":", 1)[1]
    return None


def language_errors(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cases answered in the wrong language, or whose reply text reads as another language."""
    errors = []
    for case in cases:
        answer = case.get("answer") or {}
        problems = [str(p) for p in case.get("problems") or []]
        wrong_lang = "lang" in problems or ("problems" not in case and answer.get("lang") != case.get("lang"))
        if wrong_lang or detected_language(case) is not None:
            errors.append(case)
    return errors


def summary_table(cases: list[dict[str, Any]]) -> str:
    """Per-language accuracy, count and misses as an aligned plain-text table."""
    rows = [(lang, s) for lang, s in by_language(cases).items()] + [("all", overall(cases))]
    width = max([len("language")] + [len(lang) for lang, _ in rows])
    head = f"{'language':<{width}}  {'cases':>5}  {'correct':>7}  {'accuracy':>8}  {'misses':>6}"
    lines = [head, "-" * len(head)]
    for i, (lang, s) in enumerate(rows):
        if i == len(rows) - 1:
            lines.append("-" * len(head))
        lines.append(f"{lang:<{width}}  {s.total:>5}  {s.correct:>7}  {s.accuracy:>8.1%}  {s.misses:>6}")
    return "\n".join(lines)


def shorten(text: str, limit: int) -> str:
    """Text on one line, cut to `limit` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def miss_lines(cases: list[dict[str, Any]], limit: int = 70) -> list[str]:
    """One terminal line per missed case: language, expected → answered, problems, text."""
    lines = []
    for case in misses(cases):
        answer = case.get("answer") or {}
        problems = ",".join(str(p) for p in case.get("problems") or []) or "-"
        lines.append(f"  [{case.get('lang')}] {label(case.get('expect'))} → {answered(case)}/{answer.get('lang')}"
                     f"  ({problems})  {shorten(str(case.get('text', '')), limit)}")
    return lines
