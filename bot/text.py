"""Small text predicates shared by channels and NLU components."""

from __future__ import annotations


def has_content(text: str) -> bool:
    """True when the text has at least one letter or digit (not empty, spaces, emoji or punctuation only)."""
    return any(ch.isalnum() for ch in text)
