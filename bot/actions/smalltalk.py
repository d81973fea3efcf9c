"""Greetings, thanks, goodbyes, and questions outside what the assistant covers."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.base import WegweiserAction, described_replies, language_of, send
from bot.i18n import gettext_for
from bot.knowledge.render import Reply
from bot.names import (
    ACTION_GREET,
    ACTION_OUT_OF_SCOPE,
    ACTION_SMALLTALK,
    FORM_INTAKE,
    INTENT_AFFIRM,
    INTENT_GOODBYE,
    INTENT_THANK,
    OFFER_KEY,
    OUTCOME_GREETING,
    OUTCOME_OUT_OF_SCOPE,
    SLOT_INTAKE_TOPIC,
)


def _offered_topic(tracker: Tracker) -> str | None:
    """When the assistant's last message offered a case manager: the topic it was about ("" if none)."""
    replies = described_replies(tracker)
    if not replies or not replies[0].get(OFFER_KEY):
        return None
    return str(replies[0].get("topic") or "")


def _intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message or {}).get("intent", {}).get("name")


class ActionGreet(WegweiserAction):
    """Say hello and what the assistant can do."""

    def name(self) -> str:
        """Action name."""
        return ACTION_GREET

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        """Greet in the person's language."""
        lang = language_of(tracker)
        _ = gettext_for(lang)
        text = "\n\n".join([
            _("Hello! I am Wegweiser, the orientation assistant for newcomers in Bielefeld, Gelsenkirchen, "
              "Detmold and Kreis Lippe."),
            _("Ask me about registration, residence permits, work, money, housing, Kita and school, health or "
              "German courses. You can write in your own language."),
            _("To change the language, write 'language'. To talk to a person, write 'human'."),
        ])
        send(dispatcher, Reply(messages=[text], topic=OUTCOME_GREETING, lang=lang))
        return self.language_events(tracker, lang)


class ActionSmalltalk(WegweiserAction):
    """Answer thanks, goodbye, yes and no outside of a question."""

    def name(self) -> str:
        """Action name."""
        return ACTION_SMALLTALK

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        """A short, friendly reply."""
        lang = language_of(tracker)
        _ = gettext_for(lang)
        intent = _intent(tracker)
        offered = _offered_topic(tracker)
        if intent == INTENT_AFFIRM and offered is not None:
            # "yes" to the offer of a case manager: the intake starts (consent first)
            return [*self.language_events(tracker, lang), SlotSet(SLOT_INTAKE_TOPIC, offered or None),
                    FollowupAction(FORM_INTAKE)]
        if intent == INTENT_THANK:
            text = _("You are welcome! Write to me any time you have a question.")
        elif intent == INTENT_GOODBYE:
            text = _("Goodbye and all the best! You can write to me again at any time.")
        else:
            text = _("All right. What else can I help you with?")
        send(dispatcher, Reply(messages=[text], topic=OUTCOME_GREETING, lang=lang))
        return self.language_events(tracker, lang)


class ActionOutOfScope(WegweiserAction):
    """Say what the assistant can help with."""

    def name(self) -> str:
        """Action name."""
        return ACTION_OUT_OF_SCOPE

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        """Explain the scope."""
        lang = language_of(tracker)
        _ = gettext_for(lang)
        text = _("Sorry, I cannot help with that. I answer questions about arriving and living here: offices, "
                 "residence, work, money, housing, school, health and German courses.")
        send(dispatcher, Reply(messages=[text], topic=OUTCOME_OUT_OF_SCOPE, lang=lang))
        return self.language_events(tracker, lang)
