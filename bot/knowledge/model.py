"""The knowledge base: topic texts per language and language-neutral services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from bot.gazetteer import Gazetteer
from bot.scope import Scope

SOURCE_LANGUAGE = "de"
FALLBACK_LANGUAGES = ("en", "de")
NATIONAL = "national"


@dataclass(frozen=True)
class Review:
    """When and how an entry was last checked."""

    reviewed_on: dt.date | None
    status: str  # verified | unverified
    note: str = ""

    @property
    def verified(self) -> bool:
        """True only for entries checked against an official source."""
        return self.status == "verified"


@dataclass(frozen=True)
class Dependency:
    """A fact that changes: a rule, an amount or a deadline, and the day from which it must be checked again."""

    fact: str
    due: dt.date  # the first day it may no longer hold: the day after `valid_until`, or `review_by`
    kind: str  # valid_until | review_by
    check: str | None  # the official page to check it on
    line: int = 1

    def is_due(self, today: dt.date) -> bool:
        """True from the day the fact may no longer hold."""
        return today >= self.due


@dataclass(frozen=True)
class Link:
    """A link to an official page."""

    label: str
    url: str


@dataclass(frozen=True)
class TopicText:
    """One topic in one language."""

    topic: str
    lang: str
    title: str
    answer: str
    steps: tuple[str, ...]
    bring: tuple[str, ...]
    links: tuple[Link, ...]
    sources: tuple[str, ...]
    review: Review
    version: int | None  # set on the German source
    source_version: int | None  # set on translations
    path: Path
    line: int = 1
    depends_on: tuple[Dependency, ...] = ()  # read from the German source; its translations share them


@dataclass(frozen=True)
class Source:
    """Where a service's facts were read."""

    url: str
    read_on: str | None = None


@dataclass(frozen=True)
class Service:
    """An office, counselling centre or helpline."""

    id: str
    region: str
    name: str
    kind: str
    topics: tuple[str, ...]
    address: str | None
    coordinates: tuple[float, float] | None
    phones: tuple[str, ...]
    email: str | None
    website: str | None
    opening_hours: str | None
    appointment: str
    languages: tuple[str, ...]
    sources: tuple[Source, ...]
    review: Review
    path: Path
    line: int = 1
    depends_on: tuple[Dependency, ...] = ()
    not_for: tuple[str, ...] = ()  # regions within this one that it does not serve (they have their own office)


@dataclass(frozen=True)
class Resolved:
    """The text to serve for a topic and language, and why it may need a note."""

    text: TopicText
    fallback: bool  # not in the requested language
    stale: bool  # translates an older version of the German source


@dataclass
class KnowledgeBase:
    """Everything the assistant says about topics and services."""

    scope: Scope
    texts: dict[tuple[str, str], TopicText]
    services: dict[str, Service]
    regions: Gazetteer
    loaded_at: float = 0.0
    fingerprint: str = ""
    _by_topic_region: dict[tuple[str, str], list[Service]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for service in self.services.values():
            for topic in service.topics:
                self._by_topic_region.setdefault((topic, service.region), []).append(service)

    def source_version(self, topic: str) -> int | None:
        """The current version of the German source text."""
        source = self.texts.get((topic, SOURCE_LANGUAGE))
        return source.version if source else None

    def is_stale(self, text: TopicText) -> bool:
        """A translation of an older German version."""
        if text.lang == SOURCE_LANGUAGE:
            return False
        current = self.source_version(text.topic)
        return current is not None and text.source_version != current

    def due_facts(self, topic: str, today: dt.date) -> list[Dependency]:
        """The facts of a topic (its German source) that may no longer hold today."""
        source = self.texts.get((topic, SOURCE_LANGUAGE))
        return [d for d in source.depends_on if d.is_due(today)] if source else []

    def resolve(self, topic: str, lang: str) -> Resolved | None:
        """The text in `lang`, else English, else German."""
        for candidate in (lang, *FALLBACK_LANGUAGES):
            text = self.texts.get((topic, candidate))
            if text is not None:
                return Resolved(text=text, fallback=candidate != lang, stale=self.is_stale(text))
        return None

    def local_services(self, topic: str, region: str) -> list[Service]:
        """Services for the topic that serve the region: its own first, then its parent region's (a district's
        service serves the towns within it unless it names them in `not_for`)."""
        found: dict[str, Service] = {}
        for region_id in self.scope.region_chain(region):
            for service in self._by_topic_region.get((topic, region_id), []):
                if region not in service.not_for:
                    found.setdefault(service.id, service)
        return list(found.values())

    def national_services(self, topic: str) -> list[Service]:
        """Nationwide services for the topic."""
        return list(self._by_topic_region.get((topic, NATIONAL), []))
