"""Shared parts of the actions: the served knowledge, the reply language, sending replies."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.i18n import gettext_for
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.render import Reply, region_display_name
from bot.knowledge.store import KnowledgeStore
from bot.lang.choice import reply_language
from bot.names import (
    INTENT_INFORM_REGION,
    META_KEY,
    PARSE_LANGUAGE_KEY,
    SLOT_CONVERSATION_LANGUAGE,
    SLOT_LANGUAGE,
    SLOT_REGION,
)
from bot.settings import get_settings

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def knowledge_store() -> KnowledgeStore:
    """The process-wide knowledge store (built on first use, never at import)."""
    settings = get_settings()
    return KnowledgeStore(settings.knowledge_dir, settings.knowledge_reload_seconds)


def knowledge() -> KnowledgeBase:
    """The current knowledge base."""
    return knowledge_store().get()


def client_language_code(tracker: Tracker) -> str | None:
    """The language the person's app is set to (Telegram's language_code), if the channel sent it."""
    metadata = tracker.get_slot("session_started_metadata") or {}
    latest = (tracker.latest_message or {}).get("metadata") or {}
    for source in (latest, metadata):
        code = source.get("language_code") if isinstance(source, dict) else None
        if code:
            return str(code)
    return None


def language_of(tracker: Tracker) -> str:
    """The language to answer this turn in."""
    return reply_language(
        chosen=tracker.get_slot(SLOT_LANGUAGE),
        detection=(tracker.latest_message or {}).get(PARSE_LANGUAGE_KEY),
        conversation=tracker.get_slot(SLOT_CONVERSATION_LANGUAGE),
        client_language_code=client_language_code(tracker),
    )


def described_replies(tracker: Tracker) -> list[dict[str, Any]]:
    """The structured descriptions of the assistant's messages so far (META_KEY metadata), newest first."""
    return [(event.get("metadata") or {}).get(META_KEY) or {}
            for event in reversed(tracker.events) if event.get("event") == "bot"]


def send(dispatcher: CollectingDispatcher, reply: Reply, buttons: list[dict[str, Any]] | None = None) -> None:
    """Send each message of a reply with its structured description; buttons go on the last one."""
    for i, text in enumerate(reply.messages):
        last = i == len(reply.messages) - 1
        dispatcher.utter_message(text=text, buttons=buttons if last and buttons else None,
                                 **{META_KEY: reply.describe()})


def region_buttons(kb: KnowledgeBase, lang: str) -> list[dict[str, Any]]:
    """One button per region, named as people know it."""
    _ = gettext_for(lang)
    buttons = []
    for region_id in kb.scope.regions:
        title = region_display_name(kb, region_id)
        if region_id == "kreis-lippe":
            title = _("{district} (Lemgo, Lage, Bad Salzuflen …)").format(district=title)
        buttons.append({"title": title, "payload": f'/{INTENT_INFORM_REGION}{{"region":"{region_id}"}}'})
    return buttons


class WegweiserAction(Action, ABC):
    """Base of the assistant's actions: remembers the reply language of every turn."""

    @abstractmethod
    def name(self) -> str:
        """Action name (abstract, so rasa-sdk does not register this base)."""

    def language_events(self, tracker: Tracker, lang: str) -> list[EventType]:
        """Remember the language this turn was answered in."""
        if tracker.get_slot(SLOT_CONVERSATION_LANGUAGE) == lang:
            return []
        return [SlotSet(SLOT_CONVERSATION_LANGUAGE, lang)]

    @staticmethod
    def region(tracker: Tracker) -> str | None:
        """The person's region, if known."""
        value = tracker.get_slot(SLOT_REGION)
        return str(value) if value else None
