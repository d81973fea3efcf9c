"""Recognise the person's region from what they write (knowledge/regions.yml)."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.gazetteer import Gazetteer


class RegionFileError(ValueError):
    """knowledge/regions.yml is missing or malformed."""


def load_region_gazetteer(path: Path, known_regions: set[str]) -> Gazetteer:
    """Build the gazetteer; every region id must exist in the scope."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RegionFileError(f"{path}: {exc}") from exc
    entries = (data or {}).get("regions")
    if not isinstance(entries, dict):
        raise RegionFileError(f"{path}: expected a mapping 'regions'")
    names: dict[str, list[str]] = {}
    ambiguous: dict[str, list[str]] = {}
    for region_id, entry in entries.items():
        if region_id not in known_regions:
            raise RegionFileError(f"{path}: unknown region id {region_id!r}")
        entry = entry or {}
        names[region_id] = [str(n) for n in (entry.get("names") or []) + (entry.get("places") or [])]
        ambiguous[region_id] = [str(n) for n in entry.get("ambiguous") or []]
    return Gazetteer(names, ambiguous)
