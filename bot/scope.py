"""Topics and regions with stable ids (knowledge/scope.yml, a copy of shared/scope/topics.yml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.settings import get_settings


@dataclass(frozen=True)
class Region:
    """A region the assistant serves; `parent` serves it where it has no service of its own."""

    id: str
    name: str
    parent: str | None = None


@dataclass(frozen=True)
class Topic:
    """An orientation topic."""

    id: str
    covers: str
    local: bool
    handoff: str


@dataclass(frozen=True)
class Scope:
    """Regions and topics."""

    regions: dict[str, Region]
    topics: dict[str, Topic]

    def region_chain(self, region_id: str) -> list[str]:
        """The region and its ancestors, nearest first."""
        chain: list[str] = []
        current: str | None = region_id
        while current and current in self.regions and current not in chain:
            chain.append(current)
            current = self.regions[current].parent
        return chain


def load_scope(path: Path) -> Scope:
    """Parse a scope file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    regions = {
        r["id"]: Region(id=r["id"], name=r["name"], parent=r.get("parent")) for r in data["regions"]
    }
    topics = {
        t["id"]: Topic(id=t["id"], covers=t["covers"], local=bool(t["local"]), handoff=t["handoff"])
        for t in data["topics"]
    }
    return Scope(regions=regions, topics=topics)


@lru_cache(maxsize=1)
def get_scope() -> Scope:
    """The scope of the configured knowledge directory."""
    return load_scope(get_settings().knowledge_dir / "scope.yml")
