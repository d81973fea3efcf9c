"""Accuracy of the language detector on short newcomer messages (tests/lang/cases/, never training data).

Run with `-s` to see the table that the README quotes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.lang.detect import LanguageDetector
from bot.lang.registry import supported_languages

CASES = Path(__file__).parent / "cases"
MIN_ACCURACY = 0.85  # per language; short messages, German office words inside
MIN_UNSUPPORTED = 0.9  # share of messages in other languages recognised as such


def _load(name: str) -> list[str]:
    return list(yaml.safe_load((CASES / f"{name}.yml").read_text(encoding="utf-8"))["messages"])


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize("lang", supported_languages())
def test_each_language_is_recognised_in_short_messages(detector: LanguageDetector, lang: str) -> None:
    messages = _load(lang)
    assert len(messages) >= 20
    results = [detector.detect(m) for m in messages]
    right = [r.supported and r.language == lang for r in results]
    wrong = [(m, r.language) for m, r, ok in zip(messages, results, right, strict=True) if not ok]
    accuracy = sum(right) / len(messages)
    print(f"\n{lang}: {accuracy:.0%} of {len(messages)}")
    assert accuracy >= MIN_ACCURACY, wrong
    # a message in a language the assistant speaks is never taken for one it does not
    assert all(r.supported for r in results if r.reliable), wrong


def test_other_languages_are_recognised_as_not_spoken(detector: LanguageDetector) -> None:
    messages = _load("unsupported")
    results = [detector.detect(m) for m in messages]
    named = [(m, r.language) for m, r in zip(messages, results, strict=True) if r.supported]
    share = 1 - len(named) / len(messages)
    print(f"\nunsupported: {share:.0%} of {len(messages)}")
    assert share >= MIN_UNSUPPORTED, named
