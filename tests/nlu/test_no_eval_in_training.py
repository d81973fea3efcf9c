"""Evaluation cases measure generalisation only while no training example repeats them."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CASE_FILES = [ROOT.parent / "shared" / "eval" / "dev-cases.yml", ROOT / "eval" / "heldout" / "cases.yml"]


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _training_texts() -> set[str]:
    texts: set[str] = set()
    for path in (ROOT / "data" / "nlu").rglob("*.yml"):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in str(item.get("examples", "")).splitlines():
                example = re.sub(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}", r"\1\2", line.strip().lstrip("- "))
                texts.add(_normal(example))
    return texts


def test_no_evaluation_case_is_a_training_example() -> None:
    # greetings of up to three words ("Guten Morgen!") are the same everywhere: only longer cases count
    training = _training_texts()
    assert len(training) > 5000
    for path in CASE_FILES:
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))
        repeated = [c["text"] for c in cases if len(_normal(c["text"]).split()) > 3 and _normal(c["text"]) in training]
        assert not repeated, f"{path.name}: cases that are also training examples: {repeated}"
