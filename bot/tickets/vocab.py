"""Stable ids of the structured ticket fields, with the German labels the desk shows to case managers."""

from __future__ import annotations

from enum import Enum

from bot.lang.registry import get_languages


class Status(str, Enum):
    """Where a ticket stands."""

    NEW = "new"
    CLAIMED = "claimed"
    WAITING = "waiting"  # waiting for the person
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """German label."""
        return STATUS_LABELS[self]


class Urgency(str, Enum):
    """How soon a case manager must act."""

    NORMAL = "normal"
    URGENT = "urgent"

    @property
    def label(self) -> str:
        """German label."""
        return URGENCY_LABELS[self]


class LifeArea(str, Enum):
    """The life areas a request concerns (multi-select in the intake)."""

    RESIDENCE = "residence"  # residence and immigration law
    WORK = "work"
    MONEY = "money"
    HOUSING = "housing"
    SCHOOL_CHILDCARE = "school-childcare"
    HEALTH = "health"
    LANGUAGE = "language"
    FAMILY = "family"

    @property
    def label(self) -> str:
        """German label."""
        return LIFE_AREA_LABELS[self]


class ContactChannel(str, Enum):
    """How the person wants to be contacted."""

    CHAT = "chat"  # answer in this chat (Telegram or the local chat)
    PHONE = "phone"
    EMAIL = "email"

    @property
    def label(self) -> str:
        """German label."""
        return CONTACT_CHANNEL_LABELS[self]


class Author(str, Enum):
    """Who wrote a transcript message."""

    PERSON = "person"
    CASE_MANAGER = "case_manager"
    ASSISTANT = "assistant"

    @property
    def label(self) -> str:
        """German label."""
        return AUTHOR_LABELS[self]


class NotificationStatus(str, Enum):
    """Whether the team was told about a new ticket."""

    PENDING = "pending"
    SENT = "sent"
    PARTIAL = "partial"  # some targets failed
    FAILED = "failed"
    NOT_CONFIGURED = "not_configured"  # the team has no Telegram group and no e-mail address

    @property
    def label(self) -> str:
        """German label."""
        return NOTIFICATION_LABELS[self]


OPEN_STATUSES = frozenset({Status.NEW, Status.CLAIMED, Status.WAITING})
# a case manager holds the conversation: the assistant stays silent and relays the person's messages
HELD_STATUSES = frozenset({Status.CLAIMED, Status.WAITING})
FINISHED_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED})

# allowed status changes; claiming and resolving have their own functions but obey the same table
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.CLAIMED, Status.RESOLVED, Status.CLOSED}),
    Status.CLAIMED: frozenset({Status.NEW, Status.WAITING, Status.RESOLVED, Status.CLOSED}),
    Status.WAITING: frozenset({Status.CLAIMED, Status.RESOLVED, Status.CLOSED}),
    Status.RESOLVED: frozenset({Status.CLAIMED, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}

STATUS_LABELS = {
    Status.NEW: "Neu",
    Status.CLAIMED: "In Bearbeitung",
    Status.WAITING: "Wartet auf Rückmeldung der Person",
    Status.RESOLVED: "Erledigt",
    Status.CLOSED: "Geschlossen",
}

URGENCY_LABELS = {
    Urgency.NORMAL: "Normal",
    Urgency.URGENT: "Dringend",
}

LIFE_AREA_LABELS = {
    LifeArea.RESIDENCE: "Aufenthalts- und Ausländerrecht",
    LifeArea.WORK: "Arbeit",
    LifeArea.MONEY: "Geld und Leistungen",
    LifeArea.HOUSING: "Wohnen",
    LifeArea.SCHOOL_CHILDCARE: "Schule und Kinderbetreuung",
    LifeArea.HEALTH: "Gesundheit",
    LifeArea.LANGUAGE: "Sprache",
    LifeArea.FAMILY: "Familie",
}

CONTACT_CHANNEL_LABELS = {
    ContactChannel.CHAT: "Antwort im Chat",
    ContactChannel.PHONE: "Telefon",
    ContactChannel.EMAIL: "E-Mail",
}

AUTHOR_LABELS = {
    Author.PERSON: "Person",
    Author.CASE_MANAGER: "Fallmanagement",
    Author.ASSISTANT: "Assistent",
}

NOTIFICATION_LABELS = {
    NotificationStatus.PENDING: "Benachrichtigung ausstehend",
    NotificationStatus.SENT: "Team benachrichtigt",
    NotificationStatus.PARTIAL: "Team teilweise benachrichtigt",
    NotificationStatus.FAILED: "Benachrichtigung fehlgeschlagen",
    NotificationStatus.NOT_CONFIGURED: "Keine Benachrichtigung eingerichtet",
}

# region ids (knowledge/scope.yml) in German, and the prefix of their ticket numbers
REGION_LABELS = {
    "bielefeld": "Bielefeld",
    "gelsenkirchen": "Gelsenkirchen",
    "kreis-lippe": "Kreis Lippe",
    "detmold": "Detmold",
}
REGION_PREFIXES = {
    "bielefeld": "BI",
    "gelsenkirchen": "GE",
    "kreis-lippe": "LIP",
    "detmold": "DT",
}


def region_prefix(region: str) -> str:
    """The ticket-number prefix of a region (a new region without an entry gets its first letters)."""
    if region in REGION_PREFIXES:
        return REGION_PREFIXES[region]
    letters = "".join(ch for ch in region.upper() if ch.isalpha())
    return letters[:3] or "XX"


def region_label(region: str) -> str:
    """German name of a region id."""
    return REGION_LABELS.get(region, region)


def language_labels() -> dict[str, str]:
    """The supported languages in German, in button order (knowledge/languages.yml)."""
    return {language.code: language.german for language in get_languages().entries}


def language_label(lang: str) -> str:
    """German name of a language code (knowledge/languages.yml)."""
    return language_labels().get(lang, lang)
