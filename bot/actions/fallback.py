"""When the assistant is unsure: offer the most likely topics and a person instead of a dead end."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.base import WegweiserAction, knowledge, language_of, send
from bot.i18n import gettext_for
from bot.knowledge.render import Reply
from bot.names import (
    ACTION_LOW_CONFIDENCE,
    FORM_INTAKE,
    INTENT_REQUEST_HUMAN,
    OUTCOME_HANDOFF,
    SLOT_FAILED_TURNS,
    SLOT_PENDING_TOPIC,
    topic_from_intent,
)

MAX_SUGGESTIONS = 3
MIN_SUGGESTION_CONFIDENCE = 0.05


def likely_topics(tracker: Tracker, known: set[str]) -> list[str]:
    """The two or three most likely topics of the last message."""
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    topics: list[str] = []
    for entry in ranking:
        topic = topic_from_intent(entry.get("name"))
        if topic in known and topic not in topics and (entry.get("confidence") or 0) >= MIN_SUGGESTION_CONFIDENCE:
            topics.append(topic)
        if len(topics) == MAX_SUGGESTIONS:
            break
    return topics


class ActionLowConfidence(WegweiserAction):
    """Suggest topics as buttons plus 'talk to a person'; after two misses in a row, name a person."""

    def name(self) -> str:
        """Action name."""
        return ACTION_LOW_CONFIDENCE

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        """Offer buttons in the reply language."""
        lang = language_of(tracker)
        _ = gettext_for(lang)
        kb = knowledge()
        failed = int(tracker.get_slot(SLOT_FAILED_TURNS) or 0) + 1
        events = [*self.language_events(tracker, lang), SlotSet(SLOT_FAILED_TURNS, float(failed))]
        buttons = []
        for topic in likely_topics(tracker, set(kb.scope.topics)):
            resolved = kb.resolve(topic, lang)
            if resolved:
                buttons.append({"title": resolved.text.title, "payload": "/topic_" + topic.replace("-", "_")})
        buttons.append({"title": _("Talk to a person"), "payload": f"/{INTENT_REQUEST_HUMAN}"})
        if failed >= 2:
            # two misses in a row: hand over to a person (the intake asks for consent first; without it the
            # person gets the local counselling contacts)
            send(dispatcher, Reply(messages=[_("Sorry, I still do not understand. A person can help you better.")],
                                   topic=OUTCOME_HANDOFF, lang=lang))
            return [*events, SlotSet(SLOT_FAILED_TURNS, 0.0), SlotSet(SLOT_PENDING_TOPIC, None),
                    FollowupAction(FORM_INTAKE)]
        text = _("I am not sure I understood. Do you mean one of these? You can also write your question "
                 "in other words.")
        send(dispatcher, Reply(messages=[text], topic=None, lang=lang), buttons=buttons)
        return events
